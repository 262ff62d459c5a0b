#include "proxy/session/notification_hub.h"

#include <doctest/doctest.h>

#include <set>

#include <memory>
#include <vector>

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;
using protocol::Message;

// full: execute on everything; reader: read on everything; none: nothing; one: execute on one
// resource of "a" only (not the server as a whole).
policy::Permissions KeyPermissions() {
  policy::Permissions permissions;
  permissions.default_level = Level::kDeny;
  permissions.policies["full"] = {Level::kExecute, {}};
  permissions.policies["reader"] = {Level::kRead, {}};
  permissions.policies["none"] = {Level::kDeny, {}};
  permissions.policies["one"] = {Level::kDeny, {{"a", "file:///one", Level::kExecute}}};
  for (const char* key : {"full", "reader", "none", "one"}) permissions.key_policies[key] = key;
  return permissions;
}

struct FakeMember : NotificationHub::Member {
  FakeMember(const policy::Permissions& permissions, const std::string& key)
      : permissions_access(permissions, {key, "", ""}) {}
  const Access& access() const override { return permissions_access; }
  void Deliver(const Message& notification) override { got.push_back(notification); }
  upstream::Withdraw Relay(const std::string&, Message request, upstream::ReplyHandler) override {
    relayed.push_back(std::move(request));
    return nullptr;
  }
  bool TakeElicitation(const std::string& server, const std::string& id) override {
    return elicitations.erase(server + "/" + id) > 0;
  }
  Access permissions_access;
  std::vector<Message> got;
  std::vector<Message> relayed;
  std::set<std::string> elicitations;  // "server/id" of the URL elicitations it got
};

struct Sent {
  std::string server;
  std::string method;
  Json params;
  bool operator==(const Sent&) const = default;
};

struct FakeUpstreams : NotificationHub::Upstreams {
  std::vector<std::string> Names() const override { return {"a", "b"}; }
  void Send(const std::string& server, const std::string& method, Json params) override {
    sent.push_back({server, method, std::move(params)});
  }
  std::vector<Sent> sent;
};

// A hub over upstreams "a" and "b" with one session per key.
struct Hub {
  policy::Permissions permissions = KeyPermissions();
  FakeUpstreams upstreams;
  NotificationHub hub{upstreams};
  std::vector<std::unique_ptr<FakeMember>> members;

  FakeMember& Join(const std::string& key) {
    members.push_back(std::make_unique<FakeMember>(permissions, key));
    hub.Join(members.back().get());
    return *members.back();
  }
  ~Hub() {
    for (auto& member : members) hub.Leave(member.get());
  }
};

Message LogLine(const std::string& level) {
  return protocol::MakeNotification("notifications/message",
                                    {{"level", level}, {"data", "x"}, {"logger", "core"}});
}

Message Updated(const std::string& uri) {
  return protocol::MakeNotification("notifications/resources/updated", {{"uri", uri}});
}

Sent SetLevelSent(const std::string& server, const std::string& level) {
  return {server, "logging/setLevel", {{"level", level}}};
}

}  // namespace

TEST_CASE("NotificationHub gives a server's log lines only to keys that may read the server") {
  Hub h;
  FakeMember& full = h.Join("full");
  FakeMember& reader = h.Join("reader");
  FakeMember& none = h.Join("none");
  FakeMember& one = h.Join("one");
  h.hub.FromUpstream("a", LogLine("info"));
  REQUIRE(full.got.size() == 1);
  CHECK(full.got[0].params["logger"] == "core");
  CHECK(full.got[0].params["_meta"] == Json{{"io.mcpgw/server", "a"}});
  CHECK(reader.got.size() == 1);
  CHECK(none.got.empty());
  CHECK(one.got.empty());  // one resource of the server is not the server
}

