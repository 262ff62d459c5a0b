#include "upstream/inbound_queue.h"

namespace mcpgw::upstream {

void InboundQueue::PushText(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  Push(protocol::ParseMessage(text, max_json_depth_));
}

protocol::Result<protocol::Message> InboundQueue::Pop() {
  std::optional<protocol::Result<protocol::Message>> next = items_.Pop();
  if (!next) return protocol::Status(protocol::StatusCode::kClosed, "connection closed");
  return std::move(*next);
}

}  // namespace mcpgw::upstream
