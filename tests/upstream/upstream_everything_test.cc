// Upstream against the real reference server, @modelcontextprotocol/server-everything.
#include "upstream/upstream.h"

#include "tests/upstream/upstream_test_support.h"

#include <algorithm>

namespace mcpgw::upstream::testing {
namespace {

using protocol::Json;

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_CASE("Upstream fetches every list server-everything declares") {
  RecordingObserver observer;
  Upstream upstream(EverythingServer(), &observer);
  StartReady(upstream);
  auto offer = upstream.offer();
  CHECK(offer->protocol_version == "2025-11-25");
  CHECK(offer->server_info["name"] == "mcp-servers/everything");
  CHECK(Contains(Names(offer->tools), "echo"));
  CHECK_FALSE(offer->prompts.empty());
  CHECK_FALSE(offer->resources.empty());
  CHECK_FALSE(offer->resource_templates.empty());
}

TEST_CASE("Upstream calls a tool of server-everything") {
  Upstream upstream(EverythingServer(), nullptr);
  StartReady(upstream);
  CHECK(FirstText(CallTool(upstream, "echo", {{"message", "hi"}})) == "Echo: hi");
}

TEST_CASE("Upstream gives server-everything the gateway's environment with config values on top") {
  ServerConfig config = EverythingServer();
  config.env = {{"MCPGW_UPSTREAM_TEST", "from-config"}};
  Upstream upstream(config, nullptr);
  StartReady(upstream);
  Json env = Json::parse(FirstText(CallTool(upstream, "get-env")));
  CHECK(env["MCPGW_UPSTREAM_TEST"] == "from-config");
  CHECK(env.contains("PATH"));
}

TEST_CASE("Upstream passes server-everything's progress to the call's handler") {
  Upstream upstream(EverythingServer(), nullptr);
  StartReady(upstream);
  std::mutex mutex;
  std::vector<Json> progress;
  PendingReply call = StartCall(upstream, "tools/call",
                                {{"name", "trigger-long-running-operation"},
                                 {"arguments", {{"duration", 0.2}, {"steps", 2}}}},
                                [&](Json params) {
                                  std::lock_guard lock(mutex);
                                  progress.push_back(std::move(params));
                                });
  REQUIRE(call.Get().ok());
  std::lock_guard lock(mutex);
  REQUIRE(progress.size() == 2);
  CHECK(progress[0]["progressToken"] == call.id);
}

}  // namespace
}  // namespace mcpgw::upstream::testing
