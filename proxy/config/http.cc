#include "proxy/config/http.h"

#include "proxy/config/reader.h"

#include <fmt/format.h>

#include <cstdlib>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Status;

bool IsOrigin(std::string_view s) {
  return (s.starts_with("http://") || s.starts_with("https://")) && s.find('/', 8) == s.npos;
}

void ParseHttpLimits(FieldReader& f, GatewaySettings& out) {
  if (auto v = f.Integer("http_max_header_bytes", 1024, 16 * 1024 * 1024,
                         "an integer from 1024 to 16777216")) {
    out.http_max_header_bytes = *v;
  }
  if (auto v = f.Integer("http_max_headers", 8, 10000, "an integer from 8 to 10000")) {
    out.http_max_headers = *v;
  }
  if (auto v = f.Integer("http_header_timeout_ms", 1, kMaxMillis, kPositiveMillis)) {
    out.http_header_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = f.Integer("http_body_timeout_ms", 1, kMaxMillis, kPositiveMillis)) {
    out.http_body_timeout = std::chrono::milliseconds(*v);
  }
}

}  // namespace

Status ParseHttpSettings(const Json& gateway, const EnvLookup& env,
                         const std::filesystem::path& base_dir, GatewaySettings& out) {
  FieldReader f(gateway, "gateway", env);
  f.String("session_secret", out.session_secret, IsNonEmpty, "a non-empty string");
  f.StringList("allowed_origins", out.allowed_origins);
  f.StringList("allowed_hosts", out.allowed_hosts);
  f.String("tls_cert", out.tls_cert, IsNonEmpty, "a non-empty path");
  f.String("tls_key", out.tls_key, IsNonEmpty, "a non-empty path");
  if (auto v = f.Integer("drain_timeout_ms", 0, kMaxMillis, "an integer from 0 to 2147483647")) {
    out.drain_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = f.Integer("sse_keepalive_ms", 1, kMaxMillis, kPositiveMillis)) {
    out.sse_keepalive = std::chrono::milliseconds(*v);
  }
  if (auto v = f.Integer("session_lifetime_ms", 1000, kMaxMillis,
                         "an integer from 1000 to 2147483647")) {
    out.session_lifetime = std::chrono::milliseconds(*v);
  }
  if (auto v =
          f.Integer("session_idle_timeout_ms", 0, kMaxMillis, "an integer from 0 to 2147483647")) {
    out.session_idle_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = f.Integer("max_sessions", 1, 10000000, "an integer from 1 to 10000000")) {
    out.max_sessions = static_cast<std::size_t>(*v);
  }
  ParseHttpLimits(f, out);
  if (!f.status().ok()) return f.status();
  for (std::size_t i = 0; i < out.allowed_origins.size(); ++i) {
    if (!IsOrigin(out.allowed_origins[i])) {
      return InvalidAt(fmt::format("gateway.allowed_origins[{}]", i),
                       "must be an origin: http(s)://HOST[:PORT], no path");
    }
  }
  if (out.tls_cert.empty() != out.tls_key.empty()) {
    return InvalidAt(out.tls_cert.empty() ? "gateway.tls_cert" : "gateway.tls_key",
                     "is required when the other of tls_cert and tls_key is given");
  }
  out.tls_cert = ResolveCwd(out.tls_cert, base_dir);  // relative to the config file, like cwd
  out.tls_key = ResolveCwd(out.tls_key, base_dir);
  return Status::Ok();
}

std::string SharedSessionSecret(const GatewaySettings& settings) {
  if (!settings.session_secret.empty()) return settings.session_secret;
  const char* from_env = std::getenv("MCPGW_SESSION_SECRET");
  return from_env == nullptr ? "" : from_env;
}

}  // namespace mcpgw::proxy
