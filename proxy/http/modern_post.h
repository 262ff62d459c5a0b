#pragma once

#include "policy/keys.h"
#include "protocol/json_rpc.h"
#include "proxy/http/message_queue.h"
#include "proxy/session/session_services.h"

#include <httplib.h>

#include <chrono>
#include <vector>

namespace mcpgw::proxy {

// The modern era on the Streamable HTTP endpoint (README "Protocol eras"): each POST carries one
// self-contained message, with no session. The headers must agree with the body
// (MCP-Protocol-Version with _meta's version, Mcp-Method with the method, Mcp-Name with the
// tool, prompt or resource named): else 400 with -32020; an unserved version gets 400 with
// -32022, a malformed _meta 400 with -32602, a method the gateway does not serve 404 with
// -32601. The request is served by a Session of its own that ends with it; its Mcp-Param-*
// headers travel on to HTTP upstreams. Any number of POSTs at once, on the HTTP threads.
class ModernPost {
 public:
  // Borrows everything; all must outlive it.
  ModernPost(const SessionServices& services, InFlightTracker& in_flight,
             const std::vector<policy::KeyEntry>& keys, std::chrono::milliseconds keepalive);

  // Whether a POST belongs to the modern era: its MCP-Protocol-Version names a modern revision,
  // or it has no Mcp-Session-Id and its message declares a version in _meta.
  static bool Claims(const httplib::Request& req, const protocol::Message& message);

  // Answers the request as application/json, or as text/event-stream when notifications for it
  // (progress, a subscription's news) come before the answer; closing that stream cancels the
  // request. A notification gets 202.
  void Post(const httplib::Request& req, protocol::Message message, httplib::Response& res);

 private:
  const SessionServices& services_;
  InFlightTracker& in_flight_;
  const std::vector<policy::KeyEntry>& keys_;
  const std::chrono::milliseconds keepalive_;
};

}  // namespace mcpgw::proxy
