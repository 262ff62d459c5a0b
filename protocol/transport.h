#pragma once

#include "protocol/json_rpc.h"

namespace mcpgw::protocol {

// A message pipe and nothing more: framing lives below it, meaning above it.
class Transport {
 public:
  virtual ~Transport() = default;

  // Blocks until the next message arrives. Fails with kParse, kInvalidMessage or kTooLarge for a
  // frame that could not be read; the stream goes on and the caller may answer it with
  // ReplyToUnreadableFrame. Fails with kClosed once the peer has closed or Close() was called;
  // every later call fails the same way. One reader thread at a time.
  virtual Result<Message> Receive() = 0;

  // Writes the whole message or nothing; messages from concurrent callers never interleave.
  // Fails with kClosed once the transport is closed. Safe from any thread.
  virtual Status Send(const Message& message) = 0;

  // Closes both directions and unblocks a waiting Receive. Idempotent; safe from any thread.
  virtual void Close() = 0;
};

}  // namespace mcpgw::protocol
