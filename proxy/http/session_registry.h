#pragma once

#include "proxy/config/config.h"
#include "proxy/http/ended_sessions.h"
#include "proxy/http/event_stream.h"
#include "proxy/http/message_queue.h"
#include "proxy/http/session_token.h"
#include "proxy/session/session.h"
#include "proxy/session/session_services.h"

#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace mcpgw::proxy {

// One Streamable HTTP session as this replica knows it: the Session that dispatches its
// requests, its GET stream (server-initiated messages), the POSTs still waiting for their
// answer (so that notifications/cancelled can release them) and the streams a client may resume
// with Last-Event-ID: every GET stream and every POST answered as a stream, kept while they run
// and for kKeepFinished after they finished (at most kMaxFinished finished ones, oldest dropped
// first). Any thread.
class HttpSession {
 public:
  // Its Session uses `services` (whose Metrics also counts it open); its requests are decided
  // for `principal` (the one claims.principal names).
  HttpSession(const SessionServices& services, SessionClaims claims, policy::Principal principal);
  ~HttpSession();  // End()

  Session& session() { return session_; }
  const SessionClaims& claims() const { return claims_; }

  static constexpr std::chrono::seconds kKeepFinished{60};
  static constexpr std::size_t kMaxFinished = 8;

  // A stream and the reader attached to it for the caller (EventStream::Attach).
  struct Reader {
    std::shared_ptr<EventStream> stream;
    std::uint64_t reader = 0;
  };
  // A new GET stream, attached; its stream is null while the current one has a reader (one per
  // session). A current one without a reader (its client went) is finished and replaced.
  Reader OpenStream();
  // The GET stream's response has ended: detaches the reader. The stream keeps collecting
  // notifications (bounded) for a client that resumes it.
  void StreamEnded(const Reader& reader);
  void CloseStream();

  // The stream a POST of request `id` (its JSON text) waits on, attached, until Forget(id,
  // stream); its stream is null while another POST of this session waits for the same id
  // (nothing is changed then).
  Reader AddPending(const std::string& id);
  void Forget(const std::string& id, const std::shared_ptr<EventStream>& stream);
  // Releases the POST waiting for request `id`: the client has cancelled it.
  void CancelPending(const std::string& id);
  // Keeps a POST's stream for resumption (it is being answered as a stream).
  void KeepForResume(const std::shared_ptr<EventStream>& stream);

  // The stream a Last-Event-ID names, attached to a new reader, and the seq to read on after.
  // kForeign: not an event id of this session (malformed, or another session's); kUnknown: this
  // session's, but this replica does not hold the stream (never did, or dropped it).
  enum class Resume { kFound, kForeign, kUnknown };
  Resume ResumeStream(std::string_view last_event_id, Reader& reader, std::uint64_t& after);

  // Closes the GET stream, releases every waiting POST and cancels the session's calls
  // upstream. Idempotent.
  void End();

  // Sends a message to the client on the session's GET stream; dropped when none is open.
  void Notify(const protocol::Message& notification);

 private:
  std::shared_ptr<EventStream> NewStream(bool ends_with_response) const;
  void KeepLocked(const std::shared_ptr<EventStream>& stream);  // mutex_ held

  const SessionClaims claims_;
  const std::string tag_;  // SessionTag(claims_.sid)
  const OpenSession counted_;
  std::mutex mutex_;
  std::shared_ptr<EventStream> stream_;                           // guarded by mutex_
  std::map<std::string, std::shared_ptr<EventStream>> pending_;   // guarded by mutex_
  std::map<std::string, std::shared_ptr<EventStream>> resumable_;  // by key; guarded by mutex_
  Session session_;  // last: destroyed first, so it never notifies a dead stream
};

// The sessions this replica serves, keyed by sid. A session id is self-contained (signed
// claims), so a valid id this replica has not seen gets a fresh HttpSession: any replica can
// serve any request of a session. The gateway settings say how long a session id lives
// (session_lifetime), how many sessions this replica holds (max_sessions: past it, the least
// recently used session not in use, with no POST waiting and no GET stream, is dropped in O(1)
// and comes back on its next request) and when an unused one ends (session_idle_timeout). A
// session DELETEd here, or idle here, is ended: its id is refused here until its token expires
// (EndedSessions); another replica still accepts it. Any thread.
class HttpSessionRegistry {
 public:
  // The sessions use `services`; `settings` give the session lifetime, the most sessions and
  // the idle timeout. Borrows `services`, which must outlive the registry.
  HttpSessionRegistry(const SessionServices& services, const GatewaySettings& settings);

  // A new session with fresh claims (a random sid, issued now, expiring after the lifetime; no
  // version yet) acting for `principal`, whom the caller has authenticated.
  std::shared_ptr<HttpSession> Create(policy::Principal principal);
  // The session of verified claims, created here for `principal` when this replica has not
  // seen it; null when it was ended on this replica. The caller has checked that `principal`,
  // authenticated on this request, is the one claims.principal names.
  std::shared_ptr<HttpSession> Attach(const SessionClaims& claims, policy::Principal principal);
  // Counts the session as in use (a POST waiting, a GET stream open) until the returned token
  // is destroyed: meanwhile it is neither idle nor dropped for room, unless every session is.
  std::shared_ptr<void> Use(const std::shared_ptr<HttpSession>& session);
  // Ends the session for good on this replica; false when it had already ended.
  bool End(const SessionClaims& claims);
  // Closes every session's GET stream (shutdown); POSTs still get their answers.
  void CloseStreams();
  // Ends every session, releasing the POSTs still waiting (the end of a drain).
  void EndAll();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::shared_ptr<HttpSession> session;
    std::size_t uses = 0;                   // POSTs waiting and GET streams open
    std::list<std::string>::iterator idle;  // its place in idle_ while uses == 0
    Clock::time_point last_used;
  };
  using Ending = std::vector<std::shared_ptr<HttpSession>>;  // ended once mutex_ is released

  std::shared_ptr<HttpSession> Find(const SessionClaims& claims);
  std::shared_ptr<HttpSession> Insert(const SessionClaims& claims, policy::Principal principal,
                                      Ending& ending);
  void Release(const std::shared_ptr<HttpSession>& session);
  void DropIdle(Ending& ending);
  void Remove(const std::string& sid, Ending& ending);
  static void EndEach(const Ending& ending);

  const SessionServices& services_;
  const std::int64_t lifetime_seconds_;
  const std::size_t max_sessions_;
  const std::chrono::milliseconds idle_timeout_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> sessions_;  // guarded by mutex_
  std::list<std::string> idle_;  // sessions not in use, most recently used first; guarded
  EndedSessions ended_;          // guarded by mutex_
};

}  // namespace mcpgw::proxy
