#pragma once

#include "upstream/connection.h"
#include "upstream/modern_envelope.h"
#include "upstream/pending_calls.h"
#include "upstream/upstream.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mcpgw::upstream {

// JSON-RPC requests to one upstream server over whichever Connection is attached at the moment:
// every request gets a fresh integer id of its own, replies are matched by id, each call has a
// deadline (one timer thread), and progress is routed by a token of its own.
class RpcClient {
 public:
  using NotificationHandler = std::function<void(protocol::Message notification)>;

  // on_notification gets every notification except notifications/progress, on the reader
  // thread; it must not call ReadUntilClosed or the destructor. on_request relays the server's
  // requests that no waiting call claims (CallHooks), on the reader thread.
  RpcClient(std::string server, std::chrono::milliseconds timeout,
            NotificationHandler on_notification, RequestRelay on_request);
  ~RpcClient();  // Shutdown()
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // From now on calls go to connection and are accepted. Any thread.
  void Attach(std::shared_ptr<Connection> connection);

  // Stops sending to the attached connection and fails every waiting call with why; calls are
  // refused until the next Attach. Any thread; idempotent.
  void Detach(const protocol::Status& why);

  // Reads connection until it closes. Replies complete their calls; notifications/progress goes
  // to the handler of the call that owns the token; the server's ping is answered with {}; any
  // other request of the server goes to the relay of the call it belongs to (CallHooks), else to
  // on_request, and the answer goes back under the server's id; notifications/cancelled for such
  // a request withdraws it; other notifications go to on_notification.
  // A frame that cannot be read (see ParseMessage; kTooLarge) carrying the id of a waiting call
  // fails that call at once with kUnavailable and the reason. An exception out of a handler is
  // logged and costs that message only. When the stream ends and connection is still attached,
  // Detach with kUnavailable "exited".
  // Runs on the connection's one reader thread.
  void ReadUntilClosed(Connection& connection);

  // Sends a request and returns its id (also its progress token). on_reply is called exactly
  // once: with the result; kRemote with the error object as detail(); kUnavailable when nothing
  // is attached, the reply cannot be read, or the connection ends first (possibly on the calling
  // thread, before Call returns); kTimeout after the timeout (the server then gets
  // notifications/cancelled); kCancelled after Cancel. Any thread.
  CallId Call(std::string method, protocol::Json params, ReplyHandler on_reply,
              CallHooks hooks = {});

  // Call with a timeout of its own (a subscriptions/listen stream: one that never comes), and
  // with id when the caller must know it before the reply (one from NextId(); 0: a fresh one).
  CallId CallWithin(std::chrono::milliseconds timeout, std::string method, protocol::Json params,
                    ReplyHandler on_reply, CallHooks hooks = {}, CallId id = 0);

  // From now on every request carries envelope's _meta (a modern server); null: none (legacy).
  // Any thread.
  void SetEnvelope(std::shared_ptr<const ModernEnvelope> envelope);

  // Call with its own timeout, blocking until the reply. Never on the reader thread.
  protocol::Result<protocol::Json> CallAndWait(std::string method, protocol::Json params,
                                               std::chrono::milliseconds timeout);

  // Ends a waiting call with kCancelled and tells the server (notifications/cancelled with the
  // id and reason). No effect on a finished call. Any thread.
  void Cancel(CallId id, std::string reason);

  // Sends a notification; kUnavailable when nothing is attached, kClosed when sending fails.
  protocol::Status Notify(std::string method, protocol::Json params);

  // A fresh id that no call uses, for callers that fail a call before it is sent.
  CallId NextId() { return pending_.NextId(); }

  // Ends the timer thread; calls still waiting never time out afterwards. Idempotent.
  void Shutdown();

 private:
  std::shared_ptr<Connection> Attached() const;
  std::shared_ptr<const ModernEnvelope> Envelope() const;
  protocol::Status Send(const protocol::Message& message, const HeaderList& headers = {});
  void Dispatch(Connection& connection, protocol::Message message);
  void Complete(protocol::Message reply);
  void FailUnreadable(const protocol::Status& why);
  void Reply(PendingCall& call, protocol::Result<protocol::Json> outcome);
  void Answer(Connection& connection, protocol::Message request);
  // The relay of the call the request belongs to, else on_request_.
  RequestRelay RelayOf(const protocol::Message& request) const;
  // Withdraws a relayed request the server cancelled; false when it is none of those.
  bool WithdrawRelayed(const protocol::Json& params);
  void DeliverProgress(const protocol::Json& params);
  void RunTimer();
  void FailAll(const protocol::Status& why);
  protocol::Status Unavailable(const std::string& what) const;

  const std::string server_;
  const std::chrono::milliseconds timeout_;
  NotificationHandler on_notification_;
  RequestRelay on_request_;
  PendingCalls pending_;
  // The server's requests relayed and not yet answered, by the server's id as JSON text. Shared
  // with the answers, which may come after this client is gone.
  struct Relayed {
    std::mutex mutex;
    std::map<std::string, Withdraw> withdraws;  // guarded by mutex
  };
  std::shared_ptr<Relayed> relayed_ = std::make_shared<Relayed>();
  mutable std::mutex mutex_;  // guards connection_ and envelope_
  std::shared_ptr<Connection> connection_;
  std::shared_ptr<const ModernEnvelope> envelope_;
  std::once_flag shutdown_once_;
  std::thread timer_;
};

}  // namespace mcpgw::upstream
