#pragma once

#include "proxy/config/access.h"
#include "proxy/http/session_registry.h"
#include "proxy/http/message_queue.h"
#include "proxy/http/modern_post.h"
#include "proxy/http/session_token.h"

#include <httplib.h>

#include <chrono>

namespace mcpgw::proxy {

// The Streamable HTTP endpoint (/mcp): POST carries one JSON-RPC message (or, on 2025-03-26, a
// batch), GET opens the
// session's stream for server-initiated messages, DELETE ends the session. Checks Accept,
// Content-Type, MCP-Protocol-Version and Mcp-Session-Id; Origin and Host are checked before
// routing (HttpServer). Handlers run on the HTTP connection threads, any number at once.
class McpEndpoint {
 public:
  // Borrows everything; all must outlive the endpoint. Every request is authenticated against
  // `keys` (AuthenticateRequest) before anything else is read from it.
  McpEndpoint(HttpSessionRegistry& sessions, ModernPost& modern, const SessionTokens& tokens,
              InFlightTracker& in_flight, const std::vector<policy::KeyEntry>& keys,
              std::chrono::milliseconds keepalive, std::size_t max_json_depth);

  // Answers a request as application/json, or as text/event-stream when notifications for it
  // (progress, logging) come before the answer; a notification or response gets 202. initialize
  // issues a new session id in Mcp-Session-Id. A POST of the modern era goes to ModernPost.
  void Post(const httplib::Request& req, httplib::Response& res);
  // A modern MCP-Protocol-Version gets 405 here and on DELETE (no session stream in that era).
  // Opens the session's stream (409 when it already has one). With Last-Event-ID: resumes the
  // stream (a POST's or the GET stream) it names after that event, replaying what is buffered;
  // 404 when the id is not one of this session's; the GET stream as without it when this replica
  // does not hold that stream.
  void Get(const httplib::Request& req, httplib::Response& res);
  // Ends the session on this replica; later requests with its id get 404 here.
  void Delete(const httplib::Request& req, httplib::Response& res);

 private:
  // The session of the request's Mcp-Session-Id, when it belongs to the request's caller;
  // else the refusal was sent (401 for a bad key, 404 for an unknown session or one issued to
  // another principal) and null returned.
  std::shared_ptr<HttpSession> FindSession(const httplib::Request& req, httplib::Response& res);
  // A notification from the client; notifications/cancelled also releases the request's POST.
  void Notify(HttpSession& session, const protocol::Message& notification);
  void Initialize(protocol::Message request, policy::Principal principal,
                  httplib::Response& res);
  void Answer(const std::shared_ptr<HttpSession>& session, protocol::Message request,
              const std::string& version, httplib::Response& res);
  std::string Version(const httplib::Request& req) const;
  // A POST holding a batch (batch_post.cc, README "Batches"): for a session on 2025-03-26,
  // each entry is handled as if it came alone; the answers go back as one JSON array, or as an
  // SSE stream when notifications for the requests came first; only notifications and
  // responses: 202. Any other session gets 400 with one -32600.
  void PostBatch(const httplib::Request& req, protocol::Frame frame, httplib::Response& res);

  HttpSessionRegistry& sessions_;
  ModernPost& modern_;
  const SessionTokens& tokens_;
  InFlightTracker& in_flight_;
  const std::vector<policy::KeyEntry>& keys_;
  const std::chrono::milliseconds keepalive_;
  const std::size_t max_json_depth_;  // gateway.max_json_depth, for POST bodies
};

}  // namespace mcpgw::proxy
