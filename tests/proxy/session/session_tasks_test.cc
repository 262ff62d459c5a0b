// Session's routing of tasks, against two in-memory upstreams that both call their task "1".
#include "proxy/session/session.h"

#include "tests/proxy/session/session_rig.h"
#include "tests/support/in_memory_server.h"

#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <string>
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
    const Message* found = nullptr;
    arrived_.wait_for(lock, std::chrono::seconds(5), [&] {
      for (const Message& message : got_) {
        if (message.is_response() && message.id == id) found = &message;
      }
      return found != nullptr;
    });
    REQUIRE_MESSAGE(found != nullptr, "no answer to " << id.dump());
    return *found;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Message> got_;
};

ServerOffer TaskOffer() {
  ServerOffer offer;
  offer.tools = Json::array({{{"name", "work"},
                              {"inputSchema", {{"type", "object"}}},
                              {"execution", {{"taskSupport", "optional"}}}}});
  offer.capabilities["tasks"] = {{"list", Json::object()},
                                 {"cancel", Json::object()},
                                 {"requests", {{"tools", {{"call", Json::object()}}}}}};
  return offer;
}

Config TwoServers() {
  Config config;
  config.permissions.default_level = policy::Level::kExecute;
  for (const char* name : {"a", "b"}) {
    upstream::ServerConfig server;
    server.name = name;
    server.command = "unused";
    config.servers.push_back(server);
  }
  return config;
}

Json Task(const std::string& id, const std::string& status) {
  return {
      {"taskId", id}, {"status", status}, {"createdAt", "2025-11-25T10:30:00Z"}, {"ttl", 60000}};
}

// Sends `server` the next message it got back as answered with `result`; returns that message.
Message AnswerNext(InMemoryServer& server, const Json& result) {
  std::optional<Message> request = server.WaitForMessage();
  REQUIRE(request.has_value());
  REQUIRE(server.Answer(*request, result).ok());
  return *request;
}

bool SentAny(InMemoryServer& server, std::string_view prefix) {
  for (const Message& message : server.TakeReceived()) {
    if (message.method.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("Tasks get gateway ids, are routed to their upstream, and reach their owner only") {
  InMemoryServer a(TaskOffer()), b(TaskOffer());
  Inbox alice, bob;
  testing::SessionRig rig(
      TwoServers(),
      [&](const upstream::ServerConfig& config) { return (config.name == "a" ? a : b).Connect(); },
      {{{"alice", "", ""}, alice.sink}, {{"bob", "", ""}, bob.sink}});
  Session& as_alice = rig.session(0);
  Session& as_bob = rig.session(1);

  // Both upstreams call their task "1"; the client gets two different ids of the gateway's.
  const Json task_param = {{"ttl", 60000}};
  as_alice.HandleRequest(
      MakeRequest(1, "tools/call",
                  {{"name", "a__work"}, {"arguments", Json::object()}, {"task", task_param}}),
      alice.sink);
  Message to_a = AnswerNext(a, {{"task", Task("1", "working")}});
  CHECK(to_a.params["task"] == task_param);
  as_alice.HandleRequest(
      MakeRequest(2, "tools/call",
                  {{"name", "b__work"}, {"arguments", Json::object()}, {"task", task_param}}),
      alice.sink);
  AnswerNext(b, {{"task", Task("1", "working")}});
  const std::string id_a = alice.Answer(1).result["task"]["taskId"].get<std::string>();
  const std::string id_b = alice.Answer(2).result["task"]["taskId"].get<std::string>();
  CHECK(id_a.starts_with("task-"));
  CHECK(id_b.starts_with("task-"));
  CHECK(id_a != id_b);
  CHECK(alice.Answer(2).result["task"]["status"] == "working");

  // tasks/get goes to the task's own upstream with the upstream's id, and back with the gateway's.
  as_alice.HandleRequest(MakeRequest(3, "tasks/get", {{"taskId", id_b}}), alice.sink);
  Message get = AnswerNext(b, Task("1", "completed"));
  CHECK(get.method == "tasks/get");
  CHECK(get.params["taskId"] == "1");
  CHECK(alice.Answer(3).result == Task(id_b, "completed"));

  // tasks/result: the related-task meta names the gateway's id too.
  as_alice.HandleRequest(MakeRequest(4, "tasks/result", {{"taskId", id_b}}), alice.sink);
  AnswerNext(b, {{"content", Json::array()},
                 {"_meta", {{"io.modelcontextprotocol/related-task", {{"taskId", "1"}}}}}});
  CHECK(alice.Answer(4).result["_meta"]["io.modelcontextprotocol/related-task"]["taskId"] == id_b);

  // Another key gets what an unknown id gets, and no upstream hears of it.
  (void)a.TakeReceived();
  (void)b.TakeReceived();
  int id = 10;
  for (const char* method : {"tasks/get", "tasks/result", "tasks/cancel"}) {
    for (const std::string& task : {id_a, id_b}) {
      as_bob.HandleRequest(MakeRequest(id, method, {{"taskId", task}}), bob.sink);
      Message refused = bob.Answer(id++);
      REQUIRE_MESSAGE(refused.error.has_value(), method);
      CHECK(refused.error->code == -32602);
      CHECK(refused.error->message == "Unknown task: " + task);
    }
  }
  // Nor does the upstream's own id lead anywhere.
  as_alice.HandleRequest(MakeRequest(20, "tasks/get", {{"taskId", "1"}}), alice.sink);
  CHECK(alice.Answer(20).error->code == -32602);
  as_bob.HandleRequest(MakeRequest(21, "tasks/list"), bob.sink);
  CHECK(bob.Answer(21).result == Json{{"tasks", Json::array()}});
  CHECK_FALSE(SentAny(a, "tasks/"));
  CHECK_FALSE(SentAny(b, "tasks/"));

  // tasks/list: alice's tasks as their upstreams list them (a task of another caller that the
  // upstream lists is left out); an upstream that cannot list shows the last state seen.
  as_alice.HandleRequest(MakeRequest(30, "tasks/list"), alice.sink);
  std::optional<Message> list_a = a.WaitForMessage();
  std::optional<Message> list_b = b.WaitForMessage();
  REQUIRE(list_a.has_value());
  REQUIRE(list_b.has_value());
  CHECK(list_a->method == "tasks/list");
  REQUIRE(a.Answer(*list_a, {{"tasks", {Task("1", "input_required"), Task("2", "working")}}}).ok());
  REQUIRE(b.Send(protocol::MakeError(list_b->id, {-32601, "Method not found", nullptr})).ok());
  CHECK(alice.Answer(30).result ==
        Json{{"tasks", {Task(id_a, "input_required"), Task(id_b, "completed")}}});
}

}  // namespace mcpgw::proxy
