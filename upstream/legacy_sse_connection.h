#pragma once

#include "protocol/sse_parser.h"
#include "upstream/client_pool.h"
#include "upstream/connection.h"
#include "upstream/credentials.h"
#include "upstream/inbound_queue.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace mcpgw::upstream {

// An upstream over the 2024-11-05 HTTP+SSE transport: a GET on the URL opens an event stream
// whose first `endpoint` event names the URL for POSTs (it must be on the same origin, so the
// credentials go nowhere else); every message is POSTed there, and every server message,
// replies included, arrives as a `message` event on the stream. The stream ending ends the
// connection (the Upstream reconnects and re-initializes).
class LegacySseConnection : public Connection, private protocol::Transport {
 public:
  // Starts the reader thread, which opens the stream; returns at once. inbound may be shared
  // with the connection that tried first (AutoConnection); null makes a new one.
  static protocol::Result<std::unique_ptr<LegacySseConnection>> Open(
      const ServerConfig& config, std::shared_ptr<InboundQueue> inbound = nullptr);

  ~LegacySseConnection() override;
  protocol::Transport& transport() override { return *this; }
  // Close(), then waits for the reader thread.
  void Shutdown(std::chrono::milliseconds grace) override;

  // Receive: the next `message` event. Send: waits (up to the server's timeout) for the endpoint,
  // then POSTs on the calling thread; kUnavailable when there is no endpoint or the POST fails,
  // kClosed after Close.
  protocol::Result<protocol::Message> Receive() override { return inbound_->Pop(); }
  protocol::Status Send(const protocol::Message& message) override;
  void Close() override;

 private:
  LegacySseConnection(const ServerConfig& config, Url url, std::shared_ptr<InboundQueue> inbound);
  void ReadStream();
  bool ReadStreamOnce(bool& unauthorized);
  bool OnEvent(const protocol::SseEvent& event);
  std::optional<std::string> WaitForEndpoint();
  protocol::Status PostOnce(const std::string& target, const std::string& body, bool& unauthorized,
                            httplib::Headers& sent);

  const ServerConfig& config_;
  const Url url_;
  std::shared_ptr<InboundQueue> inbound_;
  Credentials credentials_;
  ClientPool posts_;
  ClientPool stream_;
  std::atomic<bool> closed_{false};

  std::mutex mutex_;  // guards endpoint_, reader_done_, shut_down_
  std::condition_variable changed_;
  std::optional<std::string> endpoint_;  // the POST target, once the server named it
  bool reader_done_ = false;
  bool shut_down_ = false;
  std::thread reader_;  // last: started in the constructor after everything else exists
};

}  // namespace mcpgw::upstream
