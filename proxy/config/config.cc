#include "proxy/config/config.h"

#include "proxy/config/access.h"
#include "proxy/config/audit.h"
#include "proxy/config/reader.h"
#include "proxy/config/exposure.h"
#include "proxy/config/http.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;
using upstream::ServerConfig;
using upstream::TransportType;
using KeyList = std::vector<std::string_view>;

constexpr std::string_view kNamePattern = "^[A-Za-z0-9_-]{1,64}$";
constexpr std::size_t kMaxNameLength = 64;
constexpr TransportType kTransportTypes[] = {TransportType::kStdio, TransportType::kHttp,
                                             TransportType::kSse, TransportType::kWebSocket};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsNameChars(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsNameChar);
}

bool IsName(std::string_view s) { return s.size() <= kMaxNameLength && IsNameChars(s); }

bool IsHttpUrl(std::string_view s) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (s.starts_with(scheme) && s.size() > scheme.size()) return true;
  }
  return false;
}

bool IsIsolation(std::string_view s) { return s == "shared" || s == "session"; }

bool IsEraSetting(std::string_view s) {
  return std::ranges::find(upstream::kEraSettingNames, s) != std::end(upstream::kEraSettingNames);
}

upstream::EraSetting EraSettingNamed(std::string_view s) {
  auto found = std::ranges::find(upstream::kEraSettingNames, s);
  return static_cast<upstream::EraSetting>(found - std::begin(upstream::kEraSettingNames));
}

bool IsUrl(std::string_view s) {
  for (std::string_view scheme : {"http://", "https://", "ws://", "wss://"}) {
    if (s.starts_with(scheme) && s.size() > scheme.size()) return true;
  }
  return false;
}

// HOST:PORT with a non-empty host (an IPv6 host is written in brackets) and a port 1..65535.
bool IsHostPort(std::string_view s) {
  std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view port = s.substr(colon + 1);
  int number = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  return error == std::errc() && end == port.data() + port.size() && number >= 1 && number <= 65535;
}

Status CheckName(std::string_view name, std::string_view path, std::string_view separator) {
  if (!IsName(name)) return InvalidAt(path, fmt::format("name must match {}", kNamePattern));
  if (name.find(separator) != std::string_view::npos) {
    return InvalidAt(path, fmt::format("name must not contain the separator \"{}\"", separator));
  }
  return Status::Ok();
}

Status CheckTopLevel(const Json& doc) {
  if (!doc.is_object()) return InvalidAt("config", "must be a JSON object");
  if (!doc.contains("mcpServers")) return InvalidAt("mcpServers", "is required (an object)");
  return CheckKeys(doc, "",
                   {"mcpServers", "aliases", "gateway", "keys", "policies", "permissions",
                    "audit"});
}




// Deeper values would be walked recursively (dump, copy) by threads of a default stack size.
constexpr std::int64_t kMaxJsonDepth = 1024;

