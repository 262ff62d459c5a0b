#include "upstream/upstream.h"

#include "tests/upstream/upstream_test_support.h"

namespace mcpgw::upstream::testing {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::StatusCode;
using namespace std::chrono_literals;

ServerConfig HostileServer(std::vector<std::string> flags = {}) {
  ServerConfig config;
  config.name = "hostile";
  config.command = "node";
  config.args = {MCPGW_SOURCE_DIR "/tests/fixtures/hostile_upstream.mjs"};
  config.args.insert(config.args.end(), flags.begin(), flags.end());
  config.timeout = 20s;  // far longer than the bound the test puts on the answer
  config.max_message_bytes = 1 << 20;
  return config;
}

// Calls tool and requires kUnavailable, long before the call's timeout; returns the message.
std::string FailsAtOnce(Upstream& upstream, const std::string& tool) {
  auto started = Clock::now();
  Result<Json> reply = StartTool(upstream, tool).Get(15s);
  CHECK(Clock::now() - started < 5s);
  REQUIRE(reply.status().code() == StatusCode::kUnavailable);
  CHECK(reply.status().detail() == Json{{"server", "hostile"}});
  return reply.status().message();
}

}  // namespace

TEST_CASE("Upstream fails a call at once when the server's reply to it cannot be read") {
  Upstream upstream(HostileServer(), nullptr);
  StartReady(upstream);
  CHECK(FailsAtOnce(upstream, "deep").find("deeper than 64") != std::string::npos);
  CHECK(FailsAtOnce(upstream, "oversized").find("exceeds 1048576 bytes") != std::string::npos);
  CHECK(FailsAtOnce(upstream, "bad_utf8").find("not valid JSON") != std::string::npos);
  CHECK(FailsAtOnce(upstream, "bad_error").find("\"error\" needs") != std::string::npos);
  // The connection is still the same and still serves.
  CHECK(FirstText(CallTool(upstream, "echo", {{"text", "still here"}})) == "still here");
  CHECK(upstream.health().restarts == 0);
}

TEST_CASE("Upstream fails a server whose serverInfo.name is not a string, with the reason") {
  Upstream upstream(HostileServer({"--server-info-name-number"}), nullptr);
  upstream.Start();
  CHECK(upstream.WaitForFirstAttempt(Clock::now() + 20s) == State::kRestarting);
  CHECK(upstream.health().last_error ==
        "initialize failed: initialize result serverInfo.name is not a string");
  upstream.Stop();
}

}  // namespace mcpgw::upstream::testing
