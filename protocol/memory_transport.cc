#include "protocol/memory_transport.h"

#include "protocol/blocking_queue.h"

namespace mcpgw::protocol {
namespace {

// What both ends share: one queue per direction. Closing either end closes both.
struct Link {
  BlockingQueue<Message> queues[2];
};

class MemoryTransport : public Transport {
 public:
  MemoryTransport(std::shared_ptr<Link> link, int side) : link_(std::move(link)), side_(side) {}
  ~MemoryTransport() override { Close(); }

  Result<Message> Receive() override {
    std::optional<Message> message = link_->queues[side_].Pop();
    if (!message) return Status(StatusCode::kClosed, "transport closed");
    return std::move(*message);
  }

  Status Send(const Message& message) override {
    bool queued = link_->queues[1 - side_].Push(message);
    return queued ? Status::Ok() : Status(StatusCode::kClosed, "transport closed");
  }

  void Close() override {
    for (BlockingQueue<Message>& queue : link_->queues) queue.Close();
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
