#include "proxy/config/config.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

namespace mcpgw::proxy {
namespace {

using protocol::StatusCode;
using upstream::TransportType;

EnvLookup FakeEnv(std::map<std::string, std::string, std::less<>> vars = {}) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Config Parse(std::string_view text, const EnvLookup& env = FakeEnv()) {
  protocol::Result<Config> config = ParseConfig(text, env);
  INFO(config.status().message());
  REQUIRE(config.ok());
  return std::move(config).value();
}

// The whole message of the error ParseConfig gives for `text`.
std::string ErrorOf(std::string_view text, const EnvLookup& env = FakeEnv()) {
  protocol::Result<Config> config = ParseConfig(text, env);
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == StatusCode::kInvalidArgument);
  return config.status().message();
}

// The field path an error names: its message up to the first ": ".
std::string PathOfError(std::string_view text) {
  std::string message = ErrorOf(text);
  return message.substr(0, message.find(": "));
}

// One stdio server "s" with `fields` added to {"command": "x"}.
std::string OneServer(std::string_view fields) {
  return std::string(R"({"mcpServers": {"s": {"command": "x")") + (fields.empty() ? "" : ", ") +
         std::string(fields) + "}}}";
}

TEST_CASE("ParseConfig accepts Claude Desktop's config as is") {
  Config config = Parse(R"({"mcpServers": {"filesystem": {
      "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/srv"],
      "env": {"DEBUG": "1"}}}})");
  REQUIRE(config.servers.size() == 1);
  const upstream::ServerConfig& server = config.servers[0];
  CHECK(server.name == "filesystem");
  CHECK(server.type == TransportType::kStdio);
  CHECK(server.command == "npx");
  CHECK(server.args ==
        std::vector<std::string>{"-y", "@modelcontextprotocol/server-filesystem", "/srv"});
  CHECK(server.env == std::map<std::string, std::string>{{"DEBUG", "1"}});
}

TEST_CASE("ParseConfig fills in the defaults") {
  Config config = Parse(OneServer(""));
  const upstream::ServerConfig& server = config.servers[0];
  CHECK(server.timeout == std::chrono::milliseconds(60000));
  CHECK(server.enabled);
  CHECK(server.cwd.empty());
  CHECK(server.max_message_bytes == 16 * 1024 * 1024);
  CHECK(config.aliases.empty());
  CHECK(config.gateway.separator == "__");
  CHECK(config.gateway.max_tool_name_length == 64);
  CHECK(config.gateway.listen.empty());
  CHECK(config.gateway.startup_timeout == std::chrono::milliseconds(10000));
  CHECK(config.gateway.shutdown_grace == std::chrono::milliseconds(2000));
  CHECK(config.gateway.max_json_depth == 64);
  CHECK(config.gateway.workers == 8);
}

TEST_CASE("ParseConfig allows an empty mcpServers but requires the key") {
  CHECK(Parse(R"({"mcpServers": {}})").servers.empty());
  CHECK(PathOfError("{}") == "mcpServers");
  CHECK(PathOfError(R"({"mcpServers": []})") == "mcpServers");
}

TEST_CASE("ParseConfig reads every server and gateway field") {
  Config config = Parse(R"({
    "mcpServers": {"s": {"type": "stdio", "command": "x", "cwd": "/tmp", "timeout_ms": 5,
                         "enabled": false}},
    "gateway": {"separator": "-", "max_tool_name_length": 16, "listen": "127.0.0.1:8811",
                "startup_timeout_ms": 7, "shutdown_grace_ms": 9, "max_message_bytes": 2048,
                "max_json_depth": 100, "workers": 256}})");
  const upstream::ServerConfig& server = config.servers[0];
  CHECK(server.cwd == "/tmp");
  CHECK(server.timeout == std::chrono::milliseconds(5));
  CHECK_FALSE(server.enabled);
  CHECK(server.max_message_bytes == 2048);  // the gateway's limits, passed on
  CHECK(server.max_json_depth == 100);
  CHECK(config.gateway.separator == "-");
  CHECK(config.gateway.max_tool_name_length == 16);
  CHECK(config.gateway.listen == "127.0.0.1:8811");
  CHECK(config.gateway.startup_timeout == std::chrono::milliseconds(7));
  CHECK(config.gateway.shutdown_grace == std::chrono::milliseconds(9));
  CHECK(config.gateway.max_message_bytes == 2048);
  CHECK(config.gateway.max_json_depth == 100);
  CHECK(config.gateway.workers == 256);
}

