// notifications/tasks/status through the NotificationHub: only the session that created the task
// gets it, under the gateway's task id.
#include "proxy/session/notification_hub.h"
#include "proxy/session/task_registry.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Message;

policy::Permissions Everyone() {
  policy::Permissions permissions;
  permissions.default_level = policy::Level::kExecute;
  return permissions;
}

struct Member : NotificationHub::Member {
  Member(const policy::Permissions& permissions, const std::string& key)
      : access_(permissions, {key, "", ""}) {}
  const Access& access() const override { return access_; }
  void Deliver(const Message& notification) override { got.push_back(notification); }
  upstream::Withdraw Relay(const std::string&, Message, upstream::ReplyHandler) override {
    return nullptr;
  }
  bool TakeElicitation(const std::string&, const std::string&) override { return false; }
  Access access_;
  std::vector<Message> got;
};

struct NoUpstreams : NotificationHub::Upstreams {
  std::vector<std::string> Names() const override { return {}; }
  void Send(const std::string&, const std::string&, Json) override {}
};

Message Status(const std::string& upstream_id) {
  return protocol::MakeNotification("notifications/tasks/status",
                                    {{"taskId", upstream_id}, {"status", "completed"}});
}

}  // namespace

TEST_CASE("A task's status reaches only the session that created it, under the gateway's id") {
  policy::Permissions permissions = Everyone();
  NoUpstreams upstreams;
  TaskRegistry tasks;
  NotificationHub hub(upstreams, &tasks);
  Member creator(permissions, "alice"), same_key(permissions, "alice"), other(permissions, "bob");
  for (Member* member : {&creator, &same_key, &other}) hub.Join(member);

  Json created = tasks.Created("s", {"alice", &creator}, {{"task", {{"taskId", "up-1"}}}});
  const std::string id = created["task"]["taskId"].get<std::string>();
  hub.FromUpstream("s", Status("up-1"));
  REQUIRE(creator.got.size() == 1);
  CHECK(creator.got[0].method == "notifications/tasks/status");
  CHECK(creator.got[0].params["taskId"] == id);
  CHECK(same_key.got.empty());
  CHECK(other.got.empty());

  // A status for a task nobody here owns, or from another server, goes nowhere.
  hub.FromUpstream("s", Status("up-2"));
  hub.FromUpstream("t", Status("up-1"));
  CHECK(creator.got.size() == 1);

  // Once the creating session has left, nobody gets it; alice's key still reaches the task.
  hub.Leave(&creator);
  hub.FromUpstream("s", Status("up-1"));
  CHECK(creator.got.size() == 1);
  CHECK(same_key.got.empty());
  CHECK(tasks.Find(id, {"alice", &same_key}).ok());
  hub.Leave(&same_key);
  hub.Leave(&other);
}

TEST_CASE("An anonymous session's tasks go when it leaves the hub") {
  policy::Permissions permissions = Everyone();
  NoUpstreams upstreams;
  TaskRegistry tasks;
  NotificationHub hub(upstreams, &tasks);
  Member anonymous(permissions, "");
  hub.Join(&anonymous);
  Json created = tasks.Created("s", {"", &anonymous}, {{"task", {{"taskId", "up-1"}}}});
  CHECK(tasks.size() == 1);
  hub.Leave(&anonymous);
  CHECK(tasks.size() == 0);
}

}  // namespace mcpgw::proxy
