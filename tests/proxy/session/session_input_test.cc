// A modern client's calls that need input (README "Input required (modern clients)"), through a
// Session to an in-memory upstream: the upstream's own input_required (as a modern server sends
// it) and a request of the upstream's (as a legacy server sends it).
#include "protocol/era.h"
#include "proxy/session/session.h"

#include "tests/proxy/session/session_rig.h"
#include "tests/support/in_memory_server.h"

#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

namespace mcpgw::proxy {
namespace {

using mcpgw::testing::InMemoryServer;
using mcpgw::testing::ServerOffer;
using protocol::Json;
using protocol::MakeRequest;
using protocol::Message;

// What one client reads; Answer waits (boundedly) for the answer to an id.
class Inbox {
 public:
  ClientSink sink = [this](const Message& message) {
    std::lock_guard lock(mutex_);
    got_.push_back(message);
    arrived_.notify_all();
  };

  Message Answer(const Json& id) {
    std::unique_lock lock(mutex_);
    std::vector<Message> answers;
    arrived_.wait_for(lock, std::chrono::seconds(5), [&] {
      answers.clear();
      for (const Message& message : got_) {
        if (message.is_response() && message.id == id) answers.push_back(message);
      }
      return !answers.empty();
    });
    REQUIRE_MESSAGE(answers.size() == 1, "answers to " << id.dump() << ": " << answers.size());
    return answers.front();
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Message> got_;
};

ServerOffer AskOffer() {
  ServerOffer offer;
  offer.tools = Json::array({{{"name", "ask"}, {"inputSchema", {{"type", "object"}}}}});
  return offer;
}

Config OneServer() {
  Config config;
  config.permissions.default_level = policy::Level::kExecute;
  upstream::ServerConfig server;
  server.name = "m";
  server.command = "unused";
  config.servers.push_back(server);
  return config;
}

Json CallParams(Json arguments, Json extra = Json::object()) {
  Json params = {{"name", "m__ask"},
                 {"arguments", std::move(arguments)},
                 {"_meta",
                  {{protocol::kMetaProtocolVersion, "2026-07-28"},
                   {protocol::kMetaClientCapabilities, {{"elicitation", Json::object()}}}}}};
  params.update(extra);
  return params;
}

Message NextFrom(InMemoryServer& server) {
  std::optional<Message> message = server.WaitForMessage();
  REQUIRE(message.has_value());
  return *message;
}

}  // namespace

TEST_CASE("A modern upstream's input_required is sealed for its caller, and the retry unwraps it") {
  InMemoryServer m(AskOffer());
  Inbox alice, bob;
  testing::SessionRig rig(OneServer(), [&](const upstream::ServerConfig&) { return m.Connect(); },
                          {{{"alice", "", ""}, alice.sink}, {{"bob", "", ""}, bob.sink}});
  rig.session(0).HandleRequest(MakeRequest(1, "tools/call", CallParams({{"q", 1}})), alice.sink);
  Message call = NextFrom(m);
  REQUIRE(m.Answer(call, {{"resultType", "input_required"},
                          {"inputRequests", {{"k", {{"method", "elicitation/create"}}}}},
                          {"requestState", "upstream-state-1"}})
              .ok());
  Message asked = alice.Answer(1);
  REQUIRE_FALSE(asked.error);
  CHECK(asked.result["resultType"] == "input_required");
  CHECK(asked.result["inputRequests"]["k"]["method"] == "elicitation/create");
  const Json state = asked.result["requestState"];
  CHECK(state != "upstream-state-1");

  const Json responses = {{"k", {{"action", "accept"}}}};
  const Json retry = {{"inputResponses", responses}, {"requestState", state}};
  rig.session(1).HandleRequest(MakeRequest(2, "tools/call", CallParams({{"q", 1}}, retry)),
                               bob.sink);
  CHECK(bob.Answer(2).error->code == -32602);  // issued to alice
  rig.session(0).HandleRequest(MakeRequest(3, "tools/call", CallParams({{"q", 2}}, retry)),
                               alice.sink);
  CHECK(alice.Answer(3).error->code == -32602);  // for other arguments

  rig.session(0).HandleRequest(MakeRequest(4, "tools/call", CallParams({{"q", 1}}, retry)),
                               alice.sink);
  Message retried = NextFrom(m);
  CHECK(retried.method == "tools/call");
  CHECK(retried.params["name"] == "ask");
  CHECK(retried.params["requestState"] == "upstream-state-1");
  CHECK(retried.params["inputResponses"] == responses);
  REQUIRE(m.Answer(retried, {{"content", Json::array()}}).ok());
  Message done = alice.Answer(4);
  REQUIRE_FALSE(done.error);
  CHECK(done.result["resultType"] == "complete");
}

TEST_CASE("A legacy upstream's request for a modern call is asked as input, and answered by the retry") {
  InMemoryServer m(AskOffer());
  Inbox alice;
  testing::SessionRig rig(OneServer(), [&](const upstream::ServerConfig&) { return m.Connect(); },
                          {{{"alice", "", ""}, alice.sink}});
  rig.session(0).HandleRequest(MakeRequest(1, "tools/call", CallParams(Json::object())),
                               alice.sink);
  Message call = NextFrom(m);
  REQUIRE(m.Send(MakeRequest(99, "elicitation/create", {{"message", "name?"}})).ok());
  Message asked = alice.Answer(1);
  REQUIRE_FALSE(asked.error);
  CHECK(asked.result["resultType"] == "input_required");
  REQUIRE(asked.result["inputRequests"].contains("elicitation-1"));
  CHECK(asked.result["inputRequests"]["elicitation-1"]["params"]["message"] == "name?");

  const Json retry = {{"inputResponses", {{"elicitation-1", {{"action", "decline"}}}}},
                      {"requestState", asked.result["requestState"]}};
  rig.session(0).HandleRequest(MakeRequest(2, "tools/call", CallParams(Json::object(), retry)),
                               alice.sink);
  Message answer = NextFrom(m);
  CHECK(answer.is_response());
  CHECK(answer.id == 99);
  CHECK(answer.result["action"] == "decline");
  REQUIRE(m.Answer(call, {{"content", Json::array()}}).ok());
  CHECK_FALSE(alice.Answer(2).error);
  alice.Answer(1);  // still answered once only

  // The state has been used: the call is no longer held.
  rig.session(0).HandleRequest(MakeRequest(3, "tools/call", CallParams(Json::object(), retry)),
                               alice.sink);
  Message replay = alice.Answer(3);
  REQUIRE(replay.error);
  CHECK(replay.error->code == -32602);
  CHECK(replay.error->message.find("no longer holds") != std::string::npos);
}

}  // namespace mcpgw::proxy
