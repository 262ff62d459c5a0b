#include "proxy/session/bridged_call.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mcpgw::proxy {
namespace {

using namespace std::chrono_literals;
using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::StatusCode;

// What one side of the bridge got, in order; safe across the timer's thread.
struct Seen {
  std::mutex mutex;
  std::vector<Result<Json>> results;
  void Add(Result<Json> result) {
    std::lock_guard lock(mutex);
    results.push_back(std::move(result));
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return results.size();
  }
  Result<Json> At(std::size_t i) {
    std::lock_guard lock(mutex);
    return results.at(i);
  }
};

bool Eventually(Seen& seen, std::size_t count) {
  for (int i = 0; i < 200 && seen.size() < count; ++i) std::this_thread::sleep_for(5ms);
  return seen.size() >= count;
}

struct Rig {
  HeldCalls held{{.hold = 60s, .per_principal = 1, .total = 10}};
  RequestStates states{""};
  Json capabilities = {{"elicitation", Json::object()}, {"sampling", Json::object()}};

  std::shared_ptr<BridgedCall> Call(Seen& client) {
    BridgedCall::Origin origin{"alice", "everything", "tools/call", "digest", capabilities};
    return std::make_shared<BridgedCall>(std::move(origin), nullptr, AttemptInto(client), held,
                                         states);
  }
  static BridgedCall::Attempt AttemptInto(Seen& client) {
    return {[&client](Result<Json> outcome) { client.Add(std::move(outcome)); },
            [](const Message&) {}, Json()};
  }
};

Message ServerRequest(std::string method) {
  Message request;
  request.id = 1;
  request.method = std::move(method);
  request.params = {{"message", "name?"}};
  return request;
}

upstream::ReplyHandler Into(Seen& server) {
  return [&server](Result<Json> answer) { server.Add(std::move(answer)); };
}

}  // namespace

TEST_CASE("A server's requests become one input_required, and the retry answers them") {
  Rig rig;
  Seen client, elicit_answer, sample_answer;
  auto call = rig.Call(client);
  upstream::CallHooks hooks = call->Hooks();
  CHECK(hooks.client_takes_input_required);
  hooks.on_request(ServerRequest("elicitation/create"), Into(elicit_answer));
  hooks.on_request(ServerRequest("sampling/createMessage"), Into(sample_answer));
  REQUIRE(Eventually(client, 1));
  Result<Json> asked = client.At(0);
  REQUIRE(asked.ok());
  CHECK((*asked)["resultType"] == "input_required");
  CHECK((*asked)["inputRequests"].size() == 2);  // gathered into one
  CHECK((*asked)["inputRequests"]["elicitation-1"]["method"] == "elicitation/create");
  CHECK((*asked)["inputRequests"]["elicitation-1"]["params"]["message"] == "name?");
  CHECK(rig.held.size() == 1);

  auto claims = rig.states.Open((*asked)["requestState"].get<std::string>(), "alice", "tools/call",
                                "digest");
  REQUIRE(claims.ok());
  auto taken = rig.held.Take(claims->held_call, "alice");
  REQUIRE(taken == call);
  Seen retry;
  call->Resume({{"elicitation-1", {{"action", "accept"}}}}, Rig::AttemptInto(retry));
  REQUIRE(elicit_answer.size() == 1);
  CHECK((*elicit_answer.At(0))["action"] == "accept");
  REQUIRE(sample_answer.size() == 1);  // no response for its key: an error
  CHECK(sample_answer.At(0).status().code() == StatusCode::kInvalidArgument);

  call->Finish(Json{{"content", Json::array()}});
  REQUIRE(retry.size() == 1);
  CHECK(retry.At(0).ok());
  CHECK(client.size() == 1);  // the first attempt was answered once
}

