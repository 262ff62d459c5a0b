#include "proxy/http/event_stream.h"

#include "policy/key_hash.h"

#include <algorithm>
#include <charconv>

namespace mcpgw::proxy {

std::string FormatEventId(const EventId& id) {
  return id.session_tag + "." + id.stream + "." + std::to_string(id.seq);
}

std::optional<EventId> ParseEventId(std::string_view text) {
  std::size_t first = text.find('.');
  std::size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos || first == 0 || second == first + 1) return std::nullopt;
  std::string_view seq = text.substr(second + 1);
  EventId id{std::string(text.substr(0, first)), std::string(text.substr(first + 1, second - first - 1))};
  auto [end, error] = std::from_chars(seq.data(), seq.data() + seq.size(), id.seq);
  if (seq.empty() || error != std::errc() || end != seq.data() + seq.size()) return std::nullopt;
  return id;
}

std::string SessionTag(std::string_view sid) {
  return policy::HashKey(sid).substr(std::string_view("sha256:").size(), 12);
}

EventStream::EventStream(std::string session_tag, std::string key, bool ends_with_response,
                         ReplayLimits limits)
    : session_tag_(std::move(session_tag)),
      key_(std::move(key)),
      ends_with_response_(ends_with_response),
      limits_(limits) {}

std::string EventStream::IdOf(std::uint64_t seq) const {
  return FormatEventId({session_tag_, key_, seq});
}

void EventStream::Push(const protocol::Message& message) {
  std::string data = protocol::Serialize(message);
  std::lock_guard lock(mutex_);
  if (finished_at_) return;
  bytes_ += data.size();
  events_.push_back({++last_seq_, std::move(data), message});
  Evict();
  if (ends_with_response_ && message.is_response()) finished_at_ = Clock::now();
  changed_.notify_all();
}

void EventStream::Evict() {
  while (events_.size() > 1 &&
         (events_.size() > limits_.max_events || bytes_ > limits_.max_bytes)) {
    bytes_ -= events_.front().data.size();
    events_.pop_front();
  }
}

void EventStream::Close() {
  std::lock_guard lock(mutex_);
  if (!finished_at_) finished_at_ = Clock::now();
  changed_.notify_all();
}

std::uint64_t EventStream::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

bool EventStream::finished() const {
  std::lock_guard lock(mutex_);
  return finished_at_.has_value();
}

std::optional<EventStream::Clock::time_point> EventStream::finished_at() const {
  std::lock_guard lock(mutex_);
  return finished_at_;
}

std::uint64_t EventStream::Attach() {
  std::lock_guard lock(mutex_);
  attached_ = true;
  changed_.notify_all();  // the reader before wakes up replaced
  return ++reader_;
}

void EventStream::Detach(std::uint64_t reader) {
  std::lock_guard lock(mutex_);
  if (reader == reader_) attached_ = false;
}

bool EventStream::attached() const {
  std::lock_guard lock(mutex_);
  return attached_;
}

EventStream::Read EventStream::Next(std::uint64_t reader, std::uint64_t after,
                                    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  auto next = [&]() -> const Buffered* {
    for (const Buffered& event : events_) {
      if (event.seq > after) return &event;
    }
    return nullptr;
  };
  changed_.wait_for(lock, timeout,
                    [&] { return reader != reader_ || next() != nullptr || finished_at_; });
  if (reader != reader_) return {Read::Kind::kReplaced};
  if (const Buffered* event = next()) {
    return {Read::Kind::kEvent, event->seq, IdOf(event->seq), event->data, event->message};
  }
  return {finished_at_ ? Read::Kind::kEnded : Read::Kind::kIdle};
}

}  // namespace mcpgw::proxy
