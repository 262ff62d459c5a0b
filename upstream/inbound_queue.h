#pragma once

#include "protocol/blocking_queue.h"
#include "protocol/json_rpc.h"

namespace mcpgw::upstream {

// The receive side of a network transport: threads that read HTTP replies, SSE streams or
// WebSocket frames push what they read; the upstream's one reader thread pops it.
class InboundQueue {
 public:
  // Text pushed deeper than max_json_depth is queued as an unreadable frame (ParseMessage).
  explicit InboundQueue(std::size_t max_json_depth = protocol::kDefaultMaxJsonDepth)
      : max_json_depth_(max_json_depth) {}

  // Queues a message (or an unreadable-frame status). Dropped once closed. Any thread.
  void Push(protocol::Result<protocol::Message> message) { items_.Push(std::move(message)); }

  // Parses text as one JSON-RPC message and pushes the result (empty text is ignored);
  // related_request is the id of the request whose response stream carried it (null: none).
  void PushText(std::string_view text, const protocol::Json& related_request = nullptr);

  // Blocks for the next item. After Close(), returns what is still queued, then kClosed forever.
  protocol::Result<protocol::Message> Pop();

  // Wakes a waiting Pop; idempotent. Any thread.
  void Close() { items_.Close(); }
  bool closed() const { return items_.closed(); }

 private:
  const std::size_t max_json_depth_;
  protocol::BlockingQueue<protocol::Result<protocol::Message>> items_;
};

}  // namespace mcpgw::upstream
