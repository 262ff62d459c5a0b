#include "protocol/line_framer.h"

namespace mcpgw::protocol {

LineFramer::LineFramer(std::size_t max_line_bytes,
                       std::function<void(std::string_view)> on_line,
                       std::function<void()> on_oversize)
    : max_line_bytes_(max_line_bytes),
      on_line_(std::move(on_line)),
      on_oversize_(std::move(on_oversize)) {}

void LineFramer::Append(std::string_view part) {
  if (discarding_) return;
  if (partial_.size() + part.size() > max_line_bytes_) {
    partial_.clear();
    partial_.shrink_to_fit();
    discarding_ = true;
    on_oversize_();
    return;
  }
  partial_.append(part);
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
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    // Deliver straight from the chunk when nothing is buffered: no copy on the common path.
    std::string_view line = head;
    if (!partial_.empty()) {
      Append(head);
      if (discarding_) {
        discarding_ = false;
        continue;
      }
      line = partial_;
    }
    if (line.size() > max_line_bytes_) {
      on_oversize_();
    } else {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) on_line_(line);
    }
    partial_.clear();
  }
}

}  // namespace mcpgw::protocol
