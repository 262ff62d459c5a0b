#include "upstream/http_exchange.h"

#include "upstream/http_support.h"

#include <vector>

namespace mcpgw::upstream {

bool ExchangeResult::event_stream() const {
  return HasMediaType(content_type, "text/event-stream");
}

ExchangeResult Exchange(httplib::Client& client, httplib::Request request, std::size_t max_bytes,
                        protocol::SseParser& parser, const EventSink& on_event) {
  ExchangeResult result;
  bool streaming = false;
  request.response_handler = [&](const httplib::Response& response) {
    result.status = response.status;
    result.content_type = response.get_header_value("Content-Type");
    result.session_id = response.get_header_value("Mcp-Session-Id");
    streaming = result.status >= 200 && result.status < 300 && result.event_stream();
    return true;
  };
  request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t,
                                 std::uint64_t) {
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
  if (!client.send(request, response, error)) result.error = error;
  if (result.error == httplib::Error::Canceled && result.status != 0 && !result.too_large) {
    result.error = httplib::Error::Success;  // we stopped reading on purpose
  }
  return result;
}

}  // namespace mcpgw::upstream
