#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace mcpgw::proxy {

// Runs tasks at their deadlines, one at a time, on a thread of its own. Any thread may schedule
// or cancel; a task may schedule more.
class DeadlineTimer {
 public:
  using Ticket = std::uint64_t;

  DeadlineTimer();
  // Stops the thread: tasks not yet due never run.
  ~DeadlineTimer();
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  // Runs task once `delay` has passed. Returns what Cancel takes.
  Ticket After(std::chrono::steady_clock::duration delay, std::function<void()> task);
  // Drops a task not yet run; no effect on one that ran or is running.
  void Cancel(Ticket ticket);

 private:
  using Clock = std::chrono::steady_clock;
  void Run();

  std::mutex mutex_;
  std::condition_variable changed_;  // a task was added, or stopping_ set
  bool stopping_ = false;            // guarded by mutex_
  Ticket last_ = 0;                  // guarded by mutex_
  // By deadline, then ticket; and each ticket's deadline, to cancel it. Guarded by mutex_.
  std::map<std::pair<Clock::time_point, Ticket>, std::function<void()>> due_;
  std::map<Ticket, Clock::time_point> deadlines_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace mcpgw::proxy
