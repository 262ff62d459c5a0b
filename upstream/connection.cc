#include "upstream/connection.h"

#include "upstream/auto_connection.h"
#include "upstream/stdio_connection.h"
#include "upstream/websocket_connection.h"

namespace mcpgw::upstream {

protocol::Result<std::unique_ptr<Connection>> OpenConnection(const ServerConfig& config) {
  switch (config.type) {
    case TransportType::kStdio:
      return StdioConnection::Open(config);
    case TransportType::kHttp: {
      if (config.sse_fallback) return AutoConnection::Open(config);
      auto http = HttpConnection::Open<StreamableHttpConnection>(config);
      if (!http.ok()) return http.status();
      return std::unique_ptr<Connection>(std::move(http).value());
    }
    case TransportType::kSse: {
      auto sse = HttpConnection::Open<LegacySseConnection>(config);
      if (!sse.ok()) return sse.status();
      return std::unique_ptr<Connection>(std::move(sse).value());
    }
    case TransportType::kWebSocket:
      return OpenWebSocketConnection(config);
  }
  return UpstreamUnavailable(config.name, "unknown transport type");
}

}  // namespace mcpgw::upstream