Status ParseGateway(const Json& doc, const EnvLookup& env, const std::filesystem::path& base_dir,
                    GatewaySettings& out) {
  auto gateway = doc.find("gateway");
  if (gateway == doc.end()) return Status::Ok();
  if (!gateway->is_object()) return InvalidAt("gateway", "must be an object");
  Status keys = CheckKeys(*gateway, "gateway",
                          {"separator", "max_tool_name_length", "listen", "startup_timeout_ms",
                           "shutdown_grace_ms", "max_message_bytes", "max_json_depth", "workers",
                           "session_secret", "allowed_origins", "allowed_hosts", "tls_cert",
                           "tls_key", "drain_timeout_ms", "sse_keepalive_ms", "session_lifetime_ms",
                           "session_idle_timeout_ms", "max_sessions", "http_max_header_bytes",
                           "http_max_headers", "http_header_timeout_ms", "http_body_timeout_ms",
                           "held_call_timeout_ms", "max_held_calls_per_key", "max_held_calls"});
  if (!keys.ok()) return keys;
  FieldReader f(*gateway, "gateway", env);
  f.String("separator", out.separator, IsNameChars, "a non-empty string of A-Z a-z 0-9 _ -");
  f.String("listen", out.listen, IsHostPort, "HOST:PORT, e.g. 127.0.0.1:8811");
  if (auto v = f.Integer("max_tool_name_length", 16, 128, "an integer from 16 to 128")) {
    out.max_tool_name_length = *v;
  }
  if (auto v = f.Integer("startup_timeout_ms", 1, kMaxMillis, kPositiveMillis)) {
    out.startup_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = f.Integer("shutdown_grace_ms", 1, kMaxMillis, kPositiveMillis)) {
    out.shutdown_grace = std::chrono::milliseconds(*v);
  }
  constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();
  if (auto v = f.Integer("max_message_bytes", 1024, kNoLimit, "an integer of at least 1024")) {
    out.max_message_bytes = *v;
  }
  if (auto v = f.Integer("max_json_depth", 8, kMaxJsonDepth, "an integer from 8 to 1024")) {
    out.max_json_depth = *v;
  }
  if (auto v = f.Integer("workers", 1, 256, "an integer from 1 to 256")) out.workers = *v;
  if (auto v = f.Integer("held_call_timeout_ms", 1, kMaxMillis, kPositiveMillis)) {
    out.held_call_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = f.Integer("max_held_calls_per_key", 1, 1000000, "an integer from 1 to 1000000")) {
    out.max_held_calls_per_key = *v;
  }
  if (auto v = f.Integer("max_held_calls", 1, 1000000, "an integer from 1 to 1000000")) {
    out.max_held_calls = *v;
  }
  if (!f.status().ok()) return f.status();
  return ParseHttpSettings(*gateway, env, base_dir, out);
}

// Reads an "auth" object (bearer, api_key, basic, oauth2; README "Remote upstreams: transports and
// credentials") into out.
Status ReadAuth(const Json& auth, const std::string& path, const EnvLookup& env,
                upstream::AuthConfig& out) {
  static const std::map<std::string, std::pair<KeyList, KeyList>> kShapes = {
      {"bearer", {{"token"}, {}}},
      {"api_key", {{"key"}, {"header"}}},
      {"basic", {{"username", "password"}, {}}},
      {"oauth2", {{"client_id", "client_secret", "token_url"}, {"scope", "audience"}}},
  };  // type -> {required keys, optional keys}
  if (!auth.is_object()) return InvalidAt(path, "must be an object");
  FieldReader f(auth, path, env);
  std::string type;
  f.String("type", type);
  auto shape = kShapes.find(type);
  if (f.status().ok() && shape == kShapes.end()) {
    return InvalidAt(JoinPath(path, "type"), "must be one of bearer, api_key, basic, oauth2");
  }
  if (!f.status().ok()) return f.status();
  const auto& [required, optional] = shape->second;
  KeyList allowed = {"type"};
  allowed.insert(allowed.end(), required.begin(), required.end());
  allowed.insert(allowed.end(), optional.begin(), optional.end());
  if (Status keys = CheckKeys(auth, path, allowed); !keys.ok()) return keys;
  for (std::string_view key : required) {
    if (!auth.contains(key)) {
      return InvalidAt(JoinPath(path, key), fmt::format("is required for {} auth", type));
    }
  }
  static const std::map<std::string, upstream::AuthType> kTypes = {
      {"bearer", upstream::AuthType::kBearer},
      {"api_key", upstream::AuthType::kApiKey},
      {"basic", upstream::AuthType::kBasic},
      {"oauth2", upstream::AuthType::kOAuth2}};
  out.type = kTypes.at(type);
  for (auto [key, field] : {std::pair{"token", &out.token}, {"key", &out.key}, {"header", &out.header},
                            {"username", &out.username}, {"password", &out.password},
                            {"client_id", &out.client_id}, {"client_secret", &out.client_secret},
                            {"token_url", &out.token_url}, {"scope", &out.scope},
                            {"audience", &out.audience}}) {
    f.String(key, *field);
  }
  if (out.type == upstream::AuthType::kOAuth2 && f.status().ok() && !IsHttpUrl(out.token_url)) {
    return InvalidAt(JoinPath(path, "token_url"), "must be an http:// or https:// URL");
  }
  return f.status();
}

struct ServerContext {
  const EnvLookup& env;
  const GatewaySettings& gateway;
  const std::filesystem::path& base_dir;
  std::map<std::string, Exposure>& exposure;
};

