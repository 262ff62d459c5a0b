// The bench upstream on stdin/stdout: newline-delimited JSON-RPC.
#pragma once

#include "bench/upstream_replies.h"

namespace mcpgw::bench {

// Answers each line of stdin on stdout, in order, one write(2) per reply line, until stdin ends
// or stdout is closed. Returns the process exit code (0 at end of input). Main thread only.
int ServeStdio(const UpstreamReplies& replies);

}  // namespace mcpgw::bench
