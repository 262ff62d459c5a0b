#include "protocol/blocking_queue.h"

#include <doctest/doctest.h>

#include <memory>
#include <thread>

namespace mcpgw::protocol {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("BlockingQueue hands items out in the order they were pushed") {
  BlockingQueue<int> queue;
  CHECK(queue.Push(1));
  CHECK(queue.Push(2));
  CHECK(queue.Pop() == 1);
  CHECK(queue.PopFor(milliseconds(0)) == 2);
}

TEST_CASE("BlockingQueue moves items that cannot be copied") {
  BlockingQueue<std::unique_ptr<int>> queue;
  CHECK(queue.Push(std::make_unique<int>(7)));
  std::optional<std::unique_ptr<int>> item = queue.Pop();
  REQUIRE(item);
  CHECK(**item == 7);
}

TEST_CASE("BlockingQueue PopFor gives up after the timeout when nothing comes") {
  BlockingQueue<int> queue;
  Clock::time_point start = Clock::now();
  CHECK_FALSE(queue.PopFor(milliseconds(50)));
  CHECK(Clock::now() - start >= milliseconds(50));
  CHECK_FALSE(queue.closed());
}

TEST_CASE("BlockingQueue wakes a waiting Pop with an item pushed from another thread") {
  BlockingQueue<int> queue;
  std::thread producer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    queue.Push(5);
  });
  CHECK(queue.Pop() == 5);
  producer.join();

  std::thread late([&] {
    std::this_thread::sleep_for(milliseconds(50));
    queue.Push(6);
  });
  CHECK(queue.PopFor(std::chrono::seconds(10)) == 6);
  late.join();
}

TEST_CASE("BlockingQueue Close drops later pushes and leaves the queued items to drain") {
  BlockingQueue<int> queue;
  queue.Push(1);
  queue.Push(2);
  queue.Close();
  queue.Close();  // idempotent
  CHECK(queue.closed());
  CHECK_FALSE(queue.Push(3));
  CHECK(queue.Pop() == 1);
  CHECK(queue.PopFor(milliseconds(0)) == 2);
  CHECK_FALSE(queue.Pop());
  CHECK_FALSE(queue.PopFor(std::chrono::hours(1)));  // closed and empty: at once
}

TEST_CASE("BlockingQueue CloseAndDiscard drops the queued items too") {
  BlockingQueue<int> queue;
  queue.Push(1);
  queue.CloseAndDiscard();
  CHECK(queue.closed());
  CHECK_FALSE(queue.Push(2));
  CHECK_FALSE(queue.PopFor(std::chrono::hours(1)));
  CHECK_FALSE(queue.Pop());
}

TEST_CASE("BlockingQueue Close wakes every thread waiting in Pop") {
  BlockingQueue<int> queue;
  std::optional<int> waited = 0;
  std::optional<int> timed = 0;
  std::thread waiter([&] { waited = queue.Pop(); });
  std::thread timed_waiter([&] { timed = queue.PopFor(std::chrono::hours(1)); });
  std::this_thread::sleep_for(milliseconds(50));
  queue.Close();
  waiter.join();
  timed_waiter.join();
  CHECK_FALSE(waited);
  CHECK_FALSE(timed);
}

}  // namespace mcpgw::protocol
