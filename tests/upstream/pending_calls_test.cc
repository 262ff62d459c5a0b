#include "upstream/pending_calls.h"

#include <doctest/doctest.h>

#include <thread>

namespace mcpgw::upstream {
namespace {

using protocol::Json;
using protocol::Result;

using namespace std::chrono_literals;

PendingCall Waiter(PendingCalls& table, std::vector<Result<Json>>* replies,
                   Clock::duration timeout = 1h) {
  return {table.NextId(),
          "tools/call",
          [replies](Result<Json> reply) { replies->push_back(std::move(reply)); },
          nullptr,
          std::chrono::duration_cast<std::chrono::milliseconds>(timeout),
          Clock::now() + timeout};
}

TEST_CASE("PendingCalls hands out a fresh id for every call, also after closing") {
  PendingCalls table;
  CallId first = table.NextId();
  CallId second = table.NextId();
  table.CloseAndTakeAll();
  table.Open();
  CHECK(second > first);
  CHECK(table.NextId() > second);
}

TEST_CASE("PendingCalls gives each waiter back exactly once, by its id") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  PendingCall a = Waiter(table, &replies);
  PendingCall b = Waiter(table, &replies);
  CallId a_id = a.id, b_id = b.id;
  REQUIRE(table.Add(std::move(a)));
  REQUIRE(table.Add(std::move(b)));
  auto taken = table.Take(b_id);
  REQUIRE(taken);
  CHECK(taken->id == b_id);
  CHECK_FALSE(table.Take(b_id));
  CHECK(table.Take(a_id));
  CHECK(table.size() == 0);
}

TEST_CASE("PendingCalls refuses waiters while closed and leaves the refused call intact") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  table.CloseAndTakeAll();
  PendingCall call = Waiter(table, &replies);
  CHECK_FALSE(table.Add(std::move(call)));
  REQUIRE(call.on_reply);
  call.on_reply(Json("still callable"));
  CHECK(replies.size() == 1);
  table.Open();
  CHECK(table.Add(Waiter(table, &replies)));
}

TEST_CASE("PendingCalls closing takes every waiter at once") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  for (int i = 0; i < 5; ++i) REQUIRE(table.Add(Waiter(table, &replies)));
  CHECK(table.CloseAndTakeAll().size() == 5);
  CHECK(table.size() == 0);
}

TEST_CASE("PendingCalls returns only the calls whose deadline passed") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  PendingCall soon = Waiter(table, &replies, 30ms);
  CallId soon_id = soon.id;
  REQUIRE(table.Add(std::move(soon)));
  REQUIRE(table.Add(Waiter(table, &replies, 1h)));
  auto started = Clock::now();
  std::vector<PendingCall> expired = table.WaitForExpired();
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].id == soon_id);
  CHECK(expired[0].timeout == 30ms);
  CHECK(Clock::now() - started >= 25ms);
  CHECK(table.size() == 1);
}

TEST_CASE("PendingCalls wakes the timer for a deadline sooner than the ones it waits for") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  REQUIRE(table.Add(Waiter(table, &replies, 1h)));
  std::thread adder([&] {
    std::this_thread::sleep_for(20ms);
    REQUIRE(table.Add(Waiter(table, &replies, 10ms)));
  });
  auto started = Clock::now();
  CHECK(table.WaitForExpired().size() == 1);
  CHECK(Clock::now() - started < 5s);
  adder.join();
}

TEST_CASE("PendingCalls ends the timer's wait on shutdown") {
  PendingCalls table;
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    table.Shutdown();
  });
  CHECK(table.WaitForExpired().empty());
  stopper.join();
}

TEST_CASE("PendingCalls finds the progress handler of a waiting call only") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  PendingCall call = Waiter(table, &replies);
  CallId id = call.id;
  int progress_seen = 0;
  call.on_progress = [&](Json) { ++progress_seen; };
  REQUIRE(table.Add(std::move(call)));
  ProgressHandler handler = table.ProgressFor(id);
  REQUIRE(handler);
  handler(Json::object());
  CHECK(progress_seen == 1);
  table.Take(id);
  CHECK_FALSE(table.ProgressFor(id));
  CHECK_FALSE(table.ProgressFor(id + 100));
}

}  // namespace
}  // namespace mcpgw::upstream
