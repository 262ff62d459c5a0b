#pragma once

#include <httplib.h>

namespace mcpgw::proxy {

// Cross-origin answers for browser pages on an allowed origin (README "HTTP mode"). The server's
// guard has already refused every other Origin with 403 and no CORS headers, so what is written
// here is permission for allowed origins only. Called on the HTTP connection threads.

// OPTIONS: 204 with Allow and, for a preflight (the request has an Origin), the
// Access-Control-Allow-Methods, -Allow-Headers and -Max-Age it needs; 404 for an unknown path.
void AnswerPreflight(const httplib::Request& req, httplib::Response& res);

// A request with an Origin: Access-Control-Allow-Origin echoing it, Vary: Origin, and
// Access-Control-Expose-Headers so the page can read Mcp-Session-Id. Nothing without an Origin.
void AllowOrigin(const httplib::Request& req, httplib::Response& res);

}  // namespace mcpgw::proxy
