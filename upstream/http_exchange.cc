#include "upstream/http_exchange.h"

#include "upstream/http_support.h"

#include <vector>

namespace mcpgw::upstream {

bool ExchangeResult::event_stream() const {
  return HasMediaType(content_type, "text/event-stream");
}

ExchangeResult Exchange(httplib::Client& client, httplib::Request request, std::size_t max_bytes,
                        protocol::SseParser& parser, const EventSink& on_event,
                        const LineSink& on_line) {
  ExchangeResult result;
  bool streaming = false;
  std::string partial_line;
  request.response_handler = [&](const httplib::Response& response) {
    result.status = response.status;
    result.content_type = response.get_header_value("Content-Type");
    result.session_id = response.get_header_value("Mcp-Session-Id");
    bool success = result.status >= 200 && result.status < 300;
    streaming = success && result.event_stream();
    result.lines = success && on_line && HasMediaType(result.content_type, "application/json");
    return true;
  };
  request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t,
                                 std::uint64_t) {
    if (result.lines) {
      partial_line.append(data, length);
      for (std::size_t end; (end = partial_line.find('\n')) != std::string::npos;) {
        std::string line = partial_line.substr(0, end);
        partial_line.erase(0, end + 1);
        if (line.find_first_not_of(" \t\r") != std::string::npos && !on_line(line)) return false;
      }
      return partial_line.size() <= max_bytes || !(result.too_large = true);
    }
    if (!streaming) {
      if (result.body.size() + length > max_bytes) return !(result.too_large = true);
      result.body.append(data, length);
      return true;
    }
    std::vector<protocol::SseEvent> events;
    if (!parser.Feed(std::string_view(data, length), events)) return !(result.too_large = true);
    for (const protocol::SseEvent& event : events) {
      if (!on_event(event)) return false;
    }
    return true;
  };
  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  if (!client.send(request, response, error)) {
    result.error = error;
  } else if (result.lines && partial_line.find_first_not_of(" \t\r") != std::string::npos) {
    on_line(partial_line);  // the body ended with a line but no newline
  }
  if (result.error == httplib::Error::Canceled && result.status != 0 && !result.too_large) {
    result.error = httplib::Error::Success;  // we stopped reading on purpose
  }
  return result;
}

}  // namespace mcpgw::upstream
