#include "proxy/session/listen.h"

#include "protocol/era.h"
#include "proxy/app/gateway.h"
#include "proxy/session/session.h"

#include <doctest/doctest.h>

#include <mutex>
#include <vector>

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;
using protocol::Message;

struct NoUpstreams : NotificationHub::Upstreams {
  std::vector<std::string> Names() const override { return {"a"}; }
  void Send(const std::string& server, const std::string& method, Json) override {
    sent.push_back(server + " " + method);
  }
  std::vector<std::string> sent;
};

// A listen of id 9 over a hub, recording what its stream carries and its final answer.
struct ListenRig {
  policy::Permissions permissions;
  NoUpstreams upstreams;
  NotificationHub hub{upstreams};
  Access access{permissions, {}};
  std::vector<Message> stream;
  std::vector<Json> finished;

  std::unique_ptr<Listen> Open(ListenFilter honoured) {
    return std::make_unique<Listen>(
        hub, access, Json(9), [this](const Message& m) { stream.push_back(m); },
        std::move(honoured), [this](Json result) { finished.push_back(std::move(result)); });
  }
};

Json SubscriptionId(const Message& message) {
  return message.params["_meta"][protocol::kMetaSubscriptionId];
}

}  // namespace

TEST_CASE("ParseListenFilter reads the flags and URIs asked for, and refuses malformed ones") {
  auto filter = ParseListenFilter({{"notifications",
                                    {{"toolsListChanged", true},
                                     {"promptsListChanged", false},
                                     {"resourceSubscriptions", {"a://x"}}}}});
  REQUIRE(filter.ok());
  CHECK(filter->tools);
  CHECK_FALSE(filter->prompts);
  CHECK(filter->uris == std::vector<std::string>{"a://x"});
  CHECK(ToJson(*filter) == Json{{"toolsListChanged", true}, {"resourceSubscriptions", {"a://x"}}});
  CHECK_FALSE(ParseListenFilter({{"notifications", {{"toolsListChanged", true}}}})->uris);
  for (const Json& params : {Json::object(), Json{{"notifications", 1}},
                             Json{{"notifications", {{"toolsListChanged", 1}}}},
                             Json{{"notifications", {{"resourceSubscriptions", "a://x"}}}},
                             Json{{"notifications", {{"resourceSubscriptions", {1}}}}}}) {
    CAPTURE(params.dump());
    auto refused = ParseListenFilter(params);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == protocol::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("A listen is acknowledged first, then carries what it asked for under its id") {
  ListenRig rig;
  ListenFilter honoured;
  honoured.tools = true;
  honoured.uris = std::vector<std::string>{"file:///one"};
  auto listen = rig.Open(honoured);
  rig.hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"), {{"a", "x"}});
  CHECK(rig.stream.empty());  // not yet acknowledged: not yet joined
  listen->Acknowledge();
  REQUIRE(rig.stream.size() == 1);
  CHECK(rig.stream[0].method == "notifications/subscriptions/acknowledged");
  CHECK(SubscriptionId(rig.stream[0]) == 9);
  CHECK(rig.stream[0].params["notifications"] ==
        Json{{"toolsListChanged", true}, {"resourceSubscriptions", {"file:///one"}}});

  rig.hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"), {{"a", "x"}});
  rig.hub.ListChanged(protocol::MakeNotification("notifications/prompts/list_changed"),
                      {{"a", "p"}});
  rig.hub.FromUpstream("a", protocol::MakeNotification("notifications/message",
                                                       {{"level", "error"}, {"data", "x"}}));
  CHECK(rig.hub.Subscribe(listen.get(), "a", "file:///one"));
  rig.hub.FromUpstream("a",
                       protocol::MakeNotification("notifications/resources/updated",
                                                  {{"uri", "file:///one"}, {"_meta", {{"k", 1}}}}));
  REQUIRE(rig.stream.size() == 3);  // not the prompts it did not ask for, nor the log line
  CHECK(rig.stream[1].method == "notifications/tools/list_changed");
  CHECK(SubscriptionId(rig.stream[1]) == 9);
  CHECK(rig.stream[2].params["uri"] == "file:///one");
  CHECK(rig.stream[2].params["_meta"] == Json{{"k", 1}, {protocol::kMetaSubscriptionId, 9}});

  rig.hub.EndListeners();
  rig.hub.EndListeners();
  REQUIRE(rig.finished.size() == 1);
  CHECK(rig.finished[0] ==
        Json{{"resultType", "complete"}, {"_meta", {{protocol::kMetaSubscriptionId, 9}}}});
  rig.hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"), {{"a", "x"}});
  CHECK(rig.stream.size() == 3);  // nothing after the end
  listen.reset();
  CHECK(rig.upstreams.sent == std::vector<std::string>{"a resources/unsubscribe"});
}

TEST_CASE("A listen is told of a list change only when it may read a changed item") {
  ListenRig rig;
  rig.permissions.default_level = Level::kDeny;
  rig.permissions.policies["p"] = {Level::kDeny, {{"a", "x", Level::kRead}}};
  rig.permissions.key_policies["k"] = "p";
  Access keyed(rig.permissions, {"k", "", ""});
  std::vector<Message> stream;
  ListenFilter honoured;
  honoured.tools = true;
  Listen listen(
      rig.hub, keyed, Json("s"), [&stream](const Message& m) { stream.push_back(m); }, honoured,
      [](Json) {});
  listen.Acknowledge();
  rig.hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"), {{"b", "x"}});
  rig.hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"), {{"a", "y"}});
  CHECK(stream.size() == 1);
  rig.hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"), {{"a", "x"}});
  CHECK(stream.size() == 2);
}

namespace {

// A Session on a gateway with no upstreams and the given permissions, recording what it sends.
struct ListenSession {
  explicit ListenSession(Config config) : gateway(std::move(config)) {}
  Gateway gateway;
  std::mutex mutex;
  std::vector<Message> sent;
  ClientSink record = [this](const Message& message) {
    std::lock_guard lock(mutex);
    sent.push_back(message);
  };
  Session session{gateway.session_services(), record, policy::Principal{}};
};

// params of a modern request: no more than its version and capabilities in _meta.
Json ModernParams() {
  return {{"_meta",
           {{protocol::kMetaProtocolVersion, "2026-07-28"},
            {protocol::kMetaClientCapabilities, Json::object()}}}};
}

Json ListenParams(Json notifications) {
  Json params = ModernParams();
  params["notifications"] = std::move(notifications);
  return params;
}

}  // namespace

TEST_CASE("Session keeps a listen until the client cancels it, and refuses a malformed one") {
  ListenSession s{Config{}};
  s.session.HandleRequest(
      protocol::MakeRequest(5, "subscriptions/listen",
                            ListenParams({{"toolsListChanged", true},
                                          {"resourceSubscriptions", {"file:///nowhere"}}})),
      s.record);
  REQUIRE(s.sent.size() == 1);
  CHECK(s.sent[0].method == "notifications/subscriptions/acknowledged");
  // No server serves that URI: it is left out of what is honoured, as one it may not read is.
  CHECK(s.sent[0].params["notifications"] ==
        Json{{"toolsListChanged", true}, {"resourceSubscriptions", Json::array()}});
  NotificationHub& hub = s.gateway.session_services().notifications;
  const Message changed = protocol::MakeNotification("notifications/tools/list_changed");
  hub.ListChanged(changed, {{"a", "x"}});
  REQUIRE(s.sent.size() == 2);
  CHECK(s.sent[1].params["_meta"][protocol::kMetaSubscriptionId] == 5);

  s.session.HandleNotification(
      protocol::MakeNotification("notifications/cancelled", {{"requestId", 5}}));
  hub.ListChanged(changed, {{"a", "x"}});
  CHECK(s.sent.size() == 2);  // ended, without an answer

  s.session.HandleRequest(protocol::MakeRequest(6, "subscriptions/listen", ListenParams("all")),
                          s.record);
  REQUIRE(s.sent.size() == 3);
  REQUIRE(s.sent[2].error);
  CHECK(s.sent[2].error->code == -32602);
  // A legacy request: the method does not exist in its era.
  s.session.HandleRequest(
      protocol::MakeRequest(7, "subscriptions/listen", {{"notifications", Json::object()}}),
      s.record);
  REQUIRE(s.sent.size() == 4);
  REQUIRE(s.sent[3].error);
  CHECK(s.sent[3].error->code == -32601);
}

TEST_CASE("Session gives a modern client's lists and discover caching hints, a legacy one none") {
  ListenSession s{Config{}};
  s.session.HandleRequest(protocol::MakeRequest(1, "tools/list", ModernParams()), s.record);
  s.session.HandleRequest(protocol::MakeRequest(2, "server/discover", ModernParams()), s.record);
  s.session.HandleRequest(protocol::MakeRequest(3, "tools/list"), s.record);
  REQUIRE(s.sent.size() == 3);
  for (int i : {0, 1}) {
    // Serialized shared text or not, the client reads the same.
    protocol::Result<Message> read = protocol::ParseMessage(protocol::Serialize(s.sent[i]));
    REQUIRE(read.ok());
    CHECK(read->result["ttlMs"] == 0);              // no upstream gave a hint
    CHECK(read->result["cacheScope"] == "public");  // no key, no policy: everyone's answer
  }
  protocol::Result<Message> legacy = protocol::ParseMessage(protocol::Serialize(s.sent[2]));
  REQUIRE(legacy.ok());
  CHECK_FALSE(legacy->result.contains("ttlMs"));
}

TEST_CASE("Session ends its listens without an answer when its client has gone") {
  ListenSession s{Config{}};
  s.session.HandleRequest(
      protocol::MakeRequest(1, "subscriptions/listen", ListenParams({{"toolsListChanged", true}})),
      s.record);
  s.session.CancelAll("the client closed the stream");
  NotificationHub& hub = s.gateway.session_services().notifications;
  hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"), {{"a", "x"}});
  hub.EndListeners();
  REQUIRE(s.sent.size() == 1);  // the acknowledgement only
  CHECK(s.sent[0].method == "notifications/subscriptions/acknowledged");
}

TEST_CASE("Session answers its listens complete when the gateway shuts down") {
  ListenSession s{Config{}};
  s.session.HandleRequest(protocol::MakeRequest("L", "subscriptions/listen",
                                                ListenParams({{"promptsListChanged", true}})),
                          s.record);
  s.gateway.session_services().notifications.EndListeners();
  REQUIRE(s.sent.size() == 2);
  CHECK(s.sent[1].id == "L");
  CHECK(s.sent[1].result["resultType"] == "complete");
  CHECK(s.sent[1].result["_meta"][protocol::kMetaSubscriptionId] == "L");
}

}  // namespace mcpgw::proxy
