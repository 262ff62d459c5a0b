#pragma once

#include "protocol/status.h"
#include "upstream/server_config.h"

#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>

namespace mcpgw::upstream {

// An absolute http(s) or ws(s) URL split the way httplib and Beast want it.
struct Url {
  std::string scheme;  // http, https, ws or wss
  std::string host;
  int port = 0;
  std::string target;  // path and query, at least "/"

  bool secure() const { return scheme == "https" || scheme == "wss"; }
  // "scheme://host:port" with the http(s) scheme for ws(s): what httplib::Client takes.
  std::string HttpOrigin() const;
};

// Fails with kInvalidArgument for anything but scheme://host[:port][/path][?query].
protocol::Result<Url> ParseUrl(const std::string& text);

// reference resolved against base: an absolute URL as it is, "/path" on base's origin, anything
// else relative to base's directory.
protocol::Result<Url> ResolveUrl(const Url& base, const std::string& reference);

// A client for url's origin with the server's TLS settings (tls_verify, ca_file), keep-alive on,
// a connect timeout and read timeout. Exceptions never leave httplib's client.
std::unique_ptr<httplib::Client> MakeHttpClient(const Url& url, const ServerConfig& config,
                                                std::chrono::seconds read_timeout);

// True when a Content-Type header value names the given media type (parameters ignored).
bool HasMediaType(const std::string& content_type, std::string_view media_type);

// text in standard base64 with padding.
std::string Base64(std::string_view text);

// kUnavailable "upstream 'NAME': WHAT" with detail {"server": NAME}. WHAT must hold no secret.
protocol::Status UpstreamUnavailable(const std::string& server, const std::string& what);

}  // namespace mcpgw::upstream
