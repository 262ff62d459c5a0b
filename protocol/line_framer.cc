#include "protocol/line_framer.h"

#include <algorithm>

namespace mcpgw::protocol {

LineFramer::LineFramer(std::size_t max_line_bytes,
                       std::function<void(std::string_view)> on_line, OversizeHandler on_oversize)
    : max_line_bytes_(max_line_bytes),
      on_line_(std::move(on_line)),
      on_oversize_(std::move(on_oversize)) {}

void LineFramer::Append(std::string_view part) {
  if (discarding_) return KeepTail(part);
  if (partial_.size() + part.size() > max_line_bytes_) return StartDiscarding(part);
  partial_.append(part);
}

// The buffered start of the line plus part is too long: keep its ends, free the rest.
void LineFramer::StartDiscarding(std::string_view part) {
  head_ = partial_.substr(0, kKeptBytes);
  head_.append(part.substr(0, kKeptBytes - head_.size()));
  tail_.clear();
  KeepTail(partial_);
  KeepTail(part);
  partial_.clear();
  partial_.shrink_to_fit();
  discarding_ = true;
}

void LineFramer::KeepTail(std::string_view part) {
  if (part.size() >= kKeptBytes) {
    tail_.assign(part.substr(part.size() - kKeptBytes));
    return;
  }
  tail_.append(part);
  if (tail_.size() > kKeptBytes) tail_.erase(0, tail_.size() - kKeptBytes);
}

void LineFramer::EndDiscarding() {
  discarding_ = false;
  on_oversize_(head_, tail_);
  head_.clear();
  tail_.clear();
}

void LineFramer::Deliver(std::string_view line) {
  if (line.size() > max_line_bytes_) {
    std::size_t tail = std::min(line.size(), kKeptBytes);
    on_oversize_(line.substr(0, kKeptBytes), line.substr(line.size() - tail));
    return;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!line.empty()) on_line_(line);
}

void LineFramer::Feed(std::string_view chunk) {
  while (!chunk.empty()) {
    std::size_t newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      Append(chunk);
      return;
    }
    std::string_view head = chunk.substr(0, newline);
    chunk.remove_prefix(newline + 1);
    // Deliver straight from the chunk when nothing is buffered: no copy on the common path.
    if (partial_.empty() && !discarding_) {
      Deliver(head);
      continue;
    }
    Append(head);
    if (discarding_) {
      EndDiscarding();
      continue;
    }
    Deliver(partial_);
    partial_.clear();
  }
}

}  // namespace mcpgw::protocol
