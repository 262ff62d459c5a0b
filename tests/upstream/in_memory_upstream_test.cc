#include "upstream/upstream.h"

#include "tests/support/in_memory_server.h"
#include "tests/upstream/upstream_test_support.h"

namespace mcpgw::upstream::testing {
namespace {

using mcpgw::testing::InMemoryServer;
using mcpgw::testing::ServerOffer;
using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::StatusCode;

ServerConfig InMemoryConfig() {
  ServerConfig config;
  config.name = "memory";
  config.command = "not-started";  // the factory below connects instead
  return config;
}

ServerOffer EchoOffer() {
  ServerOffer offer;
  offer.tools = Json::array({{{"name", "echo"}, {"inputSchema", {{"type", "object"}}}}});
  return offer;
}

// An Upstream started on an in-memory server, counting the connections it opens.
struct InMemoryUpstream {
  explicit InMemoryUpstream(ServerOffer offer = EchoOffer()) : server(std::move(offer)) {
    StartReady(upstream);
  }
  ~InMemoryUpstream() { upstream.Stop(); }  // before the server goes

  // The request the server got for a call, which it left to the test.
  Message Received(const std::string& method) {
    std::optional<Message> request = server.WaitForMessage();
    REQUIRE(request);
    CHECK(request->method == method);
    return *request;
  }

  InMemoryServer server;
  RecordingObserver observer;
  int connections = 0;
  Upstream upstream{InMemoryConfig(), &observer, [this](const ServerConfig& config) {
                      CHECK(config.name == "memory");
                      ++connections;
                      return server.Connect();
                    }};
};

}  // namespace

TEST_CASE("Upstream opens its connection through the factory it was given") {
  InMemoryUpstream memory;
  CHECK(memory.connections == 1);
  CHECK(Names(memory.upstream.offer()->tools) == std::vector<std::string>{"echo"});
  CHECK(memory.upstream.offer()->server_info["name"] == "in-memory");
  CHECK(memory.upstream.health().restarts == 0);
}

TEST_CASE("Upstream passes the server's progress on under its own token until the reply") {
  InMemoryUpstream memory;
  std::vector<Json> progress;
  PendingReply call = StartCall(memory.upstream, "tools/call",
                                {{"name", "echo"}, {"_meta", {{"progressToken", "client's"}}}},
                                [&progress](Json params) { progress.push_back(params); });
  Message request = memory.Received("tools/call");
  CHECK(request.params["_meta"]["progressToken"] == call.id);
  REQUIRE(memory.server.Progress(request, {{"progress", 1}, {"total", 2}}).ok());
  REQUIRE(memory.server.Answer(request, {{"content", Json::array()}}).ok());
  Result<Json> reply = call.Get();
  REQUIRE(reply.ok());
  CHECK(*reply == Json{{"content", Json::array()}});
  CHECK(progress == std::vector<Json>{{{"progress", 1}, {"total", 2}, {"progressToken", call.id}}});
  REQUIRE(memory.server.Progress(request, {{"progress", 2}}).ok());  // after the reply: dropped
  REQUIRE(memory.server.WaitUntilIdle());
  CHECK(progress.size() == 1);
}

TEST_CASE("Upstream tells the server of a cancelled call with the server's own id") {
  InMemoryUpstream memory;
  PendingReply call = StartTool(memory.upstream, "echo");
  Message request = memory.Received("tools/call");
  memory.upstream.Cancel(call.id, "no longer needed");
  CHECK(call.Get().status().code() == StatusCode::kCancelled);
  Message cancelled = memory.Received("notifications/cancelled");
  CHECK(cancelled.params == Json{{"requestId", request.id}, {"reason", "no longer needed"}});
  REQUIRE(memory.server.Answer(request, Json::object()).ok());  // too late: nobody waits for it
  REQUIRE(memory.server.WaitUntilIdle());
}

TEST_CASE("Upstream fetches a list again when the server says it changed") {
  InMemoryUpstream memory;
  const int offers_before = memory.observer.offer_changes();
  ServerOffer more = EchoOffer();
  more.tools.push_back({{"name", "add"}, {"inputSchema", {{"type", "object"}}}});
  memory.server.SetOffer(more);
  REQUIRE(memory.server.Notify("notifications/tools/list_changed").ok());
  CHECK(WaitUntil([&] { return memory.observer.offer_changes() > offers_before; }));
  CHECK(Names(memory.upstream.offer()->tools) == std::vector<std::string>{"echo", "add"});
  CHECK(memory.observer.notifications().empty());  // list_changed is handled inside
}

}  // namespace mcpgw::upstream::testing
