#pragma once

#include "protocol/status.h"
#include "proxy/admin/api.h"
#include "proxy/app/gateway.h"
#include "proxy/http/checks.h"
#include "proxy/http/listener.h"
#include "proxy/http/routes.h"
#include "proxy/http/session_registry.h"
#include "proxy/http/legacy_sse.h"
#include "proxy/http/mcp_endpoint.h"
#include "proxy/http/message_queue.h"
#include "proxy/http/session_token.h"

#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>

namespace mcpgw::proxy {

// Serves MCP over HTTP (README "HTTP mode"): Streamable HTTP at /mcp, the legacy HTTP+SSE
// transport at /sse and /messages, /healthz, /readyz and /metrics; TLS when the config names a
// certificate and key. Every request first passes the framing checks and the Origin/Host
// allow-list; headers over gateway.http_max_header_bytes or http_max_headers get 431, bodies
// over gateway.max_message_bytes 413; every error body is a JSON-RPC error.
class HttpServer : private HttpApplication {
 public:
  // Borrows the gateway and the registry, which must outlive the server. The secret signs
  // session ids. Without a registry there is no admin API (/admin answers 404).
  HttpServer(Gateway& gateway, std::string session_secret, Registry* registry = nullptr);
  ~HttpServer() override;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds HOST:PORT (port 0 picks a free one), logs "listening on http(s)://HOST:PORT/mcp" and
  // serves until Stop(). Then drains: stops accepting, ends the GET streams, waits up to
  // gateway.drain_timeout for the calls in flight, stops the upstreams (failing the calls still
  // waiting) and returns Ok. Fails at once, with the reason, when the TLS files cannot be loaded
  // or the address cannot be bound. Call once, from one thread.
  protocol::Status Run(const std::string& listen);

  // Makes Run() drain and return. Async-signal-safe: a SIGTERM handler may call it.
  void Stop();

 private:
  // HttpApplication, on connection threads.
  bool Admit(httplib::Request& req, httplib::Response& res) override;
  void Handle(httplib::Request& req, httplib::Response& res) override;
  void Complete(const httplib::Request& req, httplib::Response& res) override;

  void Route();
  bool Guard(const httplib::Request& req, httplib::Response& res) const;
  void Ready(httplib::Response& res) const;
  void WaitAndDrain();

  Gateway& gateway_;
  const GatewaySettings& settings_;
  const SessionTokens tokens_;
  const OriginPolicy origins_;
  InFlightTracker in_flight_;
  HttpSessionRegistry sessions_;
  ModernPost modern_;
  McpEndpoint endpoint_;
  LegacySse legacy_;
  std::optional<AdminApi> admin_;  // set when there is a registry
  HttpRoutes routes_;              // filled by Run before serving; read-only after
  HttpListener listener_;
  int stop_pipe_[2] = {-1, -1};  // Stop() writes one byte; the drain thread reads it
  std::atomic<bool> draining_{false};
};

}  // namespace mcpgw::proxy
