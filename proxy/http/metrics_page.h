#pragma once

// The HTTP side of the metrics (README "Metrics"): the /metrics endpoint, and counting the
// body bytes of the MCP paths.

#include "policy/keys.h"
#include "proxy/observe/metrics.h"

#include <httplib.h>

namespace mcpgw::proxy {

// Answers GET /metrics with metrics.Render() as text/plain; version=0.0.4. With `keys` configured
// the caller needs one (any valid key; none, or an unknown one: 401 with WWW-Authenticate). HTTP
// connection threads.
void ServeMetrics(const Metrics& metrics, const std::vector<policy::KeyEntry>& keys,
                  const httplib::Request& req, httplib::Response& res);

// Adds the request's body and the response's body to the byte counters of the transport its
// path belongs to (/mcp: streamable_http; /sse and /messages: sse; other paths are not
// counted). A streamed response is counted as its chunks are written, by wrapping its content
// provider. Call once per response, after routing (httplib's post-routing handler).
void CountHttpBytes(Metrics& metrics, const httplib::Request& req, httplib::Response& res);

}  // namespace mcpgw::proxy
