#pragma once

#include "policy/permissions.h"
#include "protocol/line_transport.h"
#include "proxy/config/config.h"
#include "proxy/session/session.h"
#include "proxy/session/session_services.h"
#include "upstream/upstream_set.h"

#include <functional>

namespace mcpgw::proxy {

class WorkerPool;
class OpenBatches;

// Serves one MCP client over a pair of file descriptors (stdin/stdout when Claude Desktop
// launches the gateway). Reads on the calling thread, handles requests on a worker pool so a
// slow one never delays the others, and writes each message whole under a lock. A client on
// 2025-03-26 may send JSON-RPC batches (README "Batches").
class StdioServer {
 public:
  // Starts the upstreams once the client has said what it supports (its initialize's
  // capabilities, or a modern first request's _meta clientCapabilities; {} when its first
  // message is something else), so that each server is told exactly the capabilities of the one
  // client behind the gateway.
  using StartUpstreams = std::function<void(const protocol::Json& client_capabilities)>;

  // Its one Session uses `services`; `upstreams` are stopped when serving ends; `settings` give
  // the message limits, the workers and the drain timeout. Borrows all three, which must outlive
  // it. Every request is decided for `principal` (authenticated by the caller; empty: anonymous).
  // `start` is called once, before the first message is handled.
  StdioServer(const GatewaySettings& settings, const SessionServices& services,
              upstream::UpstreamSet& upstreams, int in_fd, int out_fd, policy::Principal principal,
              StartUpstreams start);

  // Serves until end of input or Stop(); then answers the requests already read (waiting up to
  // gateway.drain_timeout for their upstreams), stops the upstreams (SIGTERM, then SIGKILL after
  // the grace period) and returns. Unreadable lines are answered and skipped.
  void Run();

  // Makes Run() finish as if input had ended. Async-signal-safe, so a SIGTERM handler may call it.
  void Stop() { transport_.StopReceiving(); }

 private:
  // What one Run() serves with.
  struct Serving {
    Session& session;
    WorkerPool& workers;
    OpenBatches& batches;
    const ClientSink& to_client;
  };
  // Calls start_upstreams_ with the client's capabilities when frame is its initialize.
  void StartUpstreamsFor(const protocol::Frame& frame);
  void ReplyUnreadable(const protocol::Status& status);
  // One message from the client; a request's answer goes to reply_sink.
  void Handle(Serving& serving, protocol::Message message, ClientSink reply_sink);
  // A batch: from a client on 2025-03-26, each entry is handled as if it came alone and the
  // answers go back as one array (BatchReply); from any other, one -32600 for the whole line.
  void ServeBatch(Serving& serving, protocol::Frame& frame);

  const GatewaySettings& settings_;
  const SessionServices& services_;
  upstream::UpstreamSet& upstreams_;
  const policy::Principal principal_;
  StartUpstreams start_upstreams_;  // emptied once called
  protocol::LineTransport transport_;
};

}  // namespace mcpgw::proxy