TEST_CASE("ParseConfig reads the HTTP request limits and names a bad one by path") {
  Config config = Parse(R"({"mcpServers": {}, "gateway": {"http_max_header_bytes": 2048,
      "http_max_headers": 20, "http_header_timeout_ms": 500, "http_body_timeout_ms": 700}})");
  CHECK(config.gateway.http_max_header_bytes == 2048);
  CHECK(config.gateway.http_max_headers == 20);
  CHECK(config.gateway.http_header_timeout.count() == 500);
  CHECK(config.gateway.http_body_timeout.count() == 700);
  CHECK(Parse(R"({"mcpServers": {}})").gateway.http_max_headers == 100);
  CHECK(PathOfError(R"({"mcpServers": {}, "gateway": {"http_max_headers": 0}})") ==
        "gateway.http_max_headers");
  CHECK(PathOfError(R"({"mcpServers": {}, "gateway": {"http_header_timeout_ms": 0}})") ==
        "gateway.http_header_timeout_ms");
}

TEST_CASE("ParseConfig reads a server's isolation, shared unless it says session") {
  Config config = Parse(R"({"mcpServers": {"a": {"command": "x", "isolation": "session"},
                                           "b": {"command": "x", "isolation": "shared"},
                                           "c": {"command": "x"}}})");
  CHECK(config.servers[0].isolated);
  CHECK_FALSE(config.servers[1].isolated);
  CHECK_FALSE(config.servers[2].isolated);
  CHECK(ErrorOf(R"({"mcpServers": {"a": {"command": "x", "isolation": "per-user"}}})")
            .find("mcpServers.a.isolation") != std::string::npos);
}

TEST_CASE("ParseConfig infers the type from command or url and wants exactly one of them") {
  CHECK(Parse(OneServer("")).servers[0].type == TransportType::kStdio);
  upstream::ServerConfig bare_url = Parse(R"({"mcpServers": {"s": {"url": "https://h/mcp"}}})").servers[0];
  CHECK(bare_url.type == TransportType::kHttp);
  CHECK(bare_url.sse_fallback);
  CHECK(PathOfError(R"({"mcpServers": {"s": {"command": "x", "url": "http://h"}}})") ==
        "mcpServers.s");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"args": []}}})") == "mcpServers.s");
  CHECK(PathOfError(OneServer(R"("type": "carrier-pigeon")")) == "mcpServers.s.type");
}

TEST_CASE("ParseConfig checks the fields of network upstreams") {
  CHECK(ErrorOf(R"({"mcpServers": {"s": {"type": "websocket", "url": "wss://h",
                    "auth": {"type": "bearer", "token": "${UNSET_TOKEN}"}}}})") ==
        "mcpServers.s.auth.token: environment variable UNSET_TOKEN is not set");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "ftp://h"}}})") == "mcpServers.s.url");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "http://h", "auth": {"type": "basic",
                        "username": "u"}}}})") == "mcpServers.s.auth.password");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "http://h", "auth": {"type": "bearer",
                        "token": "t", "key": "k"}}}})") == "mcpServers.s.auth.key");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "http://h",
                        "auth": {"type": "magic"}}}})") == "mcpServers.s.auth.type");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "http://h", "headers": {"X": 1}}}})") ==
        "mcpServers.s.headers.X");
}

TEST_CASE("ParseConfig keeps network-only fields off stdio servers") {
  CHECK(PathOfError(OneServer(R"("url": "http://h", "type": "stdio")")) == "mcpServers.s.url");
  CHECK(PathOfError(OneServer(R"("headers": {})")) == "mcpServers.s.headers");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"type": "stdio"}}})") == "mcpServers.s.command");
  CHECK(PathOfError(OneServer(R"("command": "")")) == "mcpServers.s.command");
}

