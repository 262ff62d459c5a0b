#include "proxy/session/deadline_timer.h"

#include "protocol/guard.h"

namespace mcpgw::proxy {

DeadlineTimer::DeadlineTimer() : thread_([this] { Run(); }) {}

DeadlineTimer::~DeadlineTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

DeadlineTimer::Ticket DeadlineTimer::After(Clock::duration delay, std::function<void()> task) {
  const Clock::time_point at = Clock::now() + delay;
  Ticket ticket = 0;
  {
    std::lock_guard lock(mutex_);
    ticket = ++last_;
    due_.emplace(std::pair{at, ticket}, std::move(task));
    deadlines_.emplace(ticket, at);
  }
  changed_.notify_all();
  return ticket;
}

void DeadlineTimer::Cancel(Ticket ticket) {
  std::function<void()> dropped;  // destroyed outside the lock: it may own anything
  std::lock_guard lock(mutex_);
  auto found = deadlines_.find(ticket);
  if (found == deadlines_.end()) return;
  auto task = due_.find({found->second, ticket});
  dropped = std::move(task->second);
  due_.erase(task);
  deadlines_.erase(found);
}

void DeadlineTimer::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (due_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    // A copy: Cancel may erase the entry while this waits, and wait_until reads its deadline
    // after every wake.
    const Clock::time_point due = first->first.first;
    if (due > Clock::now()) {
      changed_.wait_until(lock, due);
      continue;
    }
    std::function<void()> task = std::move(first->second);
    deadlines_.erase(first->first.second);
    due_.erase(first);
    lock.unlock();
    protocol::Guarded("a timed task", task);
    task = nullptr;  // released outside the lock
    lock.lock();
  }
}

}  // namespace mcpgw::proxy
