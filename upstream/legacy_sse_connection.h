#pragma once

#include "protocol/sse_parser.h"
#include "upstream/http_connection.h"

#include <optional>
#include <thread>

namespace mcpgw::upstream {

// An upstream over the 2024-11-05 HTTP+SSE transport: a GET on the URL opens an event stream
// whose first `endpoint` event names the URL for POSTs (it must be on the same origin, so the
// credentials go nowhere else); every message is POSTed there, and every server message,
// replies included, arrives as a `message` event on the stream. The stream ending ends the
// connection (the Upstream reconnects and re-initializes).
class LegacySseConnection : public HttpConnection {
 public:
  ~LegacySseConnection() override;
  // Close(), then waits for the reader thread.
  void Shutdown(std::chrono::milliseconds grace) override;

  // Receive: the next `message` event. Send: waits (up to the server's timeout) for the endpoint,
  // then POSTs on the calling thread; kUnavailable when there is no endpoint or the POST fails,
  // kClosed after Close.
  protocol::Status Send(const protocol::Message& message) override;

 private:
  // Made by HttpConnection::Open. Starts the reader thread, which opens the stream; returns at
  // once.
  friend class HttpConnection;
  LegacySseConnection(const ServerConfig& config, Url url, std::shared_ptr<InboundQueue> inbound);
  void ReadStream();
  bool ReadStreamOnce(bool& unauthorized);
  bool OnEvent(const protocol::SseEvent& event);
  std::optional<std::string> WaitForEndpoint();
  protocol::Status PostOnce(const std::string& target, const std::string& body, bool& unauthorized,
                            httplib::Headers& sent);

  // Guarded by mutex_ (HttpConnection):
  std::optional<std::string> endpoint_;  // the POST target, once the server named it
  bool reader_done_ = false;

  std::thread reader_;  // last: started in the constructor after everything else exists
};

}  // namespace mcpgw::upstream