TEST_CASE("A result that comes while the call is held goes to the retry") {
  Rig rig;
  Seen client, answer, retry;
  auto call = rig.Call(client);
  call->Hooks().on_request(ServerRequest("elicitation/create"), Into(answer));
  REQUIRE(Eventually(client, 1));
  call->Finish(Json{{"content", "done"}});
  auto claims = rig.states.Open((*client.At(0))["requestState"].get<std::string>(), "alice",
                                "tools/call", "digest");
  REQUIRE(claims.ok());
  REQUIRE(rig.held.Take(claims->held_call, "alice") == call);
  call->Resume(Json::object(), Rig::AttemptInto(retry));
  REQUIRE(retry.size() == 1);
  CHECK((*retry.At(0))["content"] == "done");
}

TEST_CASE("A request the client did not declare, or cannot answer, is refused at once") {
  Rig rig;
  rig.capabilities = {{"sampling", Json::object()}};
  Seen client, roots, other;
  auto call = rig.Call(client);
  upstream::CallHooks hooks = call->Hooks();
  CHECK(hooks.on_request(ServerRequest("roots/list"), Into(roots)) == nullptr);
  CHECK(hooks.on_request(ServerRequest("tasks/get"), Into(other)) == nullptr);
  REQUIRE(roots.size() == 1);
  CHECK(roots.At(0).status().code() == StatusCode::kNotFound);
  REQUIRE(other.size() == 1);
  CHECK(other.At(0).status().code() == StatusCode::kNotFound);
  std::this_thread::sleep_for(50ms);
  CHECK(client.size() == 0);  // nothing to ask: the client waits for the result
  CHECK(rig.held.size() == 0);
}

TEST_CASE("Past the principal's bound the server hears no, and the client waits for the result") {
  Rig rig;
  Seen first_client, first_answer, second_client, second_answer;
  auto first = rig.Call(first_client);
  first->Hooks().on_request(ServerRequest("elicitation/create"), Into(first_answer));
  REQUIRE(Eventually(first_client, 1));
  auto second = rig.Call(second_client);
  second->Hooks().on_request(ServerRequest("elicitation/create"), Into(second_answer));
  REQUIRE(Eventually(second_answer, 1));
  CHECK(second_answer.At(0).status().code() == StatusCode::kUnavailable);
  CHECK(second_client.size() == 0);
  second->Finish(Json{{"isError", true}});
  REQUIRE(second_client.size() == 1);
  CHECK((*second_client.At(0))["isError"] == true);
}

TEST_CASE("A modern upstream's input_required keeps its own state inside the gateway's") {
  Rig rig;
  Seen client;
  auto call = rig.Call(client);
  call->Finish(Json{{"resultType", "input_required"},
                    {"inputRequests", {{"k", {{"method", "elicitation/create"}}}}},
                    {"requestState", "upstream-own-state"}});
  REQUIRE(client.size() == 1);
  REQUIRE(client.At(0).ok());
  const Json result = *client.At(0);
  CHECK(result["inputRequests"]["k"]["method"] == "elicitation/create");
  const std::string sealed = result["requestState"];
  CHECK(sealed.find("upstream-own-state") == std::string::npos);
  auto claims = rig.states.Open(sealed, "alice", "tools/call", "digest");
  REQUIRE(claims.ok());
  CHECK(claims->server == "everything");
  CHECK(claims->upstream_state == "upstream-own-state");
  CHECK(claims->held_call.empty());
  CHECK(rig.held.size() == 0);
}

TEST_CASE("A modern upstream asking what the client did not declare is the client's -32021") {
  Rig rig;
  rig.capabilities = {{"sampling", Json::object()}};
  Seen client;
  auto call = rig.Call(client);
  call->Finish(Json{{"resultType", "input_required"},
                    {"inputRequests",
                     {{"a", {{"method", "sampling/createMessage"}}},
                      {"b", {{"method", "elicitation/create"}}}}}});
  REQUIRE(client.size() == 1);
  const protocol::Status refused = client.At(0).status();
  REQUIRE(refused.code() == StatusCode::kRemote);
  CHECK(refused.detail()["code"] == -32021);
  CHECK(refused.detail()["data"]["requiredCapabilities"] == Json{{"elicitation", Json::object()}});
}

}  // namespace mcpgw::proxy
