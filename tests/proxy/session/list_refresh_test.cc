// The gateway's copy of a modern server's lists (README "Caching"): served while the server's
// ttlMs allows, fetched again once it has run out.
#include "proxy/session/session.h"

#include "tests/proxy/session/session_rig.h"
#include "tests/support/in_memory_server.h"

#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace mcpgw::proxy {
namespace {

using mcpgw::testing::InMemoryServer;
using mcpgw::testing::ServerOffer;
using protocol::Json;
using protocol::Message;

ServerOffer ModernWithTool(const std::string& name) {
  ServerOffer offer;
  offer.modern = true;  // its lists come with ttlMs 1000
  offer.tools = Json::array({{{"name", name}, {"inputSchema", {{"type", "object"}}}}});
  return offer;
}

// The names of the tools a session lists now.
std::vector<std::string> ListedTools(Session& session) {
  std::mutex mutex;
  std::vector<std::string> names;
  session.HandleRequest(protocol::MakeRequest(1, "tools/list", Json::object()),
                        [&](const Message& answer) {
                          std::lock_guard lock(mutex);
                          Json result = answer.serialized_result
                                            ? Json::parse(*answer.serialized_result)
                                            : answer.result;
                          for (const Json& tool : result["tools"]) names.push_back(tool["name"]);
                        });
  std::lock_guard lock(mutex);  // lists are answered inline
  return names;
}

}  // namespace

TEST_CASE("A modern server's list is served from the gateway's copy until its ttlMs runs out") {
  InMemoryServer m(ModernWithTool("first"));
  Config config;
  config.permissions.default_level = policy::Level::kExecute;
  upstream::ServerConfig server;
  server.name = "m";
  server.command = "unused";
  config.servers.push_back(server);
  testing::SessionRig rig(std::move(config),
                          [&](const upstream::ServerConfig&) { return m.Connect(); },
                          {{{}, [](const Message&) {}}});
  CHECK(ListedTools(rig.session(0)) == std::vector<std::string>{"m__first"});

  m.SetOffer(ModernWithTool("second"));  // changed without a list_changed
  CHECK(ListedTools(rig.session(0)) == std::vector<std::string>{"m__first"});  // still fresh

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past the server's 1000 ms
  std::vector<std::string> listed = ListedTools(rig.session(0));  // asks for the refresh
  for (int i = 0; i < 100 && listed != std::vector<std::string>{"m__second"}; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    listed = ListedTools(rig.session(0));
  }
  CHECK(listed == std::vector<std::string>{"m__second"});
}

}  // namespace mcpgw::proxy
