#pragma once

#include "upstream/connection.h"

#include <memory>

namespace mcpgw::upstream {

// An upstream over WebSocket (`type: "websocket"`, a ws:// or wss:// url): one JSON-RPC message
// per text frame. The upgrade request carries the configured static headers and the auth header
// (credentials.h); wss honours tls_verify and ca_file. The connection pings the server after
// 20 s without traffic and gives up after 40 s; a frame over max_message_bytes, a dropped socket
// or a close frame ends the connection (Receive fails with kClosed; the Upstream reconnects).
// Beast and Asio live only in websocket_connection.cc, behind this factory.
//
// Opens the connection: resolving, connecting and both handshakes run on the connection's own
// I/O thread, so this returns at once and the first Send waits for them. Fails with kUnavailable
// (detail {"server": name}) for a url that is not ws(s)://host[:port][/path] or a ca_file that
// cannot be read. The returned Connection's Send writes one text frame and waits (up to the
// server's timeout, at least 30 s) until it is written; Send and Receive follow
// protocol::Transport, Shutdown sends a close frame and waits up to grace for the server.
protocol::Result<std::unique_ptr<Connection>> OpenWebSocketConnection(const ServerConfig& config);

}  // namespace mcpgw::upstream
