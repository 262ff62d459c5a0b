#pragma once

#include "protocol/json_rpc.h"
#include "proxy/http/checks.h"
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
// Retry-After: its data.retry_after_ms in seconds, rounded up.
void SendMessage(httplib::Response& res, const protocol::Message& message);

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

}  // namespace mcpgw::proxy