TEST_CASE("ParseConfig expands ${VAR} in string values") {
  EnvLookup env = FakeEnv({{"TOKEN", "secret"}, {"BIN", "/opt/bin"}, {"EMPTY", ""}});
  Config config = Parse(R"({"mcpServers": {"s": {"command": "${BIN}/server",
      "args": ["--token=${TOKEN}", "$HOME", "pa$$word", "$${TOKEN}", "[${EMPTY}]"],
      "env": {"TOKEN": "${TOKEN}"}}}})",
                        env);
  const upstream::ServerConfig& server = config.servers[0];
  CHECK(server.command == "/opt/bin/server");
  CHECK(server.args ==
        std::vector<std::string>{"--token=secret", "$HOME", "pa$$word", "${TOKEN}", "[]"});
  CHECK(server.env.at("TOKEN") == "secret");
}

TEST_CASE("ParseConfig names the field and the variable when a variable is unset") {
  CHECK(ErrorOf(R"({"mcpServers": {"github": {"command": "x",
                    "env": {"TOKEN": "${GITHUB_TOKEN}"}}}})") ==
        "mcpServers.github.env.TOKEN: environment variable GITHUB_TOKEN is not set");
  CHECK(PathOfError(OneServer(R"("args": ["a", "${1X}"])")) == "mcpServers.s.args[1]");
  CHECK(PathOfError(OneServer(R"("args": ["${OPEN"])")) == "mcpServers.s.args[0]");
}

TEST_CASE("ParseConfig rejects unknown keys at every level with their path") {
  CHECK(PathOfError(R"({"mcpServers": {}, "extra": 1})") == "extra");
  CHECK(PathOfError(OneServer(R"("comand": "typo")")) == "mcpServers.s.comand");
  CHECK(PathOfError(R"({"mcpServers": {}, "gateway": {"port": 1}})") == "gateway.port");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "http://h",
                        "auth": {"type": "bearer", "token": "t", "x": 1}}}})") ==
        "mcpServers.s.auth.x");
}

TEST_CASE("ParseConfig names the field path of a bad timeout") {
  CHECK(ErrorOf(OneServer(R"("timeout_ms": 0)")) ==
        "mcpServers.s.timeout_ms: must be a positive integer (at most 2147483647)");
  CHECK(PathOfError(OneServer(R"("timeout_ms": -5)")) == "mcpServers.s.timeout_ms");
  CHECK(PathOfError(OneServer(R"("timeout_ms": 1.5)")) == "mcpServers.s.timeout_ms");
  CHECK(PathOfError(OneServer(R"("timeout_ms": "100")")) == "mcpServers.s.timeout_ms");
  CHECK(PathOfError(OneServer(R"("timeout_ms": 18446744073709551615)")) ==
        "mcpServers.s.timeout_ms");
}

TEST_CASE("ParseConfig names array elements and values of the wrong type") {
  CHECK(ErrorOf(OneServer(R"("args": ["a", "b", 3])")) == "mcpServers.s.args[2]: must be a string");
  CHECK(PathOfError(OneServer(R"("args": "a b")")) == "mcpServers.s.args");
  CHECK(PathOfError(OneServer(R"("env": {"A": true})")) == "mcpServers.s.env.A");
  CHECK(PathOfError(OneServer(R"("enabled": "yes")")) == "mcpServers.s.enabled");
  CHECK(PathOfError(R"({"mcpServers": {"s": "x"}})") == "mcpServers.s");
}

TEST_CASE("ParseConfig checks server names against the pattern and the separator") {
  CHECK(ErrorOf(R"({"mcpServers": {"my server": {"command": "x"}}})") ==
        "mcpServers.my server: name must match ^[A-Za-z0-9_-]{1,64}$");
  CHECK(PathOfError(R"({"mcpServers": {"": {"command": "x"}}})") == "mcpServers.");
  std::string long_name(65, 'a');
  CHECK(PathOfError(R"({"mcpServers": {")" + long_name + R"(": {"command": "x"}}})") ==
        "mcpServers." + long_name);
  CHECK(ErrorOf(R"({"mcpServers": {"a__b": {"command": "x"}}})") ==
        "mcpServers.a__b: name must not contain the separator \"__\"");
  CHECK(PathOfError(R"({"mcpServers": {"a-b": {"command": "x"}},
                        "gateway": {"separator": "-"}})") == "mcpServers.a-b");
}

