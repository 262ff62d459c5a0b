#pragma once

#include "protocol/line_framer.h"
#include "protocol/transport.h"

#include <atomic>
#include <deque>
#include <mutex>

namespace mcpgw::protocol {

// Newline-delimited JSON-RPC over a pair of file descriptors: the gateway's own stdin/stdout, or
// the pipes of a child process. Closes the descriptors on destruction when it owns them.
class LineTransport : public Transport {
 public:
  enum class Ownership { kBorrowed, kOwned };

  // A line over max_message_bytes, or nested deeper than max_json_depth, is received as a failed
  // status (kTooLarge, kInvalidMessage) whose detail() is the line's id when it could be found.
  LineTransport(int read_fd, int write_fd, std::size_t max_message_bytes, Ownership ownership,
                std::size_t max_json_depth = kDefaultMaxJsonDepth);
  ~LineTransport() override;
  LineTransport(const LineTransport&) = delete;
  LineTransport& operator=(const LineTransport&) = delete;

  // A batch line is refused here as it always was (kInvalidMessage): only ReceiveFrame reads one.
  Result<Message> Receive() override;
  // Like Receive, but a line holding a JSON-RPC batch arrives whole (ParseFrame, with at most
  // kMaxBatchEntries entries), for the one peer that may send batches: a client on 2025-03-26.
  // Reader thread only.
  Result<Frame> ReceiveFrame();
  Status Send(const Message& message) override;
  void Close() override;

  // Ends input only: a waiting or later Receive fails with kClosed, while Send still works, so
  // answers to requests already read can go out. Async-signal-safe, for a SIGTERM handler.
  void StopReceiving();

  // Writes a line that is already serialized (no trailing newline). Same contract as Send.
  Status SendLine(std::string_view line);

 private:
  bool ReadMore();  // false at end of stream, after Close() or after StopReceiving()
  void WakeReceiver();

  const int read_fd_;
  const int write_fd_;
  const Ownership ownership_;
  int wake_pipe_[2] = {-1, -1};  // written to unblock poll() in Receive()
  std::atomic<bool> closed_{false};
  std::atomic<bool> stop_receiving_{false};
  bool input_ended_ = false;           // reader thread only; sending may still go on
  std::deque<Result<Frame>> ready_;    // reader thread only
  LineFramer framer_;                  // reader thread only
  std::mutex write_mutex_;
};

}  // namespace mcpgw::protocol
