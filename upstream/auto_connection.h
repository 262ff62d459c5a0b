#pragma once

#include "upstream/legacy_sse_connection.h"
#include "upstream/streamable_http_connection.h"

namespace mcpgw::upstream {

// A bare "url": Streamable HTTP first, legacy HTTP+SSE when the server rejects the initialize
// POST with 400, 404 or 405 (transports spec, "Backwards Compatibility"): then a GET on the same
// URL must open a stream whose first event is `endpoint`, and the initialize goes there. Both
// share one inbound queue, so the reader never notices the switch.
class AutoConnection : public Connection, private protocol::Transport {
 public:
  static protocol::Result<std::unique_ptr<Connection>> Open(const ServerConfig& config);

  ~AutoConnection() override;
  protocol::Transport& transport() override { return *this; }
  void Shutdown(std::chrono::milliseconds grace) override;

  // Receive: from whichever transport is in use. Send: the initialize decides the transport as
  // above; later messages go to the chosen one. Same failures as the chosen transport.
  protocol::Result<protocol::Message> Receive() override { return inbound_->Pop(); }
  protocol::Status Send(const protocol::Message& message) override;
  // The headers go along while the transport is Streamable HTTP.
  protocol::Status SendWithHeaders(const protocol::Message& request,
                                   const HeaderList& headers) override;
  void Close() override;

 private:
  AutoConnection(const ServerConfig& config, std::shared_ptr<InboundQueue> inbound,
                 std::unique_ptr<StreamableHttpConnection> http);
  protocol::Transport* Current();

  const ServerConfig& config_;
  std::shared_ptr<InboundQueue> inbound_;
  std::unique_ptr<StreamableHttpConnection> http_;
  std::mutex mutex_;  // guards legacy_ and closed_
  std::unique_ptr<LegacySseConnection> legacy_;
  bool closed_ = false;
};

}  // namespace mcpgw::upstream