TEST_CASE("ParseConfig validates aliases") {
  std::string servers = R"("mcpServers": {"filesystem": {"command": "x"}, "db": {"command": "y"}})";
  Config config = Parse("{" + servers + R"(, "aliases": {"fs": "filesystem"}})");
  CHECK(config.aliases == std::map<std::string, std::string>{{"fs", "filesystem"}});
  CHECK(ErrorOf("{" + servers + R"(, "aliases": {"x": "nowhere"}})") ==
        "aliases.x: names unknown server \"nowhere\"");
  CHECK(PathOfError("{" + servers + R"(, "aliases": {"db": "filesystem"}})") == "aliases.db");
  CHECK(PathOfError("{" + servers + R"(, "aliases": {"f s": "filesystem"}})") == "aliases.f s");
  CHECK(PathOfError("{" + servers + R"(, "aliases": {"a__b": "filesystem"}})") == "aliases.a__b");
  CHECK(PathOfError("{" + servers + R"(, "aliases": {"fs": 1}})") == "aliases.fs");
  CHECK(PathOfError("{" + servers + R"(, "aliases": []})") == "aliases");
}

TEST_CASE("ParseConfig validates the gateway settings") {
  auto gateway = [](std::string_view fields) {
    return PathOfError(R"({"mcpServers": {}, "gateway": {)" + std::string(fields) + "}}");
  };
  CHECK(gateway(R"("separator": "")") == "gateway.separator");
  CHECK(gateway(R"("separator": ".")") == "gateway.separator");
  CHECK(gateway(R"("max_tool_name_length": 15)") == "gateway.max_tool_name_length");
  CHECK(gateway(R"("max_tool_name_length": 129)") == "gateway.max_tool_name_length");
  CHECK(gateway(R"("listen": "8811")") == "gateway.listen");
  CHECK(gateway(R"("listen": "localhost:99999")") == "gateway.listen");
  CHECK(gateway(R"("startup_timeout_ms": 0)") == "gateway.startup_timeout_ms");
  CHECK(gateway(R"("shutdown_grace_ms": -1)") == "gateway.shutdown_grace_ms");
  CHECK(gateway(R"("max_message_bytes": 1023)") == "gateway.max_message_bytes");
  CHECK(gateway(R"("max_json_depth": 7)") == "gateway.max_json_depth");
  CHECK(gateway(R"("max_json_depth": 1025)") == "gateway.max_json_depth");
  CHECK(gateway(R"("workers": 0)") == "gateway.workers");
  CHECK(gateway(R"("workers": 257)") == "gateway.workers");
  CHECK(PathOfError(R"({"mcpServers": {}, "gateway": 1})") == "gateway");
  CHECK(Parse(R"({"mcpServers": {}, "gateway": {"listen": "[::1]:80"}})").gateway.listen ==
        "[::1]:80");
}

TEST_CASE("ParseConfig sorts servers by name") {
  Config config = Parse(R"({"mcpServers": {"zeta": {"command": "z"}, "alpha": {"command": "a"},
                                           "Mid": {"command": "m"}}})");
  REQUIRE(config.servers.size() == 3);
  CHECK(config.servers[0].name == "Mid");
  CHECK(config.servers[1].name == "alpha");
  CHECK(config.servers[2].name == "zeta");
}

