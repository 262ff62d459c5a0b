#include "upstream/upstream.h"

#include "protocol/era.h"
#include "tests/support/in_memory_server.h"
#include "tests/upstream/upstream_test_support.h"
#include "upstream/input_rounds.h"

namespace mcpgw::upstream::testing {
namespace {

using mcpgw::testing::InMemoryServer;
using mcpgw::testing::ServerOffer;
using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

ServerOffer ModernOffer() {
  ServerOffer offer;
  offer.modern = true;
  offer.tools = Json::array({{{"name", "echo"}, {"inputSchema", {{"type", "object"}}}}});
  return offer;
}

ServerConfig MemoryConfig(EraSetting era) {
  ServerConfig config;
  config.name = "memory";
  config.command = "not-started";  // the factory connects to the in-memory server instead
  config.era = era;
  return config;
}

// An Upstream on an in-memory server, started and ready.
struct MemoryUpstream {
  explicit MemoryUpstream(ServerOffer offer = ModernOffer(), EraSetting era = EraSetting::kAuto)
      : server(std::move(offer)),
        upstream(MemoryConfig(era), &observer,
                 [this](const ServerConfig&) { return server.Connect(); }) {
    StartReady(upstream);
  }
  ~MemoryUpstream() { upstream.Stop(); }  // before the server goes

  Message Received(const std::string& method) {
    std::optional<Message> request = server.WaitForMessage();
    REQUIRE(request);
    REQUIRE(request->method == method);
    return *request;
  }

  InMemoryServer server;
  RecordingObserver observer;
  Upstream upstream;
};

std::vector<std::string> Methods(const std::vector<Message>& messages) {
  std::vector<std::string> methods;
  for (const Message& message : messages) methods.push_back(message.method);
  return methods;
}

// A relay that answers each request with answer(request), recording what it was asked.
struct AnsweringClient {
  std::function<Result<Json>(const Message&)> answer;
  std::mutex mutex;
  std::vector<Message> asked;

