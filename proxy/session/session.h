#pragma once

#include "protocol/json_rpc.h"
#include "proxy/access/access.h"
#include "proxy/observe/audit_log.h"
#include "proxy/routing/methods.h"
#include "proxy/session/bridged_call.h"
#include "proxy/session/cache_hints.h"
#include "proxy/session/client_requests.h"
#include "proxy/session/listen.h"
#include "proxy/session/modern_request.h"
#include "proxy/session/own_upstreams.h"
#include "proxy/session/session_services.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace mcpgw::proxy {

// Where the answer to one request goes: its id, and the sink that carries the answer and the
// notifications that belong to the request (progress). On stdio that is the one connection; on
// HTTP, the POST's own response.
struct Responder {
  protocol::Json id;
  ClientSink sink;
  std::shared_ptr<AuditEntry> audit;  // null when the request is not audited
  RequestCounter counter;             // counts the answer by method and outcome
  // Set for a request of the modern era (README "Protocol eras"); null for a legacy one.
  std::shared_ptr<const ModernRequest> modern;
  // The resource URI a modern request names: its "not found" error names it in data.uri.
  std::string resource_uri;
  // Sends the result, or the error ToRpcError makes of the status, under id. A modern request's
  // result is marked as such (MarkModernResult), and its "resource not found" error gets the
  // modern code.
  void Answer(protocol::Result<protocol::Json> outcome) const;
};

// One downstream client: the single dispatch point every downstream transport calls. Answers
// initialize, ping and the lists itself; routes everything else through the Catalog to an
// upstream, mapping the client's request ids and progress tokens to the upstream's and back.
class Session : public NotificationHub::Member {
 public:
  // Joins services.notifications until destroyed; what the hub decides this session gets goes
  // to notifications once the client has sent initialize. Every request is decided for
  // `principal` (already authenticated; empty: anonymous) under services.permissions.
  // Destroying it ends its subscriptions and log level (README "Notifications").
  Session(const SessionServices& services, ClientSink notifications, policy::Principal principal);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Handles one request. The answer (result or error) goes to reply_sink exactly once, possibly
  // later and on another thread, unless the client cancels the request first; progress for the
  // request goes there before it. Any thread; concurrent calls are fine. May block while
  // upstreams are still starting (list requests). A request whose params._meta declares a
  // protocol version is served in the modern era, whatever the session's own: its `_meta` says
  // all the gateway needs to know of its client (README "Protocol eras").
  void HandleRequest(protocol::Message request, ClientSink reply_sink);
  // The same for a modern request already read (ReadModernRequest), e.g. with the HTTP
  // request's forwarded headers.
  void HandleModernRequest(protocol::Message request, std::shared_ptr<const ModernRequest> modern,
                           ClientSink reply_sink);

  // Handles one notification from the client (initialized, cancelled, roots/list_changed, ...).
  // Never blocks.
  void HandleNotification(const protocol::Message& notification);

  // Handles the client's answer to a request the gateway relayed to it (README "Requests from
  // servers"): the server that asked gets it. An answer to nothing is logged and dropped.
  void HandleResponse(const protocol::Message& response);

  // Treats the client as initialized without an initialize request: for an HTTP session that
  // was initialized on another replica (its signed id says so). Any thread.
  void MarkInitialized();

  // Cancels every forwarded request still waiting for its upstream and ends every listen (the
  // client has gone); they get no answer. Any thread.
  void CancelAll(const std::string& reason);

  // Blocks until no forwarded request is waiting for its upstream, or until the deadline.
  // Returns whether it became idle. Any thread.
  bool WaitForIdle(std::chrono::steady_clock::time_point deadline);

  // The revision initialize negotiated; empty before initialize. Any thread.
  std::string negotiated_revision();

  // NotificationHub::Member
  const Access& access() const override { return access_; }
  // Forwards what the hub decided this session gets, once the client has sent initialize.
  void Deliver(const protocol::Message& notification) override;
  // Relays a server's request that is this session's (stdio mode) to the client; a client that
  // has not initialized (a modern one) takes none: the server gets -32601 at once.
  upstream::Withdraw Relay(const std::string& server, protocol::Message request,
                           upstream::ReplyHandler reply) override;
  bool TakeElicitation(const std::string& server, const std::string& id) override;

