#include "proxy/session/held_calls.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

namespace mcpgw::proxy {
namespace {

using namespace std::chrono_literals;

struct CountingCall : HeldCall {
  std::atomic<int> expired = 0;
  void Expire() override { ++expired; }
};

// Waits (bounded) until done() holds.
template <typename Done>
bool Eventually(Done done) {
  for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

}  // namespace

TEST_CASE("A held call is taken back once, and only by its principal") {
  HeldCalls held({});
  auto call = std::make_shared<CountingCall>();
  auto id = held.Hold("alice", call);
  REQUIRE(id.ok());
  CHECK(held.Take(*id, "bob") == nullptr);
  CHECK(held.Take(*id, "alice") == call);
  CHECK(held.Take(*id, "alice") == nullptr);
  CHECK(held.Take("no-such-id", "alice") == nullptr);
  CHECK(held.size() == 0);
}

TEST_CASE("Held calls are bounded per principal and in all") {
  HeldCalls held({.hold = 60s, .per_principal = 2, .total = 3});
  auto call = std::make_shared<CountingCall>();
  auto first = held.Hold("alice", call);
  REQUIRE(first.ok());
  REQUIRE(held.Hold("alice", call).ok());
  auto third = held.Hold("alice", call);
  REQUIRE_FALSE(third.ok());
  CHECK(third.status().code() == protocol::StatusCode::kUnavailable);
  REQUIRE(held.Hold("bob", call).ok());
  CHECK_FALSE(held.Hold("carol", call).ok());  // the gateway's total
  // Taking one back frees its place.
  REQUIRE(held.Take(*first, "alice") != nullptr);
  CHECK(held.Hold("carol", call).ok());
  CHECK(held.size() == 3);
}

TEST_CASE("A call nobody takes back expires once, and its id is gone") {
  HeldCalls held({.hold = 30ms, .per_principal = 1, .total = 10});
  auto call = std::make_shared<CountingCall>();
  auto id = held.Hold("alice", call);
  REQUIRE(id.ok());
  CHECK(Eventually([&] { return call->expired == 1; }));
  CHECK(held.Take(*id, "alice") == nullptr);
  CHECK(held.Hold("alice", call).ok());  // the principal's place is free again
  std::this_thread::sleep_for(100ms);
  CHECK(call->expired == 2);
}

TEST_CASE("A call taken back before its time never expires") {
  HeldCalls held({.hold = 30ms, .per_principal = 1, .total = 10});
  auto call = std::make_shared<CountingCall>();
  auto id = held.Hold("alice", call);
  REQUIRE(id.ok());
  REQUIRE(held.Take(*id, "alice") != nullptr);
  std::this_thread::sleep_for(100ms);
  CHECK(call->expired == 0);
}

}  // namespace mcpgw::proxy
