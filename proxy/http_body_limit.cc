#include "proxy/http_body_limit.h"

#include <algorithm>
#include <charconv>
#include <memory>

namespace mcpgw::proxy {
namespace {

constexpr const char* kCloseHeader = "Connection";

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// Content-Length as a number; nullopt when absent or not a plain decimal.
std::optional<std::size_t> ContentLength(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  std::string text = req.get_header_value("Content-Length");
  std::size_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

HttpCheck CheckDuplicates(const httplib::Request& req) {
  for (const char* name : {"Host", "Origin", "Mcp-Session-Id", "Content-Length"}) {
    if (req.get_header_value_count(name) > 1) {
      return HttpRefusal{400, std::string("Bad Request: more than one ") + name + " header"};
    }
  }
  return std::nullopt;
}

HttpCheck CheckTransferEncoding(const httplib::Request& req) {
  if (!req.has_header("Transfer-Encoding")) return std::nullopt;
  if (req.has_header("Content-Length")) {
    return HttpRefusal{400, "Bad Request: both Transfer-Encoding and Content-Length"};
  }
  if (req.get_header_value_count("Transfer-Encoding") == 1 &&
      EqualsNoCase(req.get_header_value("Transfer-Encoding"), "chunked")) {
    return std::nullopt;
  }
  return HttpRefusal{501, "Not Implemented: the only Transfer-Encoding taken is chunked"};
}

// Compressed request bodies are refused rather than inflated: no MCP client compresses its
// requests, a small compressed body can inflate to gigabytes, and refusing keeps
// max_message_bytes a limit on what a client sends as well as on what the gateway holds.
HttpCheck CheckContentEncoding(const httplib::Request& req) {
  std::size_t count = req.get_header_value_count("Content-Encoding");
  for (std::size_t i = 0; i < count; ++i) {
    if (!EqualsNoCase(req.get_header_value("Content-Encoding", i), "identity")) {
      return HttpRefusal{415, "Unsupported Media Type: request bodies must not be compressed"};
    }
  }
  return std::nullopt;
}

}  // namespace

HttpCheck CheckFraming(const httplib::Request& req, std::size_t max_body) {
  if (req.method != "GET" && req.method != "HEAD" && req.method != "POST" && req.method != "PUT" &&
      req.method != "DELETE" && req.method != "PATCH" && req.method != "OPTIONS") {
    return HttpRefusal{405, "Method Not Allowed"};
  }
  if (HttpCheck check = CheckDuplicates(req)) return check;
  if (HttpCheck check = CheckTransferEncoding(req)) return check;
  if (HttpCheck check = CheckContentEncoding(req)) return check;
  if (req.has_header("Content-Length") && !ContentLength(req)) {
    return HttpRefusal{400, "Bad Request: Content-Length is not a number"};
  }
  if (ContentLength(req).value_or(0) > max_body) {
    return HttpRefusal{413, "Payload Too Large: the body exceeds gateway.max_message_bytes"};
  }
  return std::nullopt;
}

bool DeclaresBody(const httplib::Request& req) {
  return req.has_header("Transfer-Encoding") || ContentLength(req).value_or(1) > 0;
}

bool BodyLeftUnread(const httplib::Request& req) {
  if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH") return false;
  if (req.method == "DELETE") return req.has_header("Transfer-Encoding");
  return DeclaresBody(req);
}

httplib::Server::HandlerWithContentReader ReadBodyThen(std::size_t max_body,
                                                      HttpRoutes::Handler handler) {
  return [max_body, handler = std::move(handler)](const httplib::Request& req,
                                                  httplib::Response& res,
                                                  const httplib::ContentReader& read) {
    // httplib's Request is a non-const local of its request loop, handed on as const only by
    // the handler's signature; the body goes where httplib's own reading would have put it.
    std::string& body = const_cast<httplib::Request&>(req).body;
    bool over = false;
    bool complete = read([&](const char* data, std::size_t size) {
      over = size > max_body - body.size();
      if (!over) body.append(data, size);
      return !over;
    });
    if (complete) return handler(req, res);
    res.status = over || res.status == 413 ? 413 : 400;
    CloseAfter(res);
  };
}

void CloseAfter(httplib::Response& res) { res.set_header(kCloseHeader, "close"); }

void ApplyCloseAfter(httplib::Response& res) {
  if (res.get_header_value(kCloseHeader) != "close") return;
  if (res.body.empty() || res.content_provider_) return;
  auto body = std::make_shared<std::string>(std::move(res.body));
  res.body.clear();
  res.content_length_ = body->size();
  res.content_provider_ = [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
    sink.write(body->data() + offset, body->size() - offset);
    return false;  // written; failing ends httplib's keep-alive loop, which closes the socket
  };
}

}  // namespace mcpgw::proxy
