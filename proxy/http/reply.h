#pragma once

#include "protocol/json_rpc.h"
#include "proxy/http/checks.h"
#include "proxy/http/event_stream.h"
#include "proxy/http/message_queue.h"

#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>

namespace mcpgw::proxy {

// Writing HTTP responses for the MCP endpoints. Every error body is a JSON-RPC error with id
// null. Called on the HTTP connection threads.

// The status, and a JSON-RPC error body with code kTransportError and the message.
void SendRefusal(httplib::Response& res, const HttpRefusal& refusal);
// A JSON-RPC error body for a status httplib set itself (404 route, 413, ...) when the body is
// still empty.
void FillErrorBody(httplib::Response& res);
// 200 with one JSON-RPC message as application/json; for a rate-limit error (-32004), 429 with
// Retry-After: its data.retry_after_ms in seconds, rounded up. `serialized`, when not empty, is
// the message's JSON text already made.
void SendMessage(httplib::Response& res, const protocol::Message& message,
                 std::string serialized = {});

// How a response stream behaves.
struct StreamOptions {
  std::string event = "message";               // the SSE event name of each message
  std::string prelude;                         // written first (already formatted), e.g. "endpoint"
  bool end_after_response = false;             // a POST stream ends with its response
  std::chrono::milliseconds keepalive{15000};  // a comment line after this much silence
  std::shared_ptr<void> hold;                  // released when the stream ends (an in-flight token)
  std::function<void()> on_end;                // called once when the stream ends, on any thread
};

// 200 text/event-stream with X-Accel-Buffering: no, writing each message of the queue as an
// event until the queue closes, the client goes, the server stops or (with end_after_response)
// a response has been written. `first`, when given, is written before the queue's messages.
void StreamMessages(httplib::Response& res, std::shared_ptr<MessageQueue> queue,
                    std::optional<protocol::Message> first, StreamOptions options);

// How a resumable stream (EventStream) is written.
struct EventStreamOptions {
  std::uint64_t reader = 0;                    // the reader the response is (EventStream::Attach)
  std::uint64_t after = 0;                     // the cursor: events after this seq are written
  std::string prelude;                         // written first (already formatted): a priming event
  std::chrono::milliseconds keepalive{15000};  // a comment line after this much silence
  std::shared_ptr<void> hold;                  // released when the response ends
  std::function<void()> on_end;                // called once when the response ends, on any thread
};

// 200 text/event-stream with X-Accel-Buffering: no, writing each event of the stream after the
// cursor, with its id, until the stream has finished and all is written, the client goes, the
// server stops or another reader takes over the stream. A stream that ends with a response (a
// POST's) stays in one call of the content provider until then, as StreamMessages does.
void StreamEvents(httplib::Response& res, std::shared_ptr<EventStream> stream,
                  EventStreamOptions options);

}  // namespace mcpgw::proxy
