#pragma once

#include "protocol/transport.h"
#include "upstream/server_config.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mcpgw::upstream {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One live connection to an upstream server: a message pipe plus a way to end it. The seam
// between the Upstream's lifecycle and a concrete transport (child stdio, Streamable HTTP, legacy
// HTTP+SSE, both tried in turn for a bare url, or WebSocket).
class Connection {
 public:
  virtual ~Connection() = default;

  // The message pipe. Valid as long as the Connection; Receive from one reader thread, Send from
  // any thread. After the server goes away, Receive fails with kClosed.
  virtual protocol::Transport& transport() = 0;

  // transport().Send(request), with extra HTTP headers on an HTTP transport that posts each
  // message (Streamable HTTP); other transports send the message alone. Same threads and
  // failures as Send.
  virtual protocol::Status SendWithHeaders(const protocol::Message& request,
                                           const HeaderList& headers) {
    (void)headers;
    return transport().Send(request);
  }

  // Ends the connection for good: closes the transport (a blocked Receive returns kClosed at
  // once) and releases the server, waiting up to about grace for it to go politely. Idempotent;
  // one thread at a time, may run while another thread still reads or sends.
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;
};

// Opens a connection of config.type. Fails with kUnavailable (detail {"server": name}) when the
// server cannot be reached or started. Does not block on the server beyond starting it.
protocol::Result<std::unique_ptr<Connection>> OpenConnection(const ServerConfig& config);

// How an Upstream opens the connection for each attempt: OpenConnection, or for tests an
// in-memory one. Same contract as OpenConnection; called on the Upstream's lifecycle thread.
using ConnectionFactory =
    std::function<protocol::Result<std::unique_ptr<Connection>>(const ServerConfig& config)>;

}  // namespace mcpgw::upstream