TEST_CASE("NotificationHub passes a log line through, naming its server in _meta only") {
  Hub h;
  FakeMember& full = h.Join("full");
  h.hub.FromUpstream("a", protocol::MakeNotification("notifications/message",
                                                     {{"level", "info"}, {"data", {{"n", 1}}}}));
  h.hub.FromUpstream("b", protocol::MakeNotification(
                              "notifications/message",
                              {{"level", "info"},
                               {"logger", "b/x"},
                               {"data", "y"},
                               {"_meta", {{"trace", "t1"}, {"io.mcpgw/server", "a"}}}}));
  REQUIRE(full.got.size() == 2);
  CHECK(full.got[0].params == Json{{"level", "info"},
                                   {"data", {{"n", 1}}},
                                   {"_meta", {{"io.mcpgw/server", "a"}}}});
  // The upstream's logger and _meta stay; its claim to be another server does not.
  CHECK(full.got[1].params == Json{{"level", "info"},
                                   {"logger", "b/x"},
                                   {"data", "y"},
                                   {"_meta", {{"trace", "t1"}, {"io.mcpgw/server", "b"}}}});
}

TEST_CASE("NotificationHub filters log lines by each session's own level") {
  Hub h;
  FakeMember& quiet = h.Join("full");
  FakeMember& chatty = h.Join("full");
  FakeMember& never_asked = h.Join("reader");
  CHECK(h.hub.SetLevel(&quiet, "error").ok());
  CHECK(h.hub.SetLevel(&chatty, "debug").ok());
  for (const char* level : {"debug", "warning", "error", "emergency", "loud"}) {
    h.hub.FromUpstream("a", LogLine(level));
  }
  CHECK(quiet.got.size() == 2);  // error, emergency
  CHECK(chatty.got.size() == 5);
  CHECK(never_asked.got.size() == 5);
  protocol::Status bad = h.hub.SetLevel(&quiet, "verbose");
  CHECK(bad.code() == protocol::StatusCode::kInvalidArgument);
}

TEST_CASE("NotificationHub tells each upstream the lowest level its readers asked for") {
  Hub h;
  FakeMember& none = h.Join("none");
  CHECK(h.hub.SetLevel(&none, "debug").ok());
  CHECK(h.upstreams.sent.empty());  // a key that reads no server changes no upstream

  FakeMember& warner = h.Join("full");
  CHECK(h.hub.SetLevel(&warner, "warning").ok());
  CHECK(h.upstreams.sent ==
        std::vector<Sent>{SetLevelSent("a", "warning"), SetLevelSent("b", "warning")});

  h.upstreams.sent.clear();
  FakeMember& erring = h.Join("reader");
  CHECK(h.upstreams.sent ==
        std::vector<Sent>{SetLevelSent("a", "debug"), SetLevelSent("b", "debug")});
  CHECK(h.hub.SetLevel(&erring, "error").ok());
  CHECK(h.upstreams.sent.back() == SetLevelSent("b", "warning"));

  h.upstreams.sent.clear();
  h.hub.Leave(&warner);  // the lowest left: the upstreams get the next one
  CHECK(h.upstreams.sent ==
        std::vector<Sent>{SetLevelSent("a", "error"), SetLevelSent("b", "error")});
}

TEST_CASE("NotificationHub counts subscriptions per session") {
  Hub h;
  FakeMember& first = h.Join("full");
  FakeMember& second = h.Join("reader");
  CHECK(h.hub.Subscribe(&first, "a", "file:///one"));  // forward: not confirmed yet
  CHECK(h.hub.Subscribe(&second, "a", "file:///one"));
  h.hub.Confirm("a", "file:///one");
  FakeMember& third = h.Join("full");
  CHECK_FALSE(h.hub.Subscribe(&third, "a", "file:///one"));  // already subscribed upstream

  h.hub.FromUpstream("a", Updated("file:///one"));
  CHECK(first.got.size() == 1);
  CHECK(second.got.size() == 1);
  CHECK(h.hub.Unsubscribe(&first, "a", "file:///one") == std::nullopt);  // others remain
  CHECK(h.hub.Unsubscribe(&first, "a", "file:///one") == std::nullopt);  // no longer its own
  h.hub.FromUpstream("a", Updated("file:///one"));
  CHECK(first.got.size() == 1);
  CHECK(second.got.size() == 2);
  CHECK(third.got.size() == 2);
  CHECK(h.hub.Unsubscribe(&second, "a", "file:///one") == std::nullopt);
  CHECK(h.hub.Unsubscribe(&third, "a", "file:///one") == "file:///one");  // the last
  CHECK(h.upstreams.sent.empty());
}

