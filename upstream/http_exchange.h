#pragma once

#include "protocol/sse_parser.h"

#include <httplib.h>

#include <functional>
#include <string>

namespace mcpgw::upstream {

// What came back for one HTTP request.
struct ExchangeResult {
  httplib::Error error = httplib::Error::Success;  // anything else: no (complete) response
  int status = 0;
  std::string content_type;
  std::string session_id;  // the Mcp-Session-Id response header, if any
  std::string body;        // a body that is not an event stream, up to the size limit
  bool too_large = false;  // the body or an event exceeded the limit
  bool lines = false;      // the body went to a LineSink line by line

  bool ok() const { return error == httplib::Error::Success && status >= 200 && status < 300; }
  bool event_stream() const;
};

// Gets each event of an event-stream body; returns false to stop reading.
using EventSink = std::function<bool(const protocol::SseEvent& event)>;

// Gets each line of a JSON body read as newline-delimited JSON; returns false to stop reading.
using LineSink = std::function<bool(std::string_view line)>;

// Sends request on client and reads the response as it arrives: a 2xx text/event-stream body
// goes event by event to on_event (parser keeps Last-Event-ID and retry for the caller); with
// on_line, a 2xx application/json body goes line by line to on_line as it arrives (a long-lived
// stream of JSON lines, each at most max_bytes); any other body is collected into body, up to
// max_bytes. Never throws. Blocks the calling thread until the response ends, a sink returns
// false, or client.stop() is called from elsewhere.
ExchangeResult Exchange(httplib::Client& client, httplib::Request request, std::size_t max_bytes,
                        protocol::SseParser& parser, const EventSink& on_event,
                        const LineSink& on_line = nullptr);

}  // namespace mcpgw::upstream
