#pragma once

#include "proxy/message_queue.h"
#include "proxy/session.h"
#include "proxy/session_token.h"

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace mcpgw::proxy {

// One Streamable HTTP session as this replica knows it: the Session that dispatches its
// requests, its GET stream (server-initiated messages) and the POSTs still waiting for their
// answer (so that notifications/cancelled can release them). Any thread.
class HttpSession {
 public:
  // Its requests are decided for `principal` (the one claims.principal names).
  HttpSession(Gateway& gateway, SessionClaims claims, policy::Principal principal);
  ~HttpSession();  // End()

  Session& session() { return session_; }
  const SessionClaims& claims() const { return claims_; }

  // The queue of a new GET stream; null while another one is open (one per session).
  std::shared_ptr<MessageQueue> OpenStream();
  // Forgets the GET stream once its response has ended.
  void StreamEnded(const std::shared_ptr<MessageQueue>& stream);
  bool has_stream();
  void CloseStream();

  // The queue a POST of request `id` (its JSON text) waits on, until Forget(id).
  std::shared_ptr<MessageQueue> AddPending(const std::string& id);
  void Forget(const std::string& id);
  // Releases the POST waiting for request `id`: the client has cancelled it.
  void CancelPending(const std::string& id);

  // Closes the GET stream and releases every waiting POST. Idempotent.
  void End();

  std::chrono::steady_clock::time_point last_used();
  void Touch();

 private:
  void Notify(const protocol::Message& notification);

  const SessionClaims claims_;
  const OpenSession counted_;
  std::mutex mutex_;
  std::shared_ptr<MessageQueue> stream_;                          // guarded by mutex_
  std::map<std::string, std::shared_ptr<MessageQueue>> pending_;  // guarded by mutex_
  std::chrono::steady_clock::time_point last_used_;               // guarded by mutex_
  Session session_;  // last: destroyed first, so it never notifies a dead stream
};

// The sessions this replica serves, keyed by sid. A session id is self-contained (signed
// claims), so a valid id this replica has not seen gets a fresh HttpSession: any replica can
// serve any request of a session. At most max_sessions are kept; the least recently used one
// without a GET stream goes first, and comes back on its next request. Ended (DELETEd) sids are
// remembered here only: another replica still accepts them. Any thread.
class HttpSessionRegistry {
 public:
  HttpSessionRegistry(Gateway& gateway, std::size_t max_sessions = 10000);

  // A new session for freshly issued claims, acting for `principal` (whom claims.principal
  // names; the caller has authenticated it).
  std::shared_ptr<HttpSession> Create(const SessionClaims& claims, policy::Principal principal);
  // The session of verified claims, created here for `principal` when this replica has not
  // seen it; null when it was ended on this replica. The caller has checked that `principal`,
  // authenticated on this request, is the one claims.principal names.
  std::shared_ptr<HttpSession> Attach(const SessionClaims& claims, policy::Principal principal);
  // Ends the session for good on this replica; false when it had already ended.
  bool End(const SessionClaims& claims);
  // Closes every session's GET stream (shutdown); POSTs still get their answers.
  void CloseStreams();

 private:
  std::shared_ptr<HttpSession> Insert(const SessionClaims& claims,
                                      policy::Principal principal);  // mutex_ held
  void EvictOne();                                                   // mutex_ held

  Gateway& gateway_;
  const std::size_t max_sessions_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<HttpSession>> sessions_;  // guarded by mutex_
  std::set<std::string> ended_;                                   // guarded by mutex_
  std::deque<std::string> ended_order_;  // oldest first, to bound ended_; guarded by mutex_
};

}  // namespace mcpgw::proxy
