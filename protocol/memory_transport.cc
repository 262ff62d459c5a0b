#include "protocol/memory_transport.h"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace mcpgw::protocol {
namespace {

// What both ends share: one queue per direction, under one lock.
struct Link {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Message> queues[2];
  bool closed = false;
};

class MemoryTransport : public Transport {
 public:
  MemoryTransport(std::shared_ptr<Link> link, int side) : link_(std::move(link)), side_(side) {}
  ~MemoryTransport() override { Close(); }

  Result<Message> Receive() override {
    std::unique_lock lock(link_->mutex);
    auto& inbox = link_->queues[side_];
    link_->changed.wait(lock, [&] { return !inbox.empty() || link_->closed; });
    if (inbox.empty()) return Status(StatusCode::kClosed, "transport closed");
    Message message = std::move(inbox.front());
    inbox.pop_front();
    return message;
  }

  Status Send(const Message& message) override {
    std::lock_guard lock(link_->mutex);
    if (link_->closed) return Status(StatusCode::kClosed, "transport closed");
    link_->queues[1 - side_].push_back(message);
    link_->changed.notify_all();
    return Status::Ok();
  }

  void Close() override {
    std::lock_guard lock(link_->mutex);
    link_->closed = true;
    link_->changed.notify_all();
  }

 private:
  std::shared_ptr<Link> link_;
  int side_;
};

}  // namespace

std::pair<std::unique_ptr<Transport>, std::unique_ptr<Transport>> MakeMemoryTransportPair() {
  auto link = std::make_shared<Link>();
  return {std::make_unique<MemoryTransport>(link, 0), std::make_unique<MemoryTransport>(link, 1)};
}

}  // namespace mcpgw::protocol
