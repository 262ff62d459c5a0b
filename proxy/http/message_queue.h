#pragma once

#include "protocol/blocking_queue.h"
#include "protocol/json_rpc.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

namespace mcpgw::proxy {

// Carries messages from Session threads to the HTTP worker that writes one response stream.
// Shared (shared_ptr) by the producers and the stream; any thread.
class MessageQueue {
 public:
  // Appends a message; dropped once the queue is closed.
  void Push(protocol::Message message) { messages_.Push(std::move(message)); }

  // The next message, waiting up to timeout; nullopt on timeout, or at once when the queue is
  // closed (messages still queued then are dropped).
  std::optional<protocol::Message> Pop(std::chrono::milliseconds timeout) {
    return messages_.PopFor(timeout);
  }

  // Ends the stream: wakes the waiting Pop. Idempotent.
  void Close() { messages_.CloseAndDiscard(); }
  bool closed() const { return messages_.closed(); }

 private:
  protocol::BlockingQueue<protocol::Message> messages_;
};

// Counts the POSTs still waiting for their answer, so that a drain can wait for them. Any thread.
class InFlightTracker {
 public:
  // Counts one request until the returned token is destroyed.
  std::shared_ptr<void> Enter();

  // Blocks until nothing is in flight or the deadline passes; returns whether it became idle.
  bool WaitForIdle(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t count_ = 0;  // guarded by mutex_
};

}  // namespace mcpgw::proxy
