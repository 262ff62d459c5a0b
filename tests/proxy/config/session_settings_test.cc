#include "proxy/config/config.h"
#include "proxy/app/config_report.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

protocol::Result<Config> ParseGateway(std::string_view fields) {
  return ParseConfig(R"({"mcpServers": {}, "gateway": {)" + std::string(fields) + "}}",
                     [](std::string_view) { return std::nullopt; });
}

}  // namespace

TEST_CASE("ParseConfig reads the session lifetime, idle timeout and cap, with defaults") {
  protocol::Result<Config> config = ParseGateway(
      R"("session_lifetime_ms": 60000, "session_idle_timeout_ms": 0, "max_sessions": 5)");
  REQUIRE(config.ok());
  CHECK(config->gateway.session_lifetime.count() == 60000);
  CHECK(config->gateway.session_idle_timeout.count() == 0);
  CHECK(config->gateway.max_sessions == 5);
  protocol::Result<Config> defaults = ParseGateway("");
  REQUIRE(defaults.ok());
  CHECK(defaults->gateway.session_lifetime.count() == 24 * 60 * 60 * 1000);
  CHECK(defaults->gateway.session_idle_timeout.count() == 30 * 60 * 1000);
  CHECK(defaults->gateway.max_sessions == 10000);
  std::string report = DescribeConfig(*config);
  CHECK(report.find("session_idle_timeout_ms: 0 (never)") != std::string::npos);
}

TEST_CASE("ParseConfig names a bad session setting") {
  for (const char* field : {R"("session_lifetime_ms": 999)", R"("session_idle_timeout_ms": -1)",
                            R"("max_sessions": 0)"}) {
    protocol::Result<Config> config = ParseGateway(field);
    REQUIRE_FALSE(config.ok());
    std::string name = std::string(field).substr(1, std::string(field).find('"', 1) - 1);
    CHECK(config.status().message().starts_with("gateway." + name));
  }
}

}  // namespace mcpgw::proxy
