#include "proxy/app/config_report.h"

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::proxy {
namespace {

Config ExampleConfig() {
  Config config;
  upstream::ServerConfig memory;
  memory.name = "memory";
  memory.command = "node_modules/.bin/mcp-server-memory";
  memory.args = {"--flag", "two words"};
  memory.env = {{"API_TOKEN", "hunter2-secret"}};
  memory.cwd = "/srv/demo";
  memory.timeout = std::chrono::milliseconds(1500);
  memory.enabled = false;
  upstream::ServerConfig remote;
  remote.name = "remote";
  remote.type = upstream::TransportType::kHttp;
  remote.url = "https://user:pw-secret@example.com/mcp?key=query-secret";
  remote.headers = {{"X-Api-Key", "header-secret"}};
  config.servers = {memory, remote};
  config.aliases = {{"mem", "memory"}};
  config.gateway.listen = "127.0.0.1:8811";
  return config;
}

TEST_CASE("DescribeConfig lists servers with type, command line, cwd, timeout and state") {
  std::string text = DescribeConfig(ExampleConfig());
  INFO(text);
  CHECK(text.find("servers (2):") != std::string::npos);
  CHECK(text.find("memory (stdio, disabled, timeout 1500 ms)") != std::string::npos);
  CHECK(text.find("command: node_modules/.bin/mcp-server-memory --flag 'two words'") !=
        std::string::npos);
  CHECK(text.find("cwd: /srv/demo") != std::string::npos);
  CHECK(text.find("remote (http, enabled, timeout 60000 ms)") != std::string::npos);
  CHECK(text.find("url: https://example.com/mcp") != std::string::npos);
}

TEST_CASE("DescribeConfig shows the names of env vars and headers but never their values") {
  std::string text = DescribeConfig(ExampleConfig());
  INFO(text);
  CHECK(text.find("env: API_TOKEN (values hidden)") != std::string::npos);
  CHECK(text.find("headers: X-Api-Key (values hidden)") != std::string::npos);
  CHECK(text.find("secret") == std::string::npos);
}

TEST_CASE("DescribeConfig lists aliases and gateway settings") {
  std::string text = DescribeConfig(ExampleConfig());
  INFO(text);
  CHECK(text.find("aliases (1):\n  mem -> memory\n") != std::string::npos);
  CHECK(text.find("separator: \"__\"") != std::string::npos);
  CHECK(text.find("listen: 127.0.0.1:8811") != std::string::npos);
  CHECK(text.find("workers: 8") != std::string::npos);
  CHECK(text.find("max_message_bytes: 16777216") != std::string::npos);
  CHECK(text.find("max_json_depth: 64") != std::string::npos);
}

TEST_CASE("DescribeConfig says when the working directory and listen address are defaults") {
  Config config;
  upstream::ServerConfig server;
  server.name = "s";
  server.command = "x";
  config.servers = {server};
  std::string text = DescribeConfig(config);
  INFO(text);
  CHECK(text.find("cwd: (the gateway's)") != std::string::npos);
  CHECK(text.find("listen: (none: serves stdio)") != std::string::npos);
  CHECK(text.find("aliases (0):") != std::string::npos);
}

}  // namespace
}  // namespace mcpgw::proxy

namespace mcpgw::proxy {
namespace {

TEST_CASE("DescribeConfig names the auth type of a network server but never its secrets") {
  Config config;
  for (upstream::AuthType type : {upstream::AuthType::kBearer, upstream::AuthType::kApiKey,
                                  upstream::AuthType::kBasic, upstream::AuthType::kOAuth2}) {
    upstream::ServerConfig server;
    server.name = "s" + std::to_string(config.servers.size());
    server.type = upstream::TransportType::kHttp;
    server.url = "https://example.com/mcp";
    server.auth = {type, "tok-SHHH", "key-SHHH", "X-Key", "user-SHHH", "pw-SHHH",
                   "id-SHHH", "client-SHHH", "https://auth.example.com/token?k=q-SHHH",
                   "scope-SHHH", "aud-SHHH"};
    server.tls_verify = false;
    config.servers.push_back(server);
  }
  std::string text = DescribeConfig(config);
  CHECK(text.find("SHHH") == std::string::npos);
  CHECK(text.find("auth: bearer") != std::string::npos);
  CHECK(text.find("auth: api_key in header X-Key") != std::string::npos);
  CHECK(text.find("auth: basic") != std::string::npos);
  CHECK(text.find("auth: oauth2 client credentials from https://auth.example.com/token") !=
        std::string::npos);
  CHECK(text.find("tls_verify: false") != std::string::npos);
}

TEST_CASE("AdminApiWarning: without keys on loopback or stdio the admin API is single-user only") {
  Config config = ExampleConfig();
  std::optional<std::string> loopback = AdminApiWarning(config);
  REQUIRE(loopback);
  CHECK(loopback->find("127.0.0.1:8811") != std::string::npos);
  CHECK(loopback->find("single-user machines only") != std::string::npos);
  for (const char* listen : {"", "[::1]:8811", "localhost:0"}) {
    config.gateway.listen = listen;
    CHECK(AdminApiWarning(config));
  }
  config.gateway.listen = "0.0.0.0:8811";  // there the admin API without keys answers 403
  CHECK_FALSE(AdminApiWarning(config));
  config.gateway.listen = "127.0.0.1:8811";
  config.keys.push_back({"root", "sha256:00", "", ""});
  CHECK_FALSE(AdminApiWarning(config));
}

}  // namespace
}  // namespace mcpgw::proxy
