#include "proxy/session/task_registry.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::StatusCode;

// Session identities: compared, never dereferenced.
const NotificationHub::Member* SessionAt(std::uintptr_t n) {
  return reinterpret_cast<const NotificationHub::Member*>(n * 64);
}

Json Created(const std::string& upstream_id, Json ttl = 60000) {
  return {{"task",
           {{"taskId", upstream_id},
            {"status", "working"},
            {"createdAt", "2025-11-25T10:30:00Z"},
            {"ttl", ttl}}}};
}

std::string IdOf(const Json& result) { return result["task"]["taskId"].get<std::string>(); }

}  // namespace

TEST_CASE("A created task gets a gateway id, and two upstreams' equal ids never collide") {
  TaskRegistry tasks;
  const TaskRegistry::Owner alice{"alice", SessionAt(1)};
  Json a = tasks.Created("everything", alice, Created("t1"));
  Json b = tasks.Created("other", alice, Created("t1"));
  const std::string id_a = IdOf(a), id_b = IdOf(b);
  CHECK(id_a.starts_with("task-"));
  CHECK(id_a.size() == 5 + 32);
  CHECK(id_a != id_b);
  CHECK(a["task"]["status"] == "working");  // the rest of the task as the upstream sent it
  auto ref_a = tasks.Find(id_a, alice);
  auto ref_b = tasks.Find(id_b, alice);
  REQUIRE(ref_a.ok());
  REQUIRE(ref_b.ok());
  CHECK(ref_a->server == "everything");
  CHECK(ref_a->upstream_id == "t1");
  CHECK(ref_b->server == "other");
  CHECK(ref_b->upstream_id == "t1");
}

TEST_CASE("Another key cannot reach a task: it is answered like an unknown one") {
  TaskRegistry tasks;
  const std::string id = IdOf(tasks.Created("s", {"alice", SessionAt(1)}, Created("t1")));
  auto foreign = tasks.Find(id, {"bob", SessionAt(2)});
  auto unknown = tasks.Find("task-00000000000000000000000000000000", {"bob", SessionAt(2)});
  REQUIRE_FALSE(foreign.ok());
  REQUIRE_FALSE(unknown.ok());
  CHECK(foreign.status().code() == StatusCode::kInvalidArgument);
  CHECK(foreign.status().message() == "Unknown task: " + id);
  CHECK(unknown.status().code() == foreign.status().code());
  // The upstream's own id is no way in either.
  CHECK_FALSE(tasks.Find("t1", {"alice", SessionAt(1)}).ok());
  // The same key from another session reaches it.
  CHECK(tasks.Find(id, {"alice", SessionAt(3)}).ok());
  CHECK(tasks.OwnedBy({"bob", SessionAt(2)}).empty());
  REQUIRE(tasks.OwnedBy({"alice", SessionAt(3)}).size() == 1);
}

TEST_CASE("An anonymous caller's task belongs to its session alone, and goes with it") {
  TaskRegistry tasks;
  const std::string id = IdOf(tasks.Created("s", {"", SessionAt(1)}, Created("t1")));
  CHECK(tasks.Find(id, {"", SessionAt(1)}).ok());
  CHECK_FALSE(tasks.Find(id, {"", SessionAt(2)}).ok());
  CHECK_FALSE(tasks.Find(id, {"alice", SessionAt(1)}).ok());
  tasks.SessionEnded(SessionAt(1));
  CHECK_FALSE(tasks.Find(id, {"", SessionAt(1)}).ok());
  CHECK(tasks.size() == 0);
}

TEST_CASE("A status notification goes to the creating session, under the gateway's id") {
  TaskRegistry tasks;
  const std::string id = IdOf(tasks.Created("s", {"alice", SessionAt(1)}, Created("t1")));
  auto status = protocol::MakeNotification("notifications/tasks/status",
                                           {{"taskId", "t1"}, {"status", "completed"}});
  auto delivery = tasks.StatusNotification("s", status);
  REQUIRE(delivery.has_value());
  CHECK(delivery->session == SessionAt(1));
  CHECK(delivery->notification.params["taskId"] == id);
  CHECK(delivery->notification.params["status"] == "completed");
  // Another server's task of the same upstream id is nobody's here.
  CHECK_FALSE(tasks.StatusNotification("other", status).has_value());
  // Once the session has ended, the key keeps the task but no session gets its news.
  tasks.SessionEnded(SessionAt(1));
  CHECK_FALSE(tasks.StatusNotification("s", status).has_value());
  CHECK(tasks.Find(id, {"alice", SessionAt(2)}).ok());
  // The last state reported is what a listing falls back on.
  auto owned = tasks.OwnedBy({"alice", nullptr});
  REQUIRE(owned.size() == 1);
  CHECK(owned[0].last["status"] == "completed");
  CHECK(owned[0].last["taskId"] == id);
}

TEST_CASE("ToClient puts the gateway's id in a Task and in a result's related-task meta") {
  TaskRegistry tasks;
  const std::string id = IdOf(tasks.Created("s", {"alice", nullptr}, Created("t1")));
  Json task = tasks.ToClient(id, {{"taskId", "t1"}, {"status", "cancelled"}});
  CHECK(task["taskId"] == id);
  Json result = tasks.ToClient(
      id, {{"content", Json::array()},
           {"_meta", {{"io.modelcontextprotocol/related-task", {{"taskId", "t1"}}}}}});
  CHECK(result["_meta"]["io.modelcontextprotocol/related-task"]["taskId"] == id);
  CHECK_FALSE(result.contains("taskId"));
  CHECK(tasks.OwnedBy({"alice", nullptr})[0].last["status"] == "cancelled");
}

TEST_CASE("A result without a task id is passed on as it came and registers nothing") {
  TaskRegistry tasks;
  Json plain = {{"content", Json::array()}};
  CHECK(tasks.Created("s", {"alice", nullptr}, plain) == plain);
  Json numeric = {{"task", {{"taskId", 7}}}};
  CHECK(tasks.Created("s", {"alice", nullptr}, numeric) == numeric);
  CHECK(tasks.size() == 0);
}

TEST_CASE("A task is forgotten after its ttl, and past the limit the oldest goes first") {
  auto now = TaskRegistry::Clock::now();
  TaskRegistry tasks(2, [&now] { return now; });
  const TaskRegistry::Owner alice{"alice", nullptr};
  const std::string short_lived = IdOf(tasks.Created("s", alice, Created("a", 1000)));
  const std::string unlimited = IdOf(tasks.Created("s", alice, Created("b", nullptr)));
  now += std::chrono::milliseconds(1001);
  CHECK_FALSE(tasks.Find(short_lived, alice).ok());
  CHECK(tasks.Find(unlimited, alice).ok());
  const std::string second = IdOf(tasks.Created("s", alice, Created("c", nullptr)));
  const std::string third = IdOf(tasks.Created("s", alice, Created("d", nullptr)));
  CHECK(tasks.size() == 2);
  CHECK_FALSE(tasks.Find(unlimited, alice).ok());
  CHECK(tasks.Find(second, alice).ok());
  CHECK(tasks.Find(third, alice).ok());
}

}  // namespace mcpgw::proxy
