#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::proxy {

// Why an HTTP request is refused before it reaches a Session: the HTTP status, and the message
// of the JSON-RPC error that is the body.
struct HttpRefusal {
  int status = 400;
  std::string message;
};
using HttpCheck = std::optional<HttpRefusal>;  // nullopt: the request may go on

// Defends against DNS rebinding (transports spec, "Security Warning"): which Host and Origin
// headers the gateway answers. Bound to a loopback address, localhost, 127.0.0.1 and [::1] (any
// port) are allowed by default. Immutable after construction; any thread.
class OriginPolicy {
 public:
  OriginPolicy(std::string_view listen_host, std::vector<std::string> allowed_origins,
               std::vector<std::string> allowed_hosts);

  // Host must name an allowed host (port ignored). Without allowed_hosts, a gateway bound to a
  // non-loopback address takes any Host. 403 otherwise.
  HttpCheck CheckHost(std::string_view host_header) const;
  // An absent Origin (empty; non-browser clients) is fine; a present one must be in
  // allowed_origins, or a localhost origin when bound to loopback. 403 otherwise.
  HttpCheck CheckOrigin(std::string_view origin_header) const;

 private:
  bool loopback_;
  std::vector<std::string> allowed_origins_;  // lower case
  std::vector<std::string> allowed_hosts_;    // lower case
};

// Whether a bind address is a loopback one (127.0.0.0/8, ::1, localhost).
bool IsLoopbackHost(std::string_view host);

// Accept of a POST must take both application/json and text/event-stream (wildcards count):
// 406 otherwise. Accept of a GET stream must take text/event-stream: 406 otherwise.
HttpCheck CheckPostAccept(std::string_view accept);
HttpCheck CheckStreamAccept(std::string_view accept);
// Content-Type of a POST must be application/json (parameters allowed): 415 otherwise.
HttpCheck CheckContentType(std::string_view content_type);
// MCP-Protocol-Version must be a supported revision: 400 otherwise. Absent (empty) is fine:
// the spec says to assume 2025-03-26 then.
HttpCheck CheckProtocolVersion(std::string_view version_header);

}  // namespace mcpgw::proxy
