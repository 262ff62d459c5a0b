#include "proxy/http/message_queue.h"

namespace mcpgw::proxy {

std::shared_ptr<void> InFlightTracker::Enter() {
  {
    std::lock_guard lock(mutex_);
    ++count_;
  }
  return std::shared_ptr<void>(nullptr, [this](void*) {
    {
      std::lock_guard lock(mutex_);
      --count_;
    }
    idle_.notify_all();
  });
}

bool InFlightTracker::WaitForIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return count_ == 0; });
}

}  // namespace mcpgw::proxy
