#pragma once

#include "proxy/app/gateway.h"
#include "proxy/http/message_queue.h"
#include "proxy/session/session.h"

#include <httplib.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace mcpgw::proxy {

// The 2024-11-05 HTTP+SSE transport for old clients: GET /sse opens a stream whose first event,
// "endpoint", names /messages?sessionId=ID; the client POSTs each message there (202) and every
// answer and notification comes back on the stream as a "message" event. A session lives as
// long as its stream, on this replica only. Handlers run on the HTTP connection threads.
class LegacySse {
 public:
  // Borrows the gateway and the tracker, which must outlive this object.
  LegacySse(Gateway& gateway, InFlightTracker& in_flight, std::chrono::milliseconds keepalive);

  // GET /sse: a new session and its stream, for the caller its key names (401 for a bad key).
  void Open(const httplib::Request& req, httplib::Response& res);
  // POST /messages?sessionId=ID: one message of that session; 401 for a bad key, 404 for an
  // unknown session or one opened by another principal.
  void Post(const httplib::Request& req, httplib::Response& res);
  // Ends every stream (shutdown). Any thread.
  void CloseAll();

 private:
  struct Connection {
    explicit Connection(Metrics& metrics) : counted(metrics, DownstreamTransport::kSse) {}
    const OpenSession counted;
    std::string principal;  // PrincipalName of the caller that opened it
    std::shared_ptr<MessageQueue> queue = std::make_shared<MessageQueue>();
    std::unique_ptr<Session> session;
  };
  std::shared_ptr<Connection> Find(const std::string& sid);
  void Forget(const std::string& sid);

  Gateway& gateway_;
  InFlightTracker& in_flight_;
  const std::chrono::milliseconds keepalive_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Connection>> connections_;  // guarded by mutex_
};

}  // namespace mcpgw::proxy
