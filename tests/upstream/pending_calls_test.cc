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
          {},
          {},
          std::chrono::duration_cast<std::chrono::milliseconds>(timeout),
          Clock::now() + timeout};
}

// Adds call; the progress token it was given goes to *token when asked for.
bool Add(PendingCalls& table, PendingCall&& call, Json* token = nullptr) {
  Json ignored;
  return table.Add(std::move(call), token ? token : &ignored);
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
  REQUIRE(Add(table, std::move(a)));
  REQUIRE(Add(table, std::move(b)));
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
  CHECK_FALSE(Add(table, std::move(call)));
  REQUIRE(call.on_reply);
  call.on_reply(Json("still callable"));
  CHECK(replies.size() == 1);
  table.Open();
  CHECK(Add(table, Waiter(table, &replies)));
}

TEST_CASE("PendingCalls closing takes every waiter at once") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  for (int i = 0; i < 5; ++i) REQUIRE(Add(table, Waiter(table, &replies)));
  CHECK(table.CloseAndTakeAll().size() == 5);
  CHECK(table.size() == 0);
}

TEST_CASE("PendingCalls returns only the calls whose deadline passed") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  PendingCall soon = Waiter(table, &replies, 30ms);
  CallId soon_id = soon.id;
  REQUIRE(Add(table, std::move(soon)));
  REQUIRE(Add(table, Waiter(table, &replies, 1h)));
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
  REQUIRE(Add(table, Waiter(table, &replies, 1h)));
  std::thread adder([&] {
    std::this_thread::sleep_for(20ms);
    REQUIRE(Add(table, Waiter(table, &replies, 10ms)));
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

TEST_CASE("PendingCalls finds the progress handler of a waiting call only, by its token") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  PendingCall call = Waiter(table, &replies);
  CallId id = call.id;
  int progress_seen = 0;
  call.hooks.on_progress = [&](Json) { ++progress_seen; };
  Json token;
  REQUIRE(Add(table, std::move(call), &token));
  CHECK(token == Json(id));  // no token of the client's: the call's own id
  ProgressHandler handler = table.ProgressFor(token);
  REQUIRE(handler);
  handler(Json::object());
  CHECK(progress_seen == 1);
  table.Take(id);
  CHECK_FALSE(table.ProgressFor(token));
  CHECK_FALSE(table.ProgressFor(Json(id + 100)));
}

TEST_CASE("PendingCalls gives the server the client's own progress token unless a waiting call has it") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  auto with_token = [&](Json client_token) {
    PendingCall call = Waiter(table, &replies);
    call.hooks.on_progress = [](Json) {};
    call.hooks.progress_token = std::move(client_token);
    return call;
  };
  Json first, second, third;
  REQUIRE(Add(table, with_token("abc"), &first));
  CHECK(first == Json("abc"));
  PendingCall colliding = with_token("abc");
  CallId colliding_id = colliding.id;
  REQUIRE(Add(table, std::move(colliding), &second));
  CHECK(second == Json(colliding_id));  // another session's call has "abc": the gateway's own
  // A client token equal to a gateway token in use falls back to the string form.
  PendingCall taken_number = with_token(Json(colliding_id));
  CallId taken_id = taken_number.id;
  REQUIRE(Add(table, std::move(taken_number), &third));
  CHECK(third == Json(taken_id));
  CHECK(table.ProgressFor(Json("abc")));
  table.Take(colliding_id);
  CHECK_FALSE(table.ProgressFor(second));
}

TEST_CASE("PendingCalls names the relay of the calls' one owner, and none for two owners") {
  PendingCalls table;
  std::vector<Result<Json>> replies;
  int owner_a = 0, owner_b = 0;
  int relayed_by = 0;
  auto owned = [&](const void* owner, int marker) {
    PendingCall call = Waiter(table, &replies);
    call.hooks.owner = owner;
    call.hooks.on_request = [&relayed_by, marker](protocol::Message, ReplyHandler) {
      relayed_by = marker;
      return Withdraw();
    };
    return call;
  };
  CHECK_FALSE(table.SoleOwnerRelay());
  PendingCall first = owned(&owner_a, 1);
  CallId first_id = first.id;
  REQUIRE(Add(table, std::move(first)));
  REQUIRE(Add(table, owned(&owner_a, 2)));
  REQUIRE(Add(table, Waiter(table, &replies)));  // a call without a relay does not count
  RequestRelay sole = table.SoleOwnerRelay();
  REQUIRE(sole);
  sole(protocol::Message(), nullptr);
  CHECK((relayed_by == 1 || relayed_by == 2));
  PendingCall other = owned(&owner_b, 3);
  CallId other_id = other.id;
  REQUIRE(Add(table, std::move(other)));
  CHECK_FALSE(table.SoleOwnerRelay());
  table.RelayFor(first_id)(protocol::Message(), nullptr);
  CHECK(relayed_by == 1);
  table.Take(other_id);
  CHECK(table.SoleOwnerRelay());
}

}  // namespace
}  // namespace mcpgw::upstream