TEST_CASE("NotificationHub gives updates only to subscribers that may read the resource") {
  Hub h;
  FakeMember& one = h.Join("one");
  FakeMember& none = h.Join("none");
  FakeMember& bystander = h.Join("full");
  h.hub.Subscribe(&one, "a", "file:///one");
  h.hub.Subscribe(&none, "a", "file:///one");  // Session refuses this; the hub checks anyway
  h.hub.Subscribe(&one, "a", "file:///two");
  h.hub.FromUpstream("a", Updated("file:///one"));
  h.hub.FromUpstream("a", Updated("file:///two"));     // one may not read it
  h.hub.FromUpstream("b", Updated("file:///one"));     // another server's URI of that text
  h.hub.FromUpstream("a", Updated("file:///nobody"));  // dropped
  REQUIRE(one.got.size() == 1);
  CHECK(one.got[0].params["uri"] == "file:///one");
  CHECK(none.got.empty());
  CHECK(bystander.got.empty());
}

TEST_CASE("NotificationHub matches an update to its subscription in canonical form") {
  Hub h;
  FakeMember& full = h.Join("full");
  h.hub.Subscribe(&full, "a", "file:///pub/readme.txt");
  h.hub.FromUpstream("a", Updated("FILE:///pub//./%72eadme.txt"));
  REQUIRE(full.got.size() == 1);
  CHECK(full.got[0].params["uri"] == "FILE:///pub//./%72eadme.txt");  // passed on as sent
}

TEST_CASE("NotificationHub unsubscribes upstream when the last subscriber's session ends") {
  Hub h;
  FakeMember& staying = h.Join("full");
  FakeMember& leaving = h.Join("full");
  h.hub.Subscribe(&staying, "a", "file:///one");
  h.hub.Subscribe(&leaving, "a", "file:///one");
  h.hub.Subscribe(&leaving, "b", "file:///two");
  h.hub.Confirm("a", "file:///one");
  h.hub.Leave(&leaving);
  CHECK(h.upstreams.sent ==
        std::vector<Sent>{{"b", "resources/unsubscribe", {{"uri", "file:///two"}}}});
  h.hub.FromUpstream("a", Updated("file:///one"));
  CHECK(staying.got.size() == 1);
  CHECK(leaving.got.empty());
}

TEST_CASE("NotificationHub takes back a subscription whose upstream subscribe failed") {
  Hub h;
  FakeMember& member = h.Join("full");
  CHECK(h.hub.Subscribe(&member, "a", "file:///one"));
  h.hub.Withdraw(&member, "a", "file:///one");
  CHECK(h.upstreams.sent.empty());                      // the upstream never subscribed
  CHECK(h.hub.Subscribe(&member, "a", "file:///one"));  // the next subscribe goes upstream again
  h.hub.FromUpstream("a", Updated("file:///one"));
  CHECK(member.got.size() == 1);
}

TEST_CASE("NotificationHub gives a reconnected upstream the subscriptions and level again") {
  Hub h;
  FakeMember& member = h.Join("full");
  h.hub.UpstreamReady("a");
  CHECK(h.upstreams.sent.empty());
  h.hub.Subscribe(&member, "a", "file:///one");
  h.hub.Subscribe(&member, "b", "file:///two");
  CHECK(h.hub.SetLevel(&member, "notice").ok());
  h.upstreams.sent.clear();
  h.hub.UpstreamReady("a");
  CHECK(h.upstreams.sent ==
        std::vector<Sent>{SetLevelSent("a", "notice"),
                          {"a", "resources/subscribe", {{"uri", "file:///one"}}}});
}

