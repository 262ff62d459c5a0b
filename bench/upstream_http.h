// The bench upstream over Streamable HTTP: stateless POST /mcp answering application/json.
#pragma once

#include "bench/upstream_replies.h"

#include <string>

namespace mcpgw::bench {

// Serves POST /mcp on listen (HOST:PORT; port 0 picks a free one) and prints
// "listening on http://HOST:PORT/mcp" to stderr once bound. Returns the exit code: 0 after
// SIGTERM or SIGINT, 1 when the address cannot be bound. Call from the main thread before any
// other thread exists: it blocks those signals for the whole process and waits for them itself.
int ServeHttp(const UpstreamReplies& replies, const std::string& listen);

}  // namespace mcpgw::bench
