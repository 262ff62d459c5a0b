#include "proxy/http/cors.h"

#include "proxy/http/reply.h"

namespace mcpgw::proxy {
namespace {

// What a page may send: the key headers, the JSON body's type, and the MCP session headers.
// Accept is safelisted only while its value is short and plain, so it is listed too.
constexpr const char* kAllowHeaders =
    "Accept, Authorization, X-API-Key, Content-Type, Mcp-Session-Id, MCP-Protocol-Version, "
    "Last-Event-ID";
// What a page may read beyond the safelisted response headers.
constexpr const char* kExposeHeaders = "Mcp-Session-Id, WWW-Authenticate, Retry-After";
// How long a browser may reuse a preflight answer, in seconds.
constexpr const char* kPreflightMaxAge = "600";

// The methods `path` answers, for Allow and Access-Control-Allow-Methods; empty for a path the
// server does not serve.
std::string_view AllowedMethods(std::string_view path) {
  if (path == "/mcp") return "GET, POST, DELETE, OPTIONS";
  if (path == "/messages") return "POST, OPTIONS";
  if (path == "/sse" || path == "/healthz" || path == "/readyz" || path == "/metrics") {
    return "GET, OPTIONS";
  }
  if (path.starts_with("/admin/")) return "GET, PUT, POST, DELETE, OPTIONS";
  return {};
}

}  // namespace

void AnswerPreflight(const httplib::Request& req, httplib::Response& res) {
  std::string_view methods = AllowedMethods(req.path);
  if (methods.empty()) return SendRefusal(res, {404, "Not Found"});
  res.status = 204;
  res.set_header("Allow", std::string(methods));
  if (req.get_header_value("Origin").empty()) return;
  res.set_header("Access-Control-Allow-Methods", std::string(methods));
  res.set_header("Access-Control-Allow-Headers", kAllowHeaders);
  res.set_header("Access-Control-Max-Age", kPreflightMaxAge);
}

void AllowOrigin(const httplib::Request& req, httplib::Response& res) {
  std::string origin = req.get_header_value("Origin");
  if (origin.empty()) return;
  res.set_header("Access-Control-Allow-Origin", origin);
  res.set_header("Vary", "Origin");
  res.set_header("Access-Control-Expose-Headers", kExposeHeaders);
}

}  // namespace mcpgw::proxy
