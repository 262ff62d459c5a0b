#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace mcpgw::protocol {

// An unbounded first-in first-out queue between threads: producers Push, consumers Pop and wait
// for an item. Close ends it: later Pushes are dropped and waiting Pops wake. What happens to the
// items still queued is the owner's choice: Close leaves them for Pop to drain, CloseAndDiscard
// drops them. Every member may be called from any thread.
template <typename T>
class BlockingQueue {
 public:
  // Appends item and wakes one waiting Pop. Returns false (dropping item) once closed.
  bool Push(T item) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // The oldest item, waiting as long as it takes. nullopt once the queue is closed and empty.
  std::optional<T> Pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
    return TakeFront();
  }

  // As Pop, but waits at most timeout: nullopt when none came in time.
  std::optional<T> PopFor(std::chrono::steady_clock::duration timeout) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout, [this] { return closed_ || !items_.empty(); });
    return TakeFront();
  }

  // Closes the queue; the items queued stay for Pop. Idempotent.
  void Close() { CloseKeeping(true); }

  // Closes the queue and drops the items queued, so that every Pop returns nullopt at once.
  // Idempotent.
  void CloseAndDiscard() { CloseKeeping(false); }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  void CloseKeeping(bool keep_items) {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      if (!keep_items) items_.clear();
    }
    ready_.notify_all();
  }

  // Called with mutex_ held.
  std::optional<T> TakeFront() {
    if (items_.empty()) return std::nullopt;
    std::optional<T> front(std::move(items_.front()));
    items_.pop_front();
    return front;
  }

  mutable std::mutex mutex_;  // guards items_ and closed_
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace mcpgw::protocol
