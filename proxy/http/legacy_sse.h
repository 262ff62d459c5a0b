#pragma once

#include "policy/keys.h"
#include "proxy/http/message_queue.h"
#include "proxy/session/session.h"
#include "proxy/session/session_services.h"

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
  // Borrows everything; all must outlive this object. Its sessions use `services` (whose Metrics
  // also counts them open); every request is authenticated against `keys`; a POST body may nest
  // max_json_depth deep.
  LegacySse(const SessionServices& services, const std::vector<policy::KeyEntry>& keys,
            InFlightTracker& in_flight, std::chrono::milliseconds keepalive,
            std::size_t max_json_depth);

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

  const SessionServices& services_;
  const std::vector<policy::KeyEntry>& keys_;
  InFlightTracker& in_flight_;
  const std::chrono::milliseconds keepalive_;
  const std::size_t max_json_depth_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Connection>> connections_;  // guarded by mutex_
};

}  // namespace mcpgw::proxy