TEST_CASE("NotificationHub tells list_changed to every session") {
  Hub h;
  FakeMember& full = h.Join("full");
  FakeMember& none = h.Join("none");
  h.hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"), {{"a", "x"}});
  CHECK(full.got.size() == 1);
  CHECK(none.got.size() == 1);
  h.hub.FromUpstream("a", protocol::MakeNotification("notifications/other"));
  CHECK(full.got.size() == 1);
}

struct FakeListener : NotificationHub::Listener {
  FakeListener(const policy::Permissions& permissions, const std::string& key)
      : permissions_access(permissions, {key, "", ""}) {}
  const Access& access() const override { return permissions_access; }
  void Deliver(const Message& notification) override { got.push_back(notification); }
  void End() override { ++ended; }
  Access permissions_access;
  std::vector<Message> got;
  int ended = 0;
};

TEST_CASE("NotificationHub gives a listener list changes and its updates, never log lines") {
  Hub h;
  FakeListener listener(h.permissions, "full");
  h.hub.JoinListener(&listener);
  FakeMember& session = h.Join("full");
  h.hub.FromUpstream("a", LogLine("error"));
  CHECK(listener.got.empty());
  CHECK(session.got.size() == 1);
  h.hub.ListChanged(protocol::MakeNotification("notifications/tools/list_changed"),
                    {{"a", "echo"}});
  CHECK(listener.got.size() == 1);
  CHECK(h.hub.Subscribe(&listener, "a", "file:///one"));
  h.hub.FromUpstream("a", Updated("file:///one"));
  CHECK(listener.got.size() == 2);
  CHECK(session.got.size() == 2);  // its list change; not the update it never subscribed to
  h.hub.EndListeners();
  CHECK(listener.ended == 1);
  h.upstreams.sent.clear();
  h.hub.Leave(&listener);
  CHECK(h.upstreams.sent ==
        std::vector<Sent>{{"a", "resources/unsubscribe", {{"uri", "file:///one"}}}});
  h.hub.EndListeners();
  CHECK(listener.ended == 1);
}

TEST_CASE("NotificationHub never relays a server's request to a listener") {
  Hub h;
  FakeListener listener(h.permissions, "full");
  h.hub.JoinListener(&listener);
  FakeMember& session = h.Join("full");
  CHECK(h.hub.RelayToOnlyMember("a", protocol::MakeRequest(7, "roots/list"), nullptr));
  CHECK(session.relayed.size() == 1);
  h.hub.Leave(&listener);
}

TEST_CASE("NotificationHub relays a request no call claims only when one session has joined") {
  Hub h;
  Message roots = protocol::MakeRequest(7, "roots/list");
  CHECK_FALSE(h.hub.RelayToOnlyMember("a", roots, nullptr));  // nobody
  FakeMember& first = h.Join("full");
  CHECK(h.hub.RelayToOnlyMember("a", roots, nullptr));
  REQUIRE(first.relayed.size() == 1);
  CHECK(first.relayed[0].method == "roots/list");
  FakeMember& second = h.Join("full");
  CHECK_FALSE(h.hub.RelayToOnlyMember("a", roots, nullptr));  // two: nobody can tell
  CHECK(first.relayed.size() == 1);
  CHECK(second.relayed.empty());
}

TEST_CASE("NotificationHub sends an elicitation's completion only to the session that got it") {
  Hub h;
  FakeMember& other = h.Join("full");
  FakeMember& asked = h.Join("full");
  asked.elicitations.insert("a/e-1");
  Message done =
      protocol::MakeNotification("notifications/elicitation/complete", {{"elicitationId", "e-1"}});
  h.hub.FromUpstream("b", done);  // another server's elicitation of the same id
  h.hub.FromUpstream("a", done);
  h.hub.FromUpstream("a", done);  // only once
  CHECK(asked.got.size() == 1);
  CHECK(other.got.empty());
}

}  // namespace mcpgw::proxy
