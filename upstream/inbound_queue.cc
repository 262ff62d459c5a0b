#include "upstream/inbound_queue.h"

namespace mcpgw::upstream {

void InboundQueue::PushText(std::string_view text, const protocol::Json& related_request) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  protocol::Result<protocol::Message> message = protocol::ParseMessage(text, max_json_depth_);
  if (message.ok()) message->related_request = related_request;
  Push(std::move(message));
}

protocol::Result<protocol::Message> InboundQueue::Pop() {
  std::optional<protocol::Result<protocol::Message>> next = items_.Pop();
  if (!next) return protocol::Status(protocol::StatusCode::kClosed, "connection closed");
  return std::move(*next);
}

}  // namespace mcpgw::upstream
