#pragma once

#include "protocol/json_rpc.h"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace mcpgw::upstream {

// The receive side of a network transport: threads that read HTTP replies, SSE streams or
// WebSocket frames push what they read; the upstream's one reader thread pops it.
class InboundQueue {
 public:
  // Text pushed deeper than max_json_depth is queued as an unreadable frame (ParseMessage).
  explicit InboundQueue(std::size_t max_json_depth = protocol::kDefaultMaxJsonDepth)
      : max_json_depth_(max_json_depth) {}

  // Queues a message (or an unreadable-frame status). Dropped once closed. Any thread.
  void Push(protocol::Result<protocol::Message> message);

  // Parses text as one JSON-RPC message and pushes the result (empty text is ignored).
  void PushText(std::string_view text);

  // Blocks for the next item. After Close(), returns what is still queued, then kClosed forever.
  protocol::Result<protocol::Message> Pop();

  // Wakes a waiting Pop; idempotent. Any thread.
  void Close();
  bool closed() const;

 private:
  const std::size_t max_json_depth_;
  mutable std::mutex mutex_;  // guards items_ and closed_
  std::condition_variable ready_;
  std::deque<protocol::Result<protocol::Message>> items_;
  bool closed_ = false;
};

}  // namespace mcpgw::upstream