TEST_CASE("ParseConfig resolves a relative cwd against the base directory") {
  std::string text = R"({"mcpServers": {"a": {"command": "x", "cwd": ".."},
                         "b": {"command": "x", "cwd": "sub/dir"},
                         "c": {"command": "x", "cwd": "/abs"}}})";
  protocol::Result<Config> config = ParseConfig(text, FakeEnv(), "/etc/mcpgw/conf");
  REQUIRE(config.ok());
  CHECK(config->servers[0].cwd == "/etc/mcpgw");
  CHECK(config->servers[1].cwd == "/etc/mcpgw/conf/sub/dir");
  CHECK(config->servers[2].cwd == "/abs");
  CHECK(Parse(text).servers[1].cwd == "sub/dir");  // no base directory: left as written
}

TEST_CASE("ParseConfig reports invalid JSON with its line and column") {
  std::string message = ErrorOf("{\n  \"mcpServers\": {,\n}");
  CHECK(message.starts_with("invalid JSON: "));
  CHECK(message.find("line 2, column") != std::string::npos);
  CHECK(ErrorOf("[]") == "config: must be a JSON object");
}

TEST_CASE("ParseConfig rejects a key given twice in one object") {
  CHECK(ErrorOf(R"({"mcpServers": {"a": {"command": "x"}, "a": {"command": "y"}}})") ==
        "mcpServers.a: key appears twice in one object");
}

TEST_CASE("LoadConfig resolves cwd against the file's directory and names an unreadable file") {
  std::string dir = std::filesystem::temp_directory_path() / "mcpgw_config_test";
  std::filesystem::create_directories(dir + "/conf");
  std::ofstream(dir + "/conf/c.json") << R"({"mcpServers": {"s": {"command": "x", "cwd": ".."}}})";
  protocol::Result<Config> config = LoadConfig(dir + "/conf/c.json", FakeEnv());
  REQUIRE(config.ok());
  CHECK(config->servers[0].cwd == dir);
  protocol::Result<Config> missing = LoadConfig(dir + "/nope.json", FakeEnv());
  CHECK(missing.status().message() ==
        "cannot read config " + dir + "/nope.json: No such file or directory");
  CHECK(LoadConfig(dir, FakeEnv()).status().message().starts_with("cannot read config " + dir));
  std::filesystem::remove_all(dir);
}

TEST_CASE("ProcessEnvironment reads the process environment") {
  ::setenv("MCPGW_CONFIG_TEST_VAR", "value", 1);
  EnvLookup env = ProcessEnvironment();
  CHECK(env("MCPGW_CONFIG_TEST_VAR") == "value");
  CHECK_FALSE(env("MCPGW_CONFIG_TEST_SURELY_UNSET").has_value());
}

TEST_CASE("The demo config and the Claude Desktop snippet parse") {
  std::string root = MCPGW_SOURCE_DIR;
  protocol::Result<Config> config = LoadConfig(root + "/conf/demo.json", FakeEnv());
  INFO(config.status().message());
  REQUIRE(config.ok());
  REQUIRE(config->servers.size() == 3);
  for (const upstream::ServerConfig& server : config->servers) {
    CHECK(std::filesystem::path(server.cwd) == std::filesystem::path(root).lexically_normal());
  }
  CHECK(config->aliases.at("fs") == "filesystem");
  CHECK(LoadConfig(root + "/conf/claude_desktop_config.json", FakeEnv()).ok());
}

TEST_CASE("The team example config parses, with its keys and policies") {
  std::string root = MCPGW_SOURCE_DIR;
  protocol::Result<Config> config = LoadConfig(
      root + "/conf/team.json",
      [](std::string_view name) -> std::optional<std::string> {
        if (name == "MCPGW_SESSION_SECRET") return "a-secret-for-the-test";
        return std::nullopt;
      });
  INFO(config.status().message());
  REQUIRE(config.ok());
  CHECK(config->keys.size() == 2);
  CHECK(config->permissions.policies.size() == 2);
  CHECK(config->permissions.default_level == policy::Level::kDeny);
}

