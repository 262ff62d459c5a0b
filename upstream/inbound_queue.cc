#include "upstream/inbound_queue.h"

namespace mcpgw::upstream {

void InboundQueue::Push(protocol::Result<protocol::Message> message) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    items_.push_back(std::move(message));
  }
  ready_.notify_one();
}

void InboundQueue::PushText(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  Push(protocol::ParseMessage(text, max_json_depth_));
}

protocol::Result<protocol::Message> InboundQueue::Pop() {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
  if (items_.empty()) {
    return protocol::Status(protocol::StatusCode::kClosed, "connection closed");
  }
  protocol::Result<protocol::Message> next = std::move(items_.front());
  items_.pop_front();
  return next;
}

void InboundQueue::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

bool InboundQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace mcpgw::upstream
