#include "proxy/http_checks.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

int StatusOf(const HttpCheck& check) { return check ? check->status : 0; }

TEST_CASE("OriginPolicy bound to loopback allows localhost names on any port, nothing else") {
  OriginPolicy policy("127.0.0.1", {}, {});
  for (auto host : {"localhost", "localhost:8811", "127.0.0.1:1", "[::1]:9", "LOCALHOST"}) {
    CHECK_FALSE(policy.CheckHost(host));
  }
  CHECK(StatusOf(policy.CheckHost("evil.example:8811")) == 403);
  CHECK(StatusOf(policy.CheckHost("")) == 403);
  CHECK_FALSE(policy.CheckOrigin(""));
  CHECK_FALSE(policy.CheckOrigin("http://localhost:3000"));
  CHECK_FALSE(policy.CheckOrigin("https://127.0.0.1"));
  CHECK(StatusOf(policy.CheckOrigin("https://evil.example")) == 403);
  CHECK(StatusOf(policy.CheckOrigin("http://localhost.evil.example")) == 403);
  CHECK(StatusOf(policy.CheckOrigin("null")) == 403);
}

TEST_CASE("OriginPolicy takes the configured origins and hosts") {
  OriginPolicy policy("0.0.0.0", {"https://App.example.com"}, {"mcp.example.com"});
  CHECK_FALSE(policy.CheckHost("mcp.example.com:443"));
  CHECK(StatusOf(policy.CheckHost("localhost")) == 403);
  CHECK_FALSE(policy.CheckOrigin("https://app.example.com"));
  CHECK(StatusOf(policy.CheckOrigin("http://app.example.com")) == 403);
  CHECK(StatusOf(policy.CheckOrigin("http://localhost")) == 403);
}

TEST_CASE("OriginPolicy bound to a public address without allowed_hosts takes any Host") {
  OriginPolicy policy("0.0.0.0", {}, {});
  CHECK_FALSE(policy.CheckHost("10.0.0.5:8811"));
  CHECK(StatusOf(policy.CheckOrigin("https://somewhere.example")) == 403);
}

TEST_CASE("IsLoopbackHost knows the loopback names") {
  CHECK(IsLoopbackHost("127.0.0.1"));
  CHECK(IsLoopbackHost("localhost"));
  CHECK(IsLoopbackHost("[::1]"));
  CHECK_FALSE(IsLoopbackHost("0.0.0.0"));
}

TEST_CASE("A POST must accept both JSON and an event stream; a GET stream an event stream") {
  CHECK_FALSE(CheckPostAccept("application/json, text/event-stream"));
  CHECK_FALSE(CheckPostAccept("text/event-stream;q=0.9,Application/JSON"));
  CHECK_FALSE(CheckPostAccept("*/*"));
  CHECK(StatusOf(CheckPostAccept("application/json")) == 406);
  CHECK(StatusOf(CheckPostAccept("")) == 406);
  CHECK_FALSE(CheckStreamAccept("text/event-stream"));
  CHECK_FALSE(CheckStreamAccept("text/*"));
  CHECK(StatusOf(CheckStreamAccept("application/json")) == 406);
}

TEST_CASE("A POST body must be application/json") {
  CHECK_FALSE(CheckContentType("application/json"));
  CHECK_FALSE(CheckContentType("application/json; charset=utf-8"));
  CHECK(StatusOf(CheckContentType("text/plain")) == 415);
  CHECK(StatusOf(CheckContentType("")) == 415);
}

TEST_CASE("MCP-Protocol-Version must be a supported revision when present") {
  CHECK_FALSE(CheckProtocolVersion(""));
  CHECK_FALSE(CheckProtocolVersion("2025-06-18"));
  CHECK_FALSE(CheckProtocolVersion("2024-11-05"));
  HttpCheck bad = CheckProtocolVersion("1999-01-01");
  CHECK(StatusOf(bad) == 400);
  CHECK(bad->message.find("1999-01-01") != std::string::npos);
}

}  // namespace
}  // namespace mcpgw::proxy