  RequestRelay Relay() {
    return [this](Message request, ReplyHandler reply) -> Withdraw {
      {
        std::lock_guard lock(mutex);
        asked.push_back(request);
      }
      reply(answer(request));
      return nullptr;
    };
  }
};

PendingReply StartWithHooks(Upstream& upstream, std::string method, Json params, CallHooks hooks) {
  auto promise = std::make_shared<std::promise<Result<Json>>>();
  PendingReply pending{0, promise->get_future()};
  pending.id = upstream.Call(
      std::move(method), std::move(params),
      [promise](Result<Json> reply) { promise->set_value(std::move(reply)); }, std::move(hooks));
  return pending;
}

Json ElicitInputRequired(std::optional<std::string> state) {
  Json result = {{"resultType", "input_required"},
                 {"inputRequests",
                  {{"who",
                    {{"method", "elicitation/create"},
                     {"params", {{"message", "Name?"}, {"requestedSchema", Json::object()}}}}}}}};
  if (state) result["requestState"] = *state;
  return result;
}

}  // namespace

TEST_CASE("A modern server is discovered, not initialized, and its offer keeps the caching hints") {
  MemoryUpstream memory;
  std::shared_ptr<const Offer> offer = memory.upstream.offer();
  CHECK(offer->era == Era::kModern);
  CHECK(offer->protocol_version == "2026-07-28");
  CHECK(offer->server_info["name"] == "in-memory");
  CHECK(offer->discover_ttl_ms == 5000);
  CHECK(offer->tools_ttl_ms == 1000);
  CHECK(offer->resources_ttl_ms == 1000);
  CHECK(Names(offer->tools) == std::vector<std::string>{"echo"});
  std::vector<Message> received = memory.server.TakeReceived();
  std::vector<std::string> methods = Methods(received);
  CHECK(methods.front() == "server/discover");
  CHECK(std::count(methods.begin(), methods.end(), "initialize") == 0);
  CHECK(std::count(methods.begin(), methods.end(), "notifications/initialized") == 0);
  for (const Message& message : received) {
    if (!message.is_request()) continue;
    const Json& meta = message.params["_meta"];
    CHECK(meta[protocol::kMetaProtocolVersion] == "2026-07-28");
    CHECK(meta[protocol::kMetaClientInfo]["name"] == "mcpgw");
    CHECK(meta[protocol::kMetaClientCapabilities].is_object());
  }
}

TEST_CASE("A legacy server is probed, then initialized on the same connection") {
  ServerOffer legacy = ModernOffer();
  legacy.modern = false;
  MemoryUpstream memory(legacy);
  CHECK(memory.upstream.offer()->era == Era::kLegacy);
  CHECK(memory.upstream.offer()->tools_ttl_ms == 0);
  std::vector<std::string> methods = Methods(memory.server.TakeReceived());
  REQUIRE(methods.size() >= 3);
  CHECK(methods[0] == "server/discover");
  CHECK(methods[1] == "initialize");
  CHECK(methods[2] == "notifications/initialized");
}

TEST_CASE("A child that does not answer the probe is taken for legacy after 2 s, never cancelled") {
  Upstream upstream(FaultyServer({"--silent-discover"}), nullptr);
  Clock::time_point started = Clock::now();
  StartReady(upstream);
  CHECK(Clock::now() - started >= std::chrono::milliseconds(1900));
  CHECK(upstream.offer()->era == Era::kLegacy);
  CHECK(upstream.offer()->protocol_version == "2025-11-25");
  CHECK(FirstText(CallTool(upstream, "last_cancelled")) == "null");
  upstream.Stop();
}

TEST_CASE("era legacy initializes at once, without the probe") {
  ServerOffer legacy = ModernOffer();
  legacy.modern = false;
  MemoryUpstream memory(legacy, EraSetting::kLegacy);
  CHECK(Methods(memory.server.TakeReceived()).front() == "initialize");
}

TEST_CASE("era modern against a legacy server never becomes ready, and says why") {
  ServerOffer legacy = ModernOffer();
  legacy.modern = false;
  InMemoryServer server(legacy);
  Upstream upstream(MemoryConfig(EraSetting::kModern), nullptr,
                    [&](const ServerConfig&) { return server.Connect(); });
  upstream.Start();
  CHECK(upstream.WaitForFirstAttempt(Clock::now() + std::chrono::seconds(10)) != State::kReady);
  CHECK(upstream.health().last_error.find("\"era\": \"modern\"") != std::string::npos);
  CHECK(upstream.health().last_error.find("Method not found") != std::string::npos);
  upstream.Stop();
  for (const Message& message : server.TakeReceived()) CHECK(message.method != "initialize");
}

TEST_CASE("A modern call keeps its own _meta and carries the log level a client set") {
  MemoryUpstream memory;
  memory.Received("subscriptions/listen");
  Result<Json> set = StartCall(memory.upstream, "logging/setLevel", {{"level", "debug"}}).Get();
  REQUIRE(set.ok());
  CHECK(*set == Json::object());
  PendingReply call = StartCall(memory.upstream, "tools/call",
                                {{"name", "echo"}, {"_meta", {{"traceparent", "t-1"}}}});
  Message request = memory.Received("tools/call");
  const Json& meta = request.params["_meta"];
  CHECK(meta["traceparent"] == "t-1");
  CHECK(meta[protocol::kMetaLogLevel] == "debug");
  CHECK(meta[protocol::kMetaProtocolVersion] == "2026-07-28");
  REQUIRE(memory.server.Answer(request, {{"content", Json::array()}}).ok());
  CHECK(call.Get().ok());
}

TEST_CASE("The listen stream asks for the declared list changes and its list_changed refreshes") {
  MemoryUpstream memory;
  Message listen = memory.Received("subscriptions/listen");
  CHECK(listen.params["notifications"] == Json{{"toolsListChanged", true},
                                               {"promptsListChanged", true},
                                               {"resourcesListChanged", true}});
  Json on_listen = {{"_meta", {{protocol::kMetaSubscriptionId, listen.id}}}};
  REQUIRE(memory.server.Notify("notifications/subscriptions/acknowledged", on_listen).ok());
  ServerOffer more = ModernOffer();
  more.tools.push_back({{"name", "second"}, {"inputSchema", {{"type", "object"}}}});
  memory.server.SetOffer(more);
  Json elsewhere = {{"_meta", {{protocol::kMetaSubscriptionId, 999}}}};
  REQUIRE(memory.server.Notify("notifications/message", elsewhere).ok());  // not ours: dropped
  Json log = on_listen;
  log["level"] = "info";
  REQUIRE(memory.server.Notify("notifications/message", log).ok());
  REQUIRE(memory.server.Notify("notifications/tools/list_changed", on_listen).ok());
  CHECK(WaitUntil([&] { return memory.upstream.offer()->tools.size() == 2; }));
  REQUIRE(memory.server.WaitUntilIdle());
  std::vector<Message> told = memory.observer.notifications();
  REQUIRE(told.size() == 1);  // neither the acknowledgement nor another subscription's message
  CHECK(told[0].method == "notifications/message");
  CHECK(told[0].params == Json{{"level", "info"}});  // the subscription id is the gateway's own
}

TEST_CASE("A dropped listen stream is opened again") {
  MemoryUpstream memory;
  Message listen = memory.Received("subscriptions/listen");
  REQUIRE(memory.server.Send(protocol::MakeError(listen.id, {-32603, "gone", nullptr})).ok());
  Message again = memory.Received("subscriptions/listen");
  CHECK(again.id != listen.id);
}

TEST_CASE("resources/subscribe to a modern server is answered here and reopens the listen stream") {
  MemoryUpstream memory;
  Message first = memory.Received("subscriptions/listen");
  Result<Json> subscribed =
      StartCall(memory.upstream, "resources/subscribe", {{"uri", "file:///a"}}).Get();
  REQUIRE(subscribed.ok());
  CHECK(*subscribed == Json::object());
  Message cancelled = memory.Received("notifications/cancelled");
  CHECK(cancelled.params["requestId"] == first.id);
  Message second = memory.Received("subscriptions/listen");
  CHECK(second.params["notifications"]["resourceSubscriptions"] == Json{"file:///a"});
  REQUIRE(StartCall(memory.upstream, "resources/unsubscribe", {{"uri", "file:///a"}}).Get().ok());
  memory.Received("notifications/cancelled");
  Message third = memory.Received("subscriptions/listen");
  CHECK_FALSE(third.params["notifications"].contains("resourceSubscriptions"));
}

TEST_CASE("input_required is answered through the client's relay and the call retried") {
  MemoryUpstream memory;
  memory.Received("subscriptions/listen");
  AnsweringClient client;
  client.answer = [](const Message&) -> Result<Json> {
    return Json{{"action", "accept"}, {"content", {{"name", "Ada"}}}};
  };
  CallHooks hooks;
  hooks.on_request = client.Relay();
  PendingReply call = StartWithHooks(memory.upstream, "tools/call",
                                     {{"name", "echo"}, {"arguments", Json::object()}}, hooks);
  Message first = memory.Received("tools/call");
  REQUIRE(memory.server.Answer(first, ElicitInputRequired("opaque-1")).ok());
  Message retry = memory.Received("tools/call");
  CHECK(retry.id != first.id);
  CHECK(retry.params["name"] == "echo");
  CHECK(retry.params["requestState"] == "opaque-1");
  CHECK(retry.params["inputResponses"] ==
        Json{{"who", {{"action", "accept"}, {"content", {{"name", "Ada"}}}}}});
  REQUIRE(
      memory.server.Answer(retry, {{"content", {{{"type", "text"}, {"text", "hi Ada"}}}}}).ok());
  CHECK(FirstText(call.Get()) == "hi Ada");
  std::lock_guard lock(client.mutex);
  REQUIRE(client.asked.size() == 1);
  CHECK(client.asked[0].method == "elicitation/create");
  CHECK(client.asked[0].params["message"] == "Name?");
}

TEST_CASE("A retry without requestState sends none, and a client's error ends the call") {
  MemoryUpstream memory;
  memory.Received("subscriptions/listen");
  AnsweringClient client;
  client.answer = [](const Message&) -> Result<Json> {
    return Status(StatusCode::kRemote, "user said no", {{"code", -1}, {"message", "user said no"}});
  };
  CallHooks hooks;
  hooks.on_request = client.Relay();
  PendingReply call = StartWithHooks(memory.upstream, "tools/call", {{"name", "echo"}}, hooks);
  REQUIRE(
      memory.server.Answer(memory.Received("tools/call"), ElicitInputRequired(std::nullopt)).ok());
  Result<Json> reply = call.Get();
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.status().code() == StatusCode::kRemote);
  CHECK(reply.status().detail()["message"] == "user said no");
}