TEST_CASE("ParseConfig reads the HTTP settings of the gateway object") {
  Config config = Parse(R"({"mcpServers": {}, "gateway": {
      "session_secret": "${SECRET}", "allowed_origins": ["https://app.example.com:8443"],
      "allowed_hosts": ["mcp.example.com"], "tls_cert": "c.pem", "tls_key": "/etc/k.pem",
      "drain_timeout_ms": 0, "sse_keepalive_ms": 50}})",
                        FakeEnv({{"SECRET", "s3cret"}}));
  CHECK(config.gateway.session_secret == "s3cret");
  CHECK(config.gateway.allowed_origins == std::vector<std::string>{"https://app.example.com:8443"});
  CHECK(config.gateway.allowed_hosts == std::vector<std::string>{"mcp.example.com"});
  CHECK(config.gateway.tls_cert == "c.pem");
  CHECK(config.gateway.tls_key == "/etc/k.pem");
  CHECK(config.gateway.drain_timeout.count() == 0);
  CHECK(config.gateway.sse_keepalive.count() == 50);
  Config defaults = Parse(R"({"mcpServers": {}})");
  CHECK(defaults.gateway.session_secret.empty());
  CHECK(defaults.gateway.drain_timeout.count() == 10000);
  CHECK(defaults.gateway.sse_keepalive.count() == 15000);
}

TEST_CASE("ParseConfig resolves relative TLS files against the config file's directory") {
  protocol::Result<Config> config =
      ParseConfig(R"({"mcpServers": {}, "gateway": {"tls_cert": "tls/c.pem", "tls_key": "k.pem"}})",
                  FakeEnv(), "/srv/mcpgw");
  REQUIRE(config.ok());
  CHECK(config->gateway.tls_cert == "/srv/mcpgw/tls/c.pem");
  CHECK(config->gateway.tls_key == "/srv/mcpgw/k.pem");
}

TEST_CASE("ParseConfig names the bad HTTP setting of the gateway object") {
  auto gateway = [](std::string_view fields) {
    return PathOfError(R"({"mcpServers": {}, "gateway": {)" + std::string(fields) + "}}");
  };
  CHECK(gateway(R"("session_secret": "")") == "gateway.session_secret");
  CHECK(gateway(R"("allowed_origins": "https://a.example")") == "gateway.allowed_origins");
  CHECK(gateway(R"("allowed_origins": ["https://a.example/path"])") ==
        "gateway.allowed_origins[0]");
  CHECK(gateway(R"("allowed_origins": ["https://a.example", "a.example"])") ==
        "gateway.allowed_origins[1]");
  CHECK(gateway(R"("allowed_hosts": [1])") == "gateway.allowed_hosts[0]");
  CHECK(gateway(R"("tls_cert": "c.pem")") == "gateway.tls_key");
  CHECK(gateway(R"("tls_key": "k.pem")") == "gateway.tls_cert");
  CHECK(gateway(R"("drain_timeout_ms": -1)") == "gateway.drain_timeout_ms");
  CHECK(gateway(R"("sse_keepalive_ms": 0)") == "gateway.sse_keepalive_ms");
}

}  // namespace
}  // namespace mcpgw::proxy

namespace mcpgw::proxy {
namespace {

TEST_CASE("ParseConfig reads each auth type with its variables expanded") {
  auto auth_of = [](std::string_view auth) {
    std::string text = std::string(R"({"mcpServers": {"s": {"type": "http", "url": "http://h/mcp", "auth": )") +
                       std::string(auth) + "}}}";
    return Parse(text, FakeEnv({{"TOKEN", "t0k"}})).servers[0].auth;
  };
  upstream::AuthConfig bearer = auth_of(R"({"type": "bearer", "token": "${TOKEN}"})");
  CHECK(bearer.type == upstream::AuthType::kBearer);
  CHECK(bearer.token == "t0k");
  upstream::AuthConfig api_key = auth_of(R"({"type": "api_key", "key": "k"})");
  CHECK(api_key.type == upstream::AuthType::kApiKey);
  CHECK(api_key.key == "k");
  CHECK(api_key.header == "X-API-Key");
  CHECK(auth_of(R"({"type": "api_key", "key": "k", "header": "X-Key"})").header == "X-Key");
  upstream::AuthConfig basic = auth_of(R"({"type": "basic", "username": "u", "password": "p"})");
  CHECK(basic.type == upstream::AuthType::kBasic);
  CHECK((basic.username == "u" && basic.password == "p"));
  upstream::AuthConfig oauth = auth_of(R"({"type": "oauth2", "client_id": "id", "client_secret": "s",
      "token_url": "https://auth/token", "scope": "read write", "audience": "api"})");
  CHECK(oauth.type == upstream::AuthType::kOAuth2);
  CHECK((oauth.client_id == "id" && oauth.client_secret == "s" && oauth.scope == "read write" &&
         oauth.audience == "api" && oauth.token_url == "https://auth/token"));
}

TEST_CASE("ParseConfig reads tls settings and websocket servers; a type disables SSE fallback") {
  upstream::ServerConfig server = Parse(R"({"mcpServers": {"s": {"type": "http", "url": "https://h/mcp",
      "tls_verify": false, "ca_file": "/etc/ca.pem", "headers": {"X-Org": "acme"}}}})").servers[0];
  CHECK_FALSE(server.tls_verify);
  CHECK(server.ca_file == "/etc/ca.pem");
  CHECK_FALSE(server.sse_fallback);
  CHECK(server.headers.at("X-Org") == "acme");
  CHECK(Parse(R"({"mcpServers": {"s": {"type": "sse", "url": "http://h/sse"}}})").servers[0].type ==
        TransportType::kSse);
  upstream::ServerConfig websocket = Parse(R"({"mcpServers": {"s": {"type": "websocket",
      "url": "wss://h/mcp", "tls_verify": false, "headers": {"X-Org": "acme"}}}})").servers[0];
  CHECK(websocket.type == TransportType::kWebSocket);
  CHECK(websocket.url == "wss://h/mcp");
  CHECK_FALSE(websocket.tls_verify);
  CHECK(websocket.headers.at("X-Org") == "acme");
}

