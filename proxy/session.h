#pragma once

#include "protocol/json_rpc.h"
#include "proxy/gateway.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace mcpgw::proxy {

// Sends one message to this session's client. Must be safe to call from any thread.
using ClientSink = std::function<void(const protocol::Message&)>;

// One downstream client: the single dispatch point every downstream transport calls. Answers
// initialize, ping and the lists itself; routes everything else through the Catalog to an
// upstream, mapping the client's request ids and progress tokens to the upstream's and back.
class Session : public ClientNotifier {
 public:
  // Registers with the gateway for list_changed and log notifications until destroyed.
  Session(Gateway& gateway, ClientSink sink);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Handles one request. The answer (result or error) goes to the sink exactly once, possibly
  // later and on another thread, unless the client cancels the request first. Any thread;
  // concurrent calls are fine. May block while upstreams are still starting (list requests).
  void HandleRequest(protocol::Message request);

  // Handles one notification from the client (initialized, cancelled, ...). Never blocks.
  void HandleNotification(const protocol::Message& notification);

  // ClientNotifier: forwards gateway news once the client has sent initialize.
  void NotifyClient(const protocol::Message& notification) override;

 private:
  // A request forwarded upstream and not yet answered, keyed by the client's id.
  struct InFlight {
    upstream::Upstream* upstream = nullptr;
    upstream::CallId call_id = -1;  // -1 until Upstream::Call has returned
    bool cancel_requested = false;
  };
  using Reply = std::function<void(protocol::Result<protocol::Json>)>;

  void Dispatch(const protocol::Message& request, const Reply& reply);
  protocol::Json Initialize(const protocol::Json& params);
  // Which upstream serves a routed request, and the item's name there; kNotFound for a method
  // the gateway does not route.
  protocol::Result<Route> Resolve(const std::string& method, const protocol::Json& params) const;
  protocol::Result<Route> ResolveCompletionRef(const protocol::Json& params) const;
  static protocol::Json RewriteForUpstream(const std::string& method, protocol::Json params,
                                           const std::string& name);
  void Forward(const protocol::Message& request, const std::string& server, protocol::Json params);
  upstream::ProgressHandler ProgressRelay(const protocol::Json& params);
  void RecordCallId(const std::string& key, upstream::Upstream* upstream, upstream::CallId call_id);
  void SetLogLevel(const protocol::Json& params, const Reply& reply);
  void CancelRequest(const protocol::Json& params);
  void Answer(const protocol::Json& id, protocol::Result<protocol::Json> outcome);

  Gateway& gateway_;
  ClientSink sink_;
  std::mutex mutex_;
  bool initialized_ = false;                 // guarded by mutex_
  std::map<std::string, InFlight> in_flight_;  // key: the client's id as JSON text; guarded
};

}  // namespace mcpgw::proxy
