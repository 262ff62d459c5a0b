#include "upstream/http_support.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mcpgw::upstream {
namespace {

constexpr time_t kConnectTimeoutSeconds = 10;

int DefaultPort(const std::string& scheme) {
  return scheme == "https" || scheme == "wss" ? 443 : 80;
}

protocol::Status BadUrl(const std::string& why) {
  return protocol::Status(protocol::StatusCode::kInvalidArgument, "bad URL: " + why);
}

bool SplitHostPort(std::string_view authority, Url& url) {
  std::size_t colon = authority.rfind(':');
  bool bracketed = authority.starts_with('[');
  if (colon == std::string_view::npos || (bracketed && colon < authority.find(']'))) {
    url.host = authority;
    url.port = DefaultPort(url.scheme);
    return !url.host.empty();
  }
  url.host = authority.substr(0, colon);
  std::string_view port = authority.substr(colon + 1);
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), url.port);
  return !url.host.empty() && error == std::errc() && end == port.data() + port.size() &&
         url.port > 0 && url.port < 65536;
}

}  // namespace

std::string Url::HttpOrigin() const {
  return (secure() ? "https://" : "http://") + host + ":" + std::to_string(port);
}

protocol::Result<Url> ParseUrl(const std::string& text) {
  std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos) return BadUrl("no scheme");
  Url url;
  url.scheme = text.substr(0, scheme_end);
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(), ::tolower);
  if (url.scheme != "http" && url.scheme != "https" && url.scheme != "ws" && url.scheme != "wss") {
    return BadUrl("scheme must be http, https, ws or wss");
  }
  std::size_t start = scheme_end + 3;
  std::size_t path = text.find_first_of("/?#", start);
  std::string_view authority = std::string_view(text).substr(start, path - start);
  if (authority.find('@') != std::string_view::npos) return BadUrl("credentials in the URL");
  if (!SplitHostPort(authority, url)) return BadUrl("bad host or port");
  url.target = path == std::string::npos ? "/" : text.substr(path, text.find('#', path) - path);
  if (url.target.empty() || url.target.front() != '/') url.target.insert(0, "/");
  return url;
}

protocol::Result<Url> ResolveUrl(const Url& base, const std::string& reference) {
  if (reference.find("://") != std::string::npos) return ParseUrl(reference);
  Url url = base;
  if (reference.starts_with('/')) {
    url.target = reference;
  } else {
    std::string dir = base.target.substr(0, base.target.find('?'));
    url.target = dir.substr(0, dir.rfind('/') + 1) + reference;
  }
  return url;
}

std::unique_ptr<httplib::Client> MakeHttpClient(const Url& url, const ServerConfig& config,
                                                std::chrono::seconds read_timeout) {
  auto client = std::make_unique<httplib::Client>(url.HttpOrigin());
  client->set_keep_alive(true);
  // Requests are small and each waits for its answer: Nagle's algorithm would hold a request's
  // last segment until the server's delayed ACK, about 40 ms per call.
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(kConnectTimeoutSeconds, 0);
  client->set_read_timeout(static_cast<time_t>(read_timeout.count()), 0);
  client->set_write_timeout(kConnectTimeoutSeconds, 0);
  client->set_follow_location(false);  // a redirect must not carry credentials elsewhere
  if (url.secure()) {
    client->enable_server_certificate_verification(config.tls_verify);
    if (!config.ca_file.empty()) client->set_ca_cert_path(config.ca_file);
  }
  return client;
}

bool HasMediaType(const std::string& content_type, std::string_view media_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  type.erase(type.find_last_not_of(" \t") + 1);
  type.erase(0, type.find_first_not_of(" \t"));
  std::transform(type.begin(), type.end(), type.begin(), ::tolower);
  return type == media_type;
}

protocol::Status UpstreamUnavailable(const std::string& server, const std::string& what) {
  return protocol::Status(protocol::StatusCode::kUnavailable,
                          "upstream '" + server + "': " + what, {{"server", server}});
}

std::string Base64(std::string_view text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(n);
  return out;
}

}  // namespace mcpgw::upstream
