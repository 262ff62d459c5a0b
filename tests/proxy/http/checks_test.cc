#include "proxy/http/checks.h"

#include <doctest/doctest.h>

#include <initializer_list>

namespace mcpgw::proxy {
namespace {

int StatusOf(const HttpCheck& check) { return check ? check->status : 0; }

constexpr std::string_view kHttp11 = "HTTP/1.1";

// A gateway on a loopback address takes no Origin and loopback origins on /mcp, nothing else.
void CheckLoopbackOrigins(const OriginPolicy& policy) {
  CHECK_FALSE(policy.CheckOrigin(""));
  CHECK_FALSE(policy.CheckOrigin("http://localhost:3000"));
  CHECK_FALSE(policy.CheckOrigin("https://127.0.0.1"));
  CHECK(StatusOf(policy.CheckOrigin("https://evil.example")) == 403);
  CHECK(StatusOf(policy.CheckOrigin("http://localhost.evil.example")) == 403);
  CHECK(StatusOf(policy.CheckOrigin("null")) == 403);
}

struct AuthorityCase {
  const char* text;
  const char* host;
  const char* port;
};

TEST_CASE("ParseAuthority takes a host name, an IPv4 or a bracketed IPv6 literal, and a port") {
  for (const AuthorityCase& c : std::initializer_list<AuthorityCase>{
           {"localhost", "localhost", ""},
           {"LocalHost:8811", "localhost", "8811"},
           {"127.0.0.1:1", "127.0.0.1", "1"},
           {"mcp-1.example.com:65535", "mcp-1.example.com", "65535"},
           {"[::1]", "[::1]", ""},
           {"[::FFFF:127.0.0.1]:80", "[::ffff:127.0.0.1]", "80"}}) {
    CAPTURE(c.text);
    std::optional<Authority> authority = ParseAuthority(c.text);
    REQUIRE(authority);
    CHECK(authority->host == c.host);
    CHECK(authority->port == c.port);
  }
}

TEST_CASE("ParseAuthority refuses user info, paths, spaces, bad ports and bad IPv6 literals") {
  for (auto text : {"",
                    ":8811",
                    "localhost:",
                    "localhost:1@evil.com",
                    "user@localhost",
                    "localhost/evil",
                    "localhost\\evil",
                    "local host",
                    "localhost ",
                    "localhost:80:80",
                    "localhost:8o",
                    "localhost:65536",
                    "localhost:123456",
                    "[::1",
                    "[::1]x",
                    "[::1]:",
                    "[::1%25eth0]",
                    "[localhost]",
                    "[]",
                    "::1",
                    "evil.com#x",
                    "evil.com?x",
                    "ex_ample.com",
                    "%6cocalhost"}) {
    CAPTURE(text);
    CHECK_FALSE(ParseAuthority(text));
  }
}

TEST_CASE("OriginPolicy bound to loopback allows localhost names on any port, nothing else") {
  OriginPolicy policy("127.0.0.1", {}, {});
  for (auto host : {"localhost", "localhost:8811", "127.0.0.1:1", "[::1]:9", "LOCALHOST"}) {
    CHECK_FALSE(policy.CheckHost(host, kHttp11));
  }
  CHECK(StatusOf(policy.CheckHost("evil.example:8811", kHttp11)) == 403);
  CHECK(StatusOf(policy.CheckHost("localhost.evil.example", kHttp11)) == 403);
  CheckLoopbackOrigins(policy);
}

TEST_CASE("OriginPolicy refuses a malformed or missing Host with 400, before the allow-list") {
  OriginPolicy policy("127.0.0.1", {}, {});
  CHECK(StatusOf(policy.CheckHost("localhost:1@evil.com", kHttp11)) == 400);
  CHECK(StatusOf(policy.CheckHost("127.0.0.1/evil", kHttp11)) == 400);
  CHECK(StatusOf(policy.CheckHost("", kHttp11)) == 400);
  CHECK(StatusOf(policy.CheckHost("", "HTTP/1.0")) == 400);
  OriginPolicy open("0.0.0.0", {}, {});
  CHECK(StatusOf(open.CheckHost("evil.com:1@x", kHttp11)) == 400);
  CHECK(StatusOf(open.CheckHost("", kHttp11)) == 400);
  CHECK_FALSE(open.CheckHost("", "HTTP/1.0"));  // a load balancer's HTTP/1.0 health check
}

TEST_CASE("A localhost Origin must be exactly scheme and authority") {
  OriginPolicy policy("127.0.0.1", {}, {});
  for (auto origin : {"http://localhost:1@evil.com", "http://localhost/evil", "http://localhost:",
                      "http://evil.com:80@localhost", "ftp://localhost", "http://localhost:1 "}) {
    CAPTURE(origin);
    CHECK(StatusOf(policy.CheckOrigin(origin)) == 403);
  }
}

TEST_CASE("The admin API takes only configured origins, not the localhost default") {
  OriginPolicy policy("127.0.0.1", {"http://localhost:6274"}, {});
  CHECK_FALSE(policy.CheckAdminOrigin(""));
  CHECK_FALSE(policy.CheckAdminOrigin("http://LOCALHOST:6274"));
  CHECK(StatusOf(policy.CheckAdminOrigin("http://localhost:3000")) == 403);
  CHECK(StatusOf(policy.CheckAdminOrigin("https://evil.example")) == 403);
  CheckLoopbackOrigins(policy);
}

TEST_CASE("OriginPolicy takes the configured origins and hosts") {
  OriginPolicy policy("0.0.0.0", {"https://App.example.com"}, {"mcp.example.com"});
  CHECK_FALSE(policy.CheckHost("mcp.example.com:443", kHttp11));
  CHECK(StatusOf(policy.CheckHost("localhost", kHttp11)) == 403);
  CHECK_FALSE(policy.CheckOrigin("https://app.example.com"));
  CHECK(StatusOf(policy.CheckOrigin("http://app.example.com")) == 403);
  CHECK(StatusOf(policy.CheckOrigin("http://localhost")) == 403);
}

TEST_CASE("OriginPolicy bound to a public address without allowed_hosts takes any Host") {
  OriginPolicy policy("0.0.0.0", {}, {});
  CHECK_FALSE(policy.CheckHost("10.0.0.5:8811", kHttp11));
  CHECK_FALSE(policy.CheckHost("anything.example", kHttp11));
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