 private:
  // A request forwarded upstream and not yet answered, keyed by the client's id.
  struct InFlight {
    upstream::UpstreamPtr upstream;  // kept alive while the call waits, even once removed
    upstream::CallId call_id = -1;  // -1 until Upstream::Call has returned
    std::optional<std::string> cancel_reason{};  // set: cancel once Upstream::Call has returned
  };
  using Reply = std::function<void(protocol::Result<protocol::Json>)>;

  // Takes request.params over.
  void Dispatch(protocol::Message& request, const Responder& responder);
  // Resolves the item of a routed request, checks the caller's level, rate limits and a tool's
  // arguments, and sends the request on to the item's upstream.
  void RouteToUpstream(const RequestMethod& method, const protocol::Message& request,
                       protocol::Json params, const Responder& responder);
  // Answers a list from the Catalog: its shared text when the caller reads everything, else
  // the items the caller may read.
  void AnswerList(const ListMethod& list, const Responder& responder);
  protocol::Json Initialize(const protocol::Json& params);
  // server/discover: the revisions the gateway serves and the capabilities it routes.
  protocol::Json Discover() const;
  // Which upstream serves a routed request, and the item's name there (ResolveItem).
  protocol::Result<Route> Resolve(const RequestMethod& method, const protocol::Json& params) const;
  // An unknown tool or prompt whose name starts with a server (or alias) that is not ready, or
  // any unknown one while an unprefixed server is not ready (NameUnderServer), is that server's
  // outage (kUnavailable, -32001), not the caller's mistake; else `unknown`.
  // The outage is told only to a caller that may read that name there (else `unknown`).
  protocol::Status UnknownOrUnavailable(const protocol::Json& params,
                                        protocol::Status unknown) const;
  // Ok when `method` is not rate-limited, or the caller's rate limits (README "Rate limits")
  // allow the request, taking a token; else kRateLimited with detail {retry_after_ms}.
  protocol::Status RateLimit(const RequestMethod& method, const Route& route);
  // Tells `settled` (when set) whether the upstream accepted the request, before the answer.
  void Forward(const protocol::Message& request, const Responder& responder,
               const std::string& server, protocol::Json params,
               std::function<void(bool accepted)> settled = nullptr);
  // Marks the client's request `key` as waiting for `upstream` (null: not yet known);
  // kInvalidMessage when that id is already in use. Release ends it.
  protocol::Status Reserve(const std::string& key, upstream::UpstreamPtr upstream);
  void Release(const std::string& key);
  // A modern client's tools/call, prompts/get or resources/read (session_input.cc, README "Input
  // required (modern clients)"): a retry's requestState is opened and resumes the call it
  // names, or unwrapped for the modern upstream that issued it; anything else starts a call.
  void ForwardModern(const protocol::Message& request, const Responder& responder,
                     const std::string& server, protocol::Json params);
  void StartBridged(const protocol::Message& request, const Responder& responder,
                    const std::string& server, protocol::Json params, std::string digest);
  void ResumeHeld(const protocol::Message& request, const Responder& responder,
                  const std::string& held_id, const protocol::Json& params);
  // The client's request `key` as one attempt of a bridged call.
  BridgedCall::Attempt AttemptFor(const std::string& key, const Responder& responder,
                                  const protocol::Json& params);
  // resources/subscribe and resources/unsubscribe, counted per session by the hub: only the
  // first subscribe (until one succeeds) and the last unsubscribe reach the upstream.
  void Subscribe(const protocol::Message& request, const Responder& responder,
                 const std::string& server, protocol::Json params);
  void Unsubscribe(const protocol::Message& request, const Responder& responder,
                   const std::string& server, protocol::Json params);
  // What the upstream call brings back to the client: progress under the client's own token,
  // and the server's requests for the call, relayed on the call's own sink.
  upstream::CallHooks HooksFor(const std::string& server, const protocol::Json& params,
                               const Responder& responder);
  // Sends a server's request to the client through sink, unless the client did not declare the
  // capability it needs (then reply gets kNotFound at once).
  upstream::Withdraw RelayToClient(const std::string& server, protocol::Message request,
                                   upstream::ReplyHandler reply, const ClientSink& sink);
  // notifications/roots/list_changed goes to every upstream (each was told the client has roots).
  void TellRootsChanged();
  // The upstream that serves this session for `server`: the shared one, or for a server with
  // "isolation": "session" the session's own. Null when disabled or the session is ending.
  upstream::UpstreamPtr UpstreamFor(const std::string& server);
  // A notification from one of the session's own upstreams: log lines when the caller may read
  // that server, resource updates and elicitation completions; the rest is dropped.
  void FromOwnUpstream(const std::string& server, const protocol::Message& notification);
  void RecordCallId(const std::string& key, upstream::Upstream& upstream, upstream::CallId call_id);
  void SetLogLevel(const protocol::Json& params, const Reply& reply);
  // Tasks (session_tasks.cc, README "Tasks"). The caller as a task's owner:
  TaskRegistry::Owner TaskOwner() const;
  // The responder of a task-augmented request to `server`: a CreateTaskResult in its answer is
  // registered and the client gets the gateway's task id.
  Responder CreatingTask(const Responder& responder, const std::string& server) const;
  // tasks/get, tasks/result, tasks/cancel: to the upstream of the caller's task params.taskId.
  void RouteTask(const protocol::Message& request, protocol::Json params,
                 const Responder& responder);
  // tasks/list: the caller's tasks, as each upstream holding some lists them.
  void ListTasks(const Responder& responder);
  void CancelRequest(const protocol::Json& params);
  // Caching hints (session_caching.cc, README "Caching"): a modern client's cacheable result
  // gets `hints`; a legacy one's is left as it is.
  static protocol::Json WithHints(protocol::Json result, const CacheHints& hints,
                                  const Responder& responder);
  // The responder of a modern client's resources/read: its complete result gets the upstream's
  // hints as ReadHints makes them, or those of a retry (`retry`: the request carried
  // inputResponses or requestState).
  Responder HintingReads(const Responder& responder, bool retry) const;
  // subscriptions/listen (session_listen.cc, README "Notifications"): acknowledges what the
  // gateway honours, subscribes upstream to the URIs the caller may subscribe to, and keeps the
  // stream until the client cancels it, the session ends or the gateway shuts down.
  void OpenListen(const protocol::Json& params, const Responder& responder);
  // The routes of the URIs the caller may subscribe to (resources/subscribe's check and rate
  // limit); `uris` keeps just those.
  std::vector<Route> ListenableUris(std::vector<std::string>& uris);
  // Counted by the hub like a session's subscribe: only the first subscriber reaches upstream.
  void SubscribeForListen(Listen& listen, const Route& route);
  // Ends the listen of the client's id `key` (JSON text), without an answer; false when there
  // is none.
  bool EndListen(const std::string& key);

  const SessionServices services_;
  ClientSink notifications_;
  const Access access_;
  std::mutex mutex_;
  // The open listens by the client's id as JSON text; each borrows access_. Guarded by mutex_.
  std::map<std::string, std::shared_ptr<Listen>> listens_;
  std::condition_variable idle_;             // notified when in_flight_ shrinks
  bool initialized_ = false;                 // guarded by mutex_
  std::string revision_;                     // negotiated by initialize; guarded by mutex_
  // What the client declared in initialize; null when unknown (a session initialized on
  // another replica): then every request is relayed and the client answers for itself.
  protocol::Json client_capabilities_;       // guarded by mutex_
  // URL-mode elicitations relayed and not completed: (server, elicitationId). Guarded by mutex_.
  std::set<std::pair<std::string, std::string>> open_elicitations_;
  const std::shared_ptr<ClientRequests> client_requests_ = std::make_shared<ClientRequests>();
  // Last: its connections call back into the members above until it has stopped them.
  OwnUpstreams own_upstreams_;
  std::map<std::string, InFlight> in_flight_;  // key: the client's id as JSON text; guarded
};

}  // namespace mcpgw::proxy
