#include "proxy/http/message_queue.h"

namespace mcpgw::proxy {

void MessageQueue::Push(protocol::Message message) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    messages_.push_back(std::move(message));
  }
  ready_.notify_one();
}

std::optional<protocol::Message> MessageQueue::Pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, timeout, [this] { return closed_ || !messages_.empty(); });
  if (closed_ || messages_.empty()) return std::nullopt;
  protocol::Message message = std::move(messages_.front());
  messages_.pop_front();
  return message;
}

void MessageQueue::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

bool MessageQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

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