TEST_CASE("ParseConfig reads a server's era: auto by default, legacy or modern, nothing else") {
  CHECK(Parse(R"({"mcpServers": {"s": {"command": "x"}}})").servers[0].era ==
        upstream::EraSetting::kAuto);
  CHECK(Parse(R"({"mcpServers": {"s": {"command": "x", "era": "legacy"}}})").servers[0].era ==
        upstream::EraSetting::kLegacy);
  CHECK(Parse(R"({"mcpServers": {"s": {"url": "http://h/mcp", "era": "modern"}}})").servers[0].era ==
        upstream::EraSetting::kModern);
  CHECK(PathOfError(R"({"mcpServers": {"s": {"command": "x", "era": "2026"}}})") ==
        "mcpServers.s.era");
  CHECK(ErrorOf(R"({"mcpServers": {"s": {"command": "x", "era": "2026"}}})").find(
            "\"auto\", \"legacy\" or \"modern\"") != std::string::npos);
  CHECK(PathOfError(R"({"mcpServers": {"s": {"type": "sse", "url": "http://h/sse",
      "era": "modern"}}})") == "mcpServers.s.era");
  CHECK(Parse(R"({"mcpServers": {"s": {"type": "websocket", "url": "ws://h",
      "era": "legacy"}}})").servers[0].era == upstream::EraSetting::kLegacy);
}

TEST_CASE("ParseConfig wants a url of the right scheme and no process fields on network servers") {
  CHECK(PathOfError(R"({"mcpServers": {"s": {"type": "websocket", "url": "http://h"}}})") ==
        "mcpServers.s.url");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"type": "sse", "url": "wss://h"}}})") ==
        "mcpServers.s.url");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"type": "http"}}})") == "mcpServers.s.url");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "http://h", "args": []}}})") ==
        "mcpServers.s.args");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "http://h", "auth": {"type": "oauth2",
      "client_id": "i", "client_secret": "s", "token_url": "ftp://x"}}}})") ==
        "mcpServers.s.auth.token_url");
  CHECK(PathOfError(OneServer(R"("tls_verify": false)")) == "mcpServers.s.tls_verify");
  CHECK(PathOfError(R"({"mcpServers": {"s": {"url": "http://h", "tls_verify": "no"}}})") ==
        "mcpServers.s.tls_verify");
}

}  // namespace
}  // namespace mcpgw::proxy
