#include "proxy/session/batch_reply.h"

#include <algorithm>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;

BatchReply::BatchReply(std::size_t slots, std::function<void(std::string)> send)
    : send_(std::move(send)),
      answers_(slots),
      ids_(slots),
      settled_(slots, false),
      unsettled_(slots) {}

void BatchReply::Answer(std::size_t slot, const Message& answer) { Settle(slot, answer); }

ClientSink BatchReply::SinkFor(std::size_t slot, const Json& id, ClientSink passthrough) {
  {
    std::lock_guard lock(mutex_);
    ids_.at(slot) = id.dump();
  }
  return [batch = shared_from_this(), slot,
          passthrough = std::move(passthrough)](const Message& message) {
    if (message.is_response()) return batch->Settle(slot, message);
    passthrough(message);
  };
}

void BatchReply::Cancelled(const Json& id) {
  const std::string key = id.dump();
  std::vector<std::size_t> slots;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t slot = 0; slot < ids_.size(); ++slot) {
      if (!settled_[slot] && ids_[slot] == key) slots.push_back(slot);
    }
  }
  for (std::size_t slot : slots) Settle(slot, std::nullopt);
}

bool BatchReply::done() {
  std::lock_guard lock(mutex_);
  return unsettled_ == 0;
}

void BatchReply::Settle(std::size_t slot, std::optional<Message> answer) {
  std::string array;
  {
    std::lock_guard lock(mutex_);
    if (slot >= settled_.size() || settled_[slot]) return;  // answered after its cancellation
    settled_[slot] = true;
    if (answer) answers_[slot] = protocol::Serialize(*answer);
    if (--unsettled_ > 0) return;
    for (const std::optional<std::string>& text : answers_) {
      if (!text) continue;
      array += array.empty() ? "[" : ",";
      array += *text;
    }
  }
  if (!array.empty()) send_(array + "]");
}

void OpenBatches::Add(const std::shared_ptr<BatchReply>& batch) {
  std::lock_guard lock(mutex_);
  std::erase_if(batches_, [](const std::weak_ptr<BatchReply>& open) {
    auto held = open.lock();
    return held == nullptr || held->done();
  });
  batches_.push_back(batch);
}

void OpenBatches::Cancelled(const Message& notification) {
  if (!notification.params.is_object() || !notification.params.contains("requestId")) return;
  std::vector<std::shared_ptr<BatchReply>> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto& batch : batches_) {
      if (auto held = batch.lock()) open.push_back(std::move(held));
    }
  }
  for (const auto& batch : open) batch->Cancelled(notification.params["requestId"]);
}

}  // namespace mcpgw::proxy
