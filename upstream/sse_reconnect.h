#pragma once

#include "protocol/json_rpc.h"

#include <chrono>
#include <optional>
#include <string_view>

namespace mcpgw::upstream {

// What reading a server's SSE streams again after the server closed the connection needs
// (WHATWG HTML "server-sent events", reconnection; MCP Streamable HTTP, resumability). Pure; any
// thread.

// How long to wait before reconnecting: the server's `retry` (milliseconds) when it sent one,
// else 1 s; never less than 100 ms (a server asking for 0 is not hammered) nor more than 30 s
// (a huge value cannot park the reader for good).
std::chrono::milliseconds ReconnectDelay(std::optional<long> retry_ms);

// True when text is a JSON-RPC response (result or error) whose id is request_id: the end of
// that request's stream. Reads the id first, so other messages are not parsed twice.
bool IsResponseTo(std::string_view text, const protocol::Json& request_id,
                  std::size_t max_json_depth);

}  // namespace mcpgw::upstream