TEST_CASE(
    "input_required without a client that can answer fails clearly; a modern client gets it") {
  MemoryUpstream memory;
  memory.Received("subscriptions/listen");
  PendingReply call = StartCall(memory.upstream, "tools/call", {{"name", "echo"}});
  REQUIRE(memory.server.Answer(memory.Received("tools/call"), ElicitInputRequired("s")).ok());
  Result<Json> refused = call.Get();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("needs input from the client") != std::string::npos);

  CallHooks modern_client;
  modern_client.client_takes_input_required = true;
  PendingReply passed =
      StartWithHooks(memory.upstream, "tools/call", {{"name", "echo"}}, modern_client);
  REQUIRE(memory.server.Answer(memory.Received("tools/call"), ElicitInputRequired("s")).ok());
  Result<Json> unchanged = passed.Get();
  REQUIRE(unchanged.ok());
  CHECK(*unchanged == ElicitInputRequired("s"));
}

TEST_CASE("A server that keeps asking for input fails the call after the last round") {
  MemoryUpstream memory;
  memory.Received("subscriptions/listen");
  AnsweringClient client;
  client.answer = [](const Message&) -> Result<Json> { return Json{{"action", "decline"}}; };
  CallHooks hooks;
  hooks.on_request = client.Relay();
  PendingReply call = StartWithHooks(memory.upstream, "tools/call", {{"name", "echo"}}, hooks);
  for (int round = 0; round <= InputRounds::kMaxRounds; ++round) {
    REQUIRE(memory.server.Answer(memory.Received("tools/call"), ElicitInputRequired("s")).ok());
  }
  Result<Json> reply = call.Get();
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.status().message().find("after 10 rounds") != std::string::npos);
}

TEST_CASE("Cancelling a call between rounds cancels the round in flight upstream") {
  MemoryUpstream memory;
  memory.Received("subscriptions/listen");
  AnsweringClient client;
  client.answer = [](const Message&) -> Result<Json> { return Json{{"action", "accept"}}; };
  CallHooks hooks;
  hooks.on_request = client.Relay();
  PendingReply call = StartWithHooks(memory.upstream, "tools/call", {{"name", "echo"}}, hooks);
  REQUIRE(memory.server.Answer(memory.Received("tools/call"), ElicitInputRequired("s")).ok());
  Message retry = memory.Received("tools/call");
  memory.upstream.Cancel(call.id, "enough");
  Result<Json> reply = call.Get();
  CHECK(reply.status().code() == StatusCode::kCancelled);
  Message cancelled = memory.Received("notifications/cancelled");
  CHECK(cancelled.params["requestId"] == retry.id);
}

}  // namespace mcpgw::upstream::testing
