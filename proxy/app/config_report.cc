#include "proxy/app/config_report.h"

#include "proxy/http/checks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string_view>
#include <vector>

namespace mcpgw::proxy {
namespace {

using upstream::ServerConfig;

bool IsShellSafe(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-_./=:,@+%").find(c) != std::string_view::npos;
}

// An argument as a shell would need it: bare when it is plainly safe, else single-quoted.
std::string Quote(const std::string& arg) {
  if (!arg.empty() && std::all_of(arg.begin(), arg.end(), IsShellSafe)) return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The URL without "user:password@" and without its query and fragment, which may hold secrets.
std::string RedactUrl(const std::string& url) {
  std::size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::size_t end = std::min(url.find_first_of("?#"), url.size());
  std::size_t at = url.find('@', start);
  std::size_t path = url.find('/', start);
  if (at != std::string::npos && at < std::min(path, end)) {
    return url.substr(0, start) + url.substr(at + 1, end - at - 1);
  }
  return url.substr(0, end);
}

std::vector<std::string> Keys(const std::map<std::string, std::string>& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

std::string_view AuthTypeName(upstream::AuthType type) {
  switch (type) {
    case upstream::AuthType::kNone: return "none";
    case upstream::AuthType::kBearer: return "bearer";
    case upstream::AuthType::kApiKey: return "api_key";
    case upstream::AuthType::kBasic: return "basic";
    case upstream::AuthType::kOAuth2: return "oauth2";
  }
  return "?";
}

// Names the auth type and where the secret goes, never a secret itself.
void DescribeNetwork(const ServerConfig& server, std::string& out) {
  auto line = std::back_inserter(out);
  fmt::format_to(line, "    url: {}{}\n", RedactUrl(server.url),
                 server.sse_fallback ? " (Streamable HTTP, else legacy SSE)" : "");
  const upstream::AuthConfig& auth = server.auth;
  if (auth.type == upstream::AuthType::kApiKey) {
    fmt::format_to(line, "    auth: api_key in header {} (value hidden)\n", auth.header);
  } else if (auth.type == upstream::AuthType::kOAuth2) {
    fmt::format_to(line, "    auth: oauth2 client credentials from {} (secrets hidden)\n",
                   RedactUrl(auth.token_url));
  } else if (auth.type != upstream::AuthType::kNone) {
    fmt::format_to(line, "    auth: {} (secrets hidden)\n", AuthTypeName(auth.type));
  }
  if (!server.tls_verify) fmt::format_to(line, "    tls_verify: false\n");
  if (!server.ca_file.empty()) fmt::format_to(line, "    ca_file: {}\n", server.ca_file);
}

void DescribeServer(const ServerConfig& server, std::string& out) {
  auto line = std::back_inserter(out);
  fmt::format_to(line, "  {} ({}, {}, timeout {} ms)\n", server.name,
                 TransportTypeName(server.type), server.enabled ? "enabled" : "disabled",
                 server.timeout.count());
  if (server.type == upstream::TransportType::kStdio) {
    std::vector<std::string> words = {Quote(server.command)};
    std::transform(server.args.begin(), server.args.end(), std::back_inserter(words), Quote);
    fmt::format_to(line, "    command: {}\n", fmt::join(words, " "));
    fmt::format_to(line, "    cwd: {}\n", server.cwd.empty() ? "(the gateway's)" : server.cwd);
  } else {
    DescribeNetwork(server, out);
  }
  if (!server.env.empty()) {
    fmt::format_to(line, "    env: {} (values hidden)\n", fmt::join(Keys(server.env), ", "));
  }
  if (!server.headers.empty()) {
    fmt::format_to(line, "    headers: {} (values hidden)\n",
                   fmt::join(Keys(server.headers), ", "));
  }
}

void DescribeGateway(const GatewaySettings& gateway, std::string& out) {
  auto line = std::back_inserter(out);
  fmt::format_to(line, "gateway:\n");
  fmt::format_to(line, "  separator: \"{}\"\n", gateway.separator);
  fmt::format_to(line, "  max_tool_name_length: {}\n", gateway.max_tool_name_length);
  fmt::format_to(line, "  listen: {}\n",
                 gateway.listen.empty() ? "(none: serves stdio)" : gateway.listen);
  fmt::format_to(line, "  startup_timeout_ms: {}\n", gateway.startup_timeout.count());
  fmt::format_to(line, "  shutdown_grace_ms: {}\n", gateway.shutdown_grace.count());
  fmt::format_to(line, "  max_message_bytes: {}\n", gateway.max_message_bytes);
  fmt::format_to(line, "  max_json_depth: {}\n", gateway.max_json_depth);
  fmt::format_to(line, "  workers: {}\n", gateway.workers);
  fmt::format_to(line, "  session_lifetime_ms: {}\n", gateway.session_lifetime.count());
  fmt::format_to(line, "  session_idle_timeout_ms: {}{}\n", gateway.session_idle_timeout.count(),
                 gateway.session_idle_timeout.count() == 0 ? " (never)" : "");
  fmt::format_to(line, "  max_sessions: {}\n", gateway.max_sessions);
  fmt::format_to(line, "  http_max_header_bytes: {}\n", gateway.http_max_header_bytes);
  fmt::format_to(line, "  http_max_headers: {}\n", gateway.http_max_headers);
  fmt::format_to(line, "  http_header_timeout_ms: {}\n", gateway.http_header_timeout.count());
  fmt::format_to(line, "  http_body_timeout_ms: {}\n", gateway.http_body_timeout.count());
}

constexpr const char* kOpenAdminApi =
    "is open without authentication to every local user and process, and can add servers whose "
    "commands run as the gateway's user: for single-user machines only; configure keys on a "
    "shared machine";

}  // namespace

std::string DescribeConfig(const Config& config) {
  std::string out = fmt::format("servers ({}):\n", config.servers.size());
  for (const ServerConfig& server : config.servers) {
    DescribeServer(server, out);
    auto exposure = config.exposure.find(server.name);
    if (exposure != config.exposure.end() && !exposure->second.prefix) {
      out += "    prefix: false (tools and prompts under their own names)\n";
    }
  }
  fmt::format_to(std::back_inserter(out), "aliases ({}):\n", config.aliases.size());
  for (const auto& [alias, server] : config.aliases) {
    fmt::format_to(std::back_inserter(out), "  {} -> {}\n", alias, server);
  }
  DescribeGateway(config.gateway, out);
  return out;
}

std::optional<std::string> AdminApiWarning(const Config& config) {
  if (!config.keys.empty()) return std::nullopt;
  const std::string& listen = config.gateway.listen;
  if (listen.empty()) {
    return fmt::format(
        "no keys: served over HTTP on a loopback address (--listen), the admin API {}",
        kOpenAdminApi);
  }
  std::optional<Authority> bound = ParseAuthority(listen);
  if (bound && !IsLoopbackHost(bound->host)) return std::nullopt;  // the admin API answers 403
  return fmt::format("no keys: the admin API on {} {}", listen, kOpenAdminApi);
}

}  // namespace mcpgw::proxy