// The type a server entry asks for: "type" when given, else inferred from command or url.
Result<TransportType> ReadType(const Json& entry, const std::string& path, const EnvLookup& env) {
  std::string type;
  FieldReader f(entry, path, env);
  f.String("type", type);
  if (!f.status().ok()) return f.status();
  bool command = entry.contains("command");
  if (!entry.contains("type") && command == entry.contains("url")) {
    return InvalidAt(path, command ? "has both \"command\" and \"url\"; give one, or set \"type\""
                                   : "needs \"command\" (a stdio server) or \"url\"");
  }
  if (!entry.contains("type")) return command ? TransportType::kStdio : TransportType::kHttp;
  for (TransportType known : kTransportTypes) {
    if (TransportTypeName(known) == type) return known;
  }
  return InvalidAt(JoinPath(path, "type"), "must be one of stdio, http, sse, websocket");
}

Status ReadServerFields(const Json& entry, const std::string& path, const ServerContext& context,
                        ServerConfig& server) {
  FieldReader f(entry, path, context.env);
  f.String("command", server.command, IsNonEmpty, "a non-empty string");
  f.StringList("args", server.args);
  f.StringMap("env", server.env);
  f.String("cwd", server.cwd);
  f.String("url", server.url, IsUrl, "an http://, https://, ws:// or wss:// URL");
  f.StringMap("headers", server.headers);
  if (auto v = f.Integer("timeout_ms", 1, kMaxMillis, kPositiveMillis)) {
    server.timeout = std::chrono::milliseconds(*v);
  }
  f.Bool("enabled", server.enabled);
  std::string isolation = "shared";
  f.String("isolation", isolation, IsIsolation, "\"shared\" or \"session\"");
  server.isolated = isolation == "session";
  std::string era(upstream::EraSettingName(server.era));
  f.String("era", era, IsEraSetting, "\"auto\", \"legacy\" or \"modern\"");
  if (IsEraSetting(era)) server.era = EraSettingNamed(era);
  f.Bool("tls_verify", server.tls_verify);
  f.String("ca_file", server.ca_file, IsNonEmpty, "a non-empty path");
  if (!f.status().ok() || !entry.contains("auth")) return f.status();
  return ReadAuth(entry["auth"], f.PathOf("auth"), context.env, server.auth);
}

// A network server takes a url of its scheme and none of the process fields.
Status CheckNetworkFields(const Json& entry, const std::string& path, const ServerConfig& server) {
  if (!entry.contains("url")) {
    return InvalidAt(JoinPath(path, "url"),
                     fmt::format("is required for a {} server", TransportTypeName(server.type)));
  }
  bool websocket = server.type == TransportType::kWebSocket;
  if (websocket == IsHttpUrl(server.url)) {
    return InvalidAt(JoinPath(path, "url"), websocket ? "must be a ws:// or wss:// URL"
                                                      : "must be an http:// or https:// URL");
  }
  for (std::string_view key : {"command", "args", "env", "cwd"}) {
    if (entry.contains(key)) return InvalidAt(JoinPath(path, key), "is only for stdio servers");
  }
  bool legacy_only = server.type == TransportType::kSse || websocket;
  if (legacy_only && server.era == upstream::EraSetting::kModern) {
    return InvalidAt(JoinPath(path, "era"), fmt::format("cannot be \"modern\" for a {} server: "
                                                        "that transport is legacy only",
                                                        TransportTypeName(server.type)));
  }
  return Status::Ok();
}

// A stdio server takes a command and none of the network fields.
Status CheckFieldsOfType(const Json& entry, const std::string& path, const ServerConfig& server) {
  if (server.type != TransportType::kStdio) return CheckNetworkFields(entry, path, server);
  if (!entry.contains("command")) {
    return InvalidAt(JoinPath(path, "command"), "is required for a stdio server");
  }
  for (std::string_view key : {"url", "headers", "auth", "tls_verify", "ca_file"}) {
    if (entry.contains(key)) {
      return InvalidAt(JoinPath(path, key), "is only for http, sse and websocket servers");
    }
  }
  return Status::Ok();
}

// A relative cwd is taken relative to the config file's directory.

