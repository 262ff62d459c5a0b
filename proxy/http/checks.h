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

// An HTTP authority, as in Host or an Origin after "scheme://": host [":" port].
struct Authority {
  std::string host;  // lower case; an IPv6 literal keeps its brackets: "[::1]"
  std::string port;  // digits, or empty when there was none
};

// Parses an authority strictly (RFC 3986 3.2.2, RFC 7230 5.4): the host is a reg-name of
// letters, digits, '-' and '.' (which covers IPv4 literals) or a bracketed IPv6 literal; the port
// is 1 to 5 digits up to 65535. Anything else (empty, user info, a path, spaces, a zone id, an
// empty port) gives nullopt.
std::optional<Authority> ParseAuthority(std::string_view text);

// Defends against DNS rebinding (transports spec, "Security Warning"): which Host and Origin
// headers the gateway answers. Bound to a loopback address, localhost, 127.0.0.1 and [::1] (any
// port) are allowed by default. Immutable after construction; any thread.
class OriginPolicy {
 public:
  OriginPolicy(std::string_view listen_host, std::vector<std::string> allowed_origins,
               std::vector<std::string> allowed_hosts);

  // Host must be a well-formed authority (400 otherwise) naming an allowed host, port ignored
  // (403 otherwise). Without allowed_hosts, a gateway bound to a non-loopback address takes any
  // host. An empty `host_header` (absent or blank) is 400, except on HTTP/1.0 when any host is
  // taken: load balancers' HTTP/1.0 health checks send no Host.
  HttpCheck CheckHost(std::string_view host_header, std::string_view http_version) const;
  // An absent Origin (empty; non-browser clients) is fine; a present one must be in
  // allowed_origins, or a localhost origin when bound to loopback. 403 otherwise.
  HttpCheck CheckOrigin(std::string_view origin_header) const;
  // For the admin API: an absent Origin is fine, a present one must be in allowed_origins (the
  // localhost default does not apply: any local web page could otherwise drive the admin API).
  // 403 otherwise.
  HttpCheck CheckAdminOrigin(std::string_view origin_header) const;

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
