#include "proxy/http/framing.h"

#include <algorithm>
#include <cctype>

namespace mcpgw::proxy {
namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

HttpCheck CheckDuplicates(const httplib::Request& req) {
  for (const char* name : {"Host", "Origin", "Mcp-Session-Id"}) {
    if (req.get_header_value_count(name) > 1) {
      return HttpRefusal{400, std::string("Bad Request: more than one ") + name + " header"};
    }
  }
  return std::nullopt;
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

HttpCheck CheckFraming(const httplib::Request& req) {
  if (HttpCheck check = CheckDuplicates(req)) return check;
  return CheckContentEncoding(req);
}

}  // namespace mcpgw::proxy