Result<ServerConfig> ParseServer(const std::string& name, const Json& entry,
                                 const ServerContext& context) {
  std::string path = JoinPath("mcpServers", name);
  if (Status valid = CheckName(name, path, context.gateway.separator); !valid.ok()) return valid;
  if (!entry.is_object()) return InvalidAt(path, "must be an object");
  Status keys = CheckKeys(
      entry, path,
      {"type", "command", "args", "env", "cwd", "url", "headers", "auth", "timeout_ms", "enabled",
       "isolation", "tls_verify", "ca_file", "tools", "prompts", "prefix", "era"});
  if (!keys.ok()) return keys;
  Result<TransportType> type = ReadType(entry, path, context.env);
  if (!type.ok()) return type.status();
  ServerConfig server;
  server.name = name;
  server.type = *type;
  server.sse_fallback = server.type == TransportType::kHttp && !entry.contains("type");
  server.max_message_bytes = context.gateway.max_message_bytes;
  server.max_json_depth = context.gateway.max_json_depth;
  if (Status s = ReadServerFields(entry, path, context, server); !s.ok()) return s;
  if (Status s = CheckFieldsOfType(entry, path, server); !s.ok()) return s;
  server.cwd = ResolveCwd(server.cwd, context.base_dir);
  if (Status s = ParseExposure(name, entry, context.env, context.exposure); !s.ok()) return s;
  return server;
}

Status ParseServers(const Json& doc, const ServerContext& context, std::vector<ServerConfig>& out) {
  const Json& servers = doc["mcpServers"];
  if (!servers.is_object()) return InvalidAt("mcpServers", "must be an object of servers");
  for (const auto& [name, entry] : servers.items()) {
    Result<ServerConfig> server = ParseServer(name, entry, context);
    if (!server.ok()) return server.status();
    out.push_back(std::move(server).value());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return Status::Ok();
}

Status ParseAliases(const Json& doc, const EnvLookup& env, Config& config) {
  FieldReader f(doc, "", env);
  f.StringMap("aliases", config.aliases);
  if (!f.status().ok()) return f.status();
  auto is_server = [&](std::string_view name) {
    return std::any_of(config.servers.begin(), config.servers.end(),
                       [&](const ServerConfig& server) { return server.name == name; });
  };
  for (const auto& [alias, target] : config.aliases) {
    std::string path = JoinPath("aliases", alias);
    if (Status valid = CheckName(alias, path, config.gateway.separator); !valid.ok()) return valid;
    if (is_server(alias)) return InvalidAt(path, "is already the name of a server");
    if (!is_server(target)) {
      return InvalidAt(path, fmt::format("names unknown server \"{}\"", target));
    }
  }
  return Status::Ok();
}

Status CannotRead(const std::string& path, int error) {
  return Status(StatusCode::kInvalidArgument,
                fmt::format("cannot read config {}: {}", path, std::strerror(error)));
}

Result<std::string> ReadFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return CannotRead(path, errno);
  std::string text;
  char buffer[1 << 16];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get())) text.append(buffer, n);
  if (std::ferror(file.get())) return CannotRead(path, errno);
  return text;
}

}  // namespace

std::string_view TransportTypeName(TransportType type) {
  switch (type) {
    case TransportType::kStdio: return "stdio";
    case TransportType::kHttp: return "http";
    case TransportType::kSse: return "sse";
    case TransportType::kWebSocket: return "websocket";
  }
  return "?";
}

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<Config> ParseConfig(std::string_view text, const EnvLookup& env,
                           const std::filesystem::path& base_dir) {
  Result<Json> doc = ParseJsonText(text);
  if (!doc.ok()) return doc.status();
  if (Status s = CheckTopLevel(*doc); !s.ok()) return s;
  Config config;
  if (Status s = ParseGateway(*doc, env, base_dir, config.gateway); !s.ok()) return s;
  ServerContext context{env, config.gateway, base_dir, config.exposure};
  if (Status s = ParseServers(*doc, context, config.servers); !s.ok()) return s;
  if (Status s = ParseAliases(*doc, env, config); !s.ok()) return s;
  if (Status s = ParseAccess(*doc, env, config); !s.ok()) return s;
  if (Status s = ParseAudit(*doc, env, base_dir, config.audit); !s.ok()) return s;
  return config;
}

Result<Config> LoadConfig(const std::string& path, const EnvLookup& env) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return ParseConfig(*text, env, (error ? std::filesystem::path(path) : absolute).parent_path());
}

}  // namespace mcpgw::proxy
