#include "upstream/upstream.h"

#include "tests/upstream/upstream_test_support.h"

#include <map>
#include <set>

namespace mcpgw::upstream::testing {
namespace {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::StatusCode;
using namespace std::chrono_literals;

const std::vector<std::string> kFixtureTools = {"echo", "crash", "hang", "slow", "last_cancelled"};

TEST_CASE("Upstream initializes the server and fetches every page of its tool list") {
  RecordingObserver observer;
  Upstream upstream(FaultyServer({"--paginate", "--notify-before-init"}), &observer);
  StartReady(upstream);
  auto offer = upstream.offer();
  CHECK(Names(offer->tools) == kFixtureTools);
  CHECK(offer->protocol_version == "2025-11-25");
  CHECK(offer->server_info["name"] == "faulty_server");
  CHECK(offer->capabilities.contains("tools"));
  CHECK(offer->prompts.empty());
  CHECK(observer.offer_changes() >= 1);
  CHECK(observer.states() == std::vector<State>{State::kReady});  // it was kConnecting already
  auto notifications = observer.notifications();
  REQUIRE(notifications.size() == 1);  // the one sent before the initialize reply
  CHECK(notifications[0].method == "notifications/message");
}

TEST_CASE("Upstream passes a call's result back") {
  Upstream upstream(FaultyServer(), nullptr);
  StartReady(upstream);
  CHECK(FirstText(CallTool(upstream, "echo", {{"text", "hello"}})) == "hello");
}

TEST_CASE("Upstream passes the server's error object back as kRemote") {
  Upstream upstream(FaultyServer(), nullptr);
  StartReady(upstream);
  Result<Json> reply = StartCall(upstream, "prompts/list", Json::object()).Get();
  REQUIRE(reply.status().code() == StatusCode::kRemote);
  CHECK(reply.status().detail()["code"] == -32601);
  CHECK(reply.status().detail()["message"] == "Method not found: prompts/list");
}

TEST_CASE("Upstream times out a call that gets no answer and tells the server it is cancelled") {
  Upstream upstream(FaultyServer({}, 300ms), nullptr);
  StartReady(upstream);
  auto started = Clock::now();
  PendingReply hang = StartTool(upstream, "hang");
  Result<Json> reply = hang.Get();
  CHECK(Clock::now() - started >= 250ms);
  REQUIRE(reply.status().code() == StatusCode::kTimeout);
  CHECK(reply.status().detail() == Json{{"server", "faulty"}, {"timeout_ms", 300}});
  Json cancelled = Json::parse(FirstText(CallTool(upstream, "last_cancelled")));
  CHECK(cancelled["requestId"] == hang.id);
}

TEST_CASE("Upstream cancels a waiting call on request") {
  Upstream upstream(FaultyServer(), nullptr);
  StartReady(upstream);
  PendingReply hang = StartTool(upstream, "hang");
  upstream.Cancel(hang.id, "user changed their mind");
  CHECK(hang.Get().status().code() == StatusCode::kCancelled);
  upstream.Cancel(hang.id, "again");  // finished: no effect
  Json cancelled = Json::parse(FirstText(CallTool(upstream, "last_cancelled")));
  CHECK(cancelled == Json{{"requestId", hang.id}, {"reason", "user changed their mind"}});
}

TEST_CASE("Upstream fails every waiting call at once when the child exits, then restarts it") {
  RecordingObserver observer;
  Upstream upstream(FaultyServer({}, 20s), &observer);
  StartReady(upstream);
  std::vector<PendingReply> waiting;
  for (int i = 0; i < 3; ++i) waiting.push_back(StartTool(upstream, "hang"));
  waiting.push_back(StartTool(upstream, "crash"));
  auto crashed = Clock::now();
  for (PendingReply& call : waiting) {
    Result<Json> reply = call.Get(5s);
    CHECK(reply.status().code() == StatusCode::kUnavailable);
    CHECK(reply.status().message() == "upstream 'faulty' exited");
    CHECK(reply.status().detail() == Json{{"server", "faulty"}});
  }
  CHECK(Clock::now() - crashed < 5s);
  REQUIRE(WaitUntil([&] {
    auto states = observer.states();
    return states.size() >= 4 && states.back() == State::kReady;
  }));
  CHECK(observer.states() ==
        std::vector<State>{State::kReady, State::kRestarting, State::kConnecting, State::kReady});
  CHECK(FirstText(CallTool(upstream, "echo", {{"text", "again"}})) == "again");
}

TEST_CASE("Upstream reports a command that cannot start as a failed first attempt at once") {
  ServerConfig config = FaultyServer();
  config.command = "mcpgw-no-such-command";
  Upstream upstream(config, nullptr);
  auto started = Clock::now();
  upstream.Start();
  CHECK(upstream.WaitForFirstAttempt(Clock::now() + 10s) == State::kRestarting);
  CHECK(Clock::now() - started < 2s);
  Result<Json> reply = StartTool(upstream, "echo").Get();
  CHECK(reply.status().code() == StatusCode::kUnavailable);
  CHECK(reply.status().message() == "upstream 'faulty' is not connected");
  CHECK(upstream.Notify("notifications/message", Json::object()).code() ==
        StatusCode::kUnavailable);
}

TEST_CASE("Upstream keeps restarting a server that exits before initializing") {
  RecordingObserver observer;
  Upstream upstream(FaultyServer({"--crash-on-start"}), &observer);
  upstream.Start();
  CHECK(upstream.WaitForFirstAttempt(Clock::now() + 10s) == State::kRestarting);
  // kRestarting, kConnecting (the second attempt), kRestarting
  CHECK(WaitUntil([&] { return observer.states().size() >= 3; }));
  upstream.Stop();
  CHECK(observer.states().back() == State::kStopped);
}

TEST_CASE("Upstream keeps 50 calls in flight and gives each its own answer") {
  Upstream upstream(FaultyServer(), nullptr);
  StartReady(upstream);
  std::vector<PendingReply> calls;
  for (int i = 0; i < 50; ++i) {
    calls.push_back(StartTool(upstream, "slow", {{"ms", 50 - i}}));
  }
  std::set<CallId> ids;
  for (int i = 0; i < 50; ++i) {
    ids.insert(calls[i].id);
    CHECK(FirstText(calls[i].Get()) == "slept " + std::to_string(50 - i));
  }
  CHECK(ids.size() == 50);
}

TEST_CASE("Upstream delivers a call's progress to that call's handler until the reply") {
  Upstream upstream(FaultyServer(), nullptr);
  StartReady(upstream);
  std::mutex mutex;
  std::vector<Json> progress;
  PendingReply slow = StartCall(upstream, "tools/call",
                                {{"name", "slow"},
                                 {"arguments", {{"ms", 50}}},
                                 {"_meta", {{"progressToken", "client-token"}}}},
                                [&](Json params) {
                                  std::lock_guard lock(mutex);
                                  progress.push_back(std::move(params));
                                });
  CHECK(FirstText(slow.Get()) == "slept 50");
  std::lock_guard lock(mutex);
  REQUIRE(progress.size() == 2);
  CHECK(progress[0] == Json{{"progressToken", slow.id}, {"progress", 1}, {"total", 2}});
  CHECK(progress[1]["progress"] == 2);
}

TEST_CASE("Upstream answers the server's ping and refuses its other requests") {
  RecordingObserver observer;
  Upstream upstream(FaultyServer({"--ask-client"}), &observer);
  StartReady(upstream);
  REQUIRE(WaitUntil([&] { return observer.notifications().size() == 2; }));
  std::map<std::string, Json> answers;
  for (const Message& message : observer.notifications()) {
    answers[message.params["data"]["answered"].get<std::string>()] = message.params["data"];
  }
  CHECK(answers["ask-ping"]["result"] == Json::object());
  CHECK(answers["ask-roots"]["error"]["code"] == -32601);
}

TEST_CASE("Upstream refetches the tool list after tools/list_changed and says so") {
  RecordingObserver observer;
  Upstream upstream(FaultyServer({"--list-changed", "--paginate"}), &observer);
  StartReady(upstream);
  REQUIRE(WaitUntil([&] { return upstream.offer()->tools.size() == 6; }));
  CHECK(Names(upstream.offer()->tools).back() == "added");
  CHECK(observer.offer_changes() >= 2);
  CHECK(observer.notifications().empty());  // list_changed is handled inside
}

TEST_CASE("Upstream::Stop fails waiting calls, ends the child and is idempotent") {
  RecordingObserver observer;
  Upstream upstream(FaultyServer(), &observer);
  StartReady(upstream);
  PendingReply hang = StartTool(upstream, "hang");
  upstream.Stop(500ms);
  Result<Json> reply = hang.Get(1s);
  CHECK(reply.status().code() == StatusCode::kUnavailable);
  CHECK(reply.status().message() == "upstream 'faulty' stopped");
  upstream.Stop();
  CHECK(upstream.state() == State::kStopped);
  CHECK(observer.states().back() == State::kStopped);
  CHECK(StartTool(upstream, "echo").Get().status().code() == StatusCode::kUnavailable);
}

TEST_CASE("Upstream can be stopped before it starts and while its first attempt runs") {
  Upstream never_started(FaultyServer(), nullptr);
  never_started.Stop();
  CHECK(never_started.state() == State::kStopped);
  Upstream starting(FaultyServer(), nullptr);
  starting.Start();
  starting.Stop();
  CHECK(starting.WaitForFirstAttempt(Clock::now() + 1s) == State::kStopped);
}

}  // namespace
}  // namespace mcpgw::upstream::testing
