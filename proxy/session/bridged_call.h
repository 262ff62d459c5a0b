#pragma once

#include "protocol/json_rpc.h"
#include "proxy/session/client_requests.h"
#include "proxy/session/held_calls.h"
#include "proxy/session/request_state.h"
#include "upstream/upstream.h"
#include "upstream/upstream_set.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// One modern client's tools/call, prompts/get or resources/read forwarded to an upstream (README
// "Input required"). A modern client takes no requests from servers, so a request the server
// sends for the call (sampling, elicitation, roots) answers the client's request with
// input_required instead, and the upstream call is held (HeldCalls) until the client retries
// with its responses; a modern upstream's own input_required passes through with its state
// wrapped in the gateway's sealed one. Held by shared_ptr: the upstream call, the timer and
// HeldCalls keep it alive. Any thread.
class BridgedCall : public HeldCall, public std::enable_shared_from_this<BridgedCall> {
 public:
  // Who asked what; fixed for the call's life.
  struct Origin {
    std::string principal;
    std::string server;
    std::string method;
    std::string params_digest;           // RequestStates::Digest of the request
    protocol::Json client_capabilities;  // what the client declared in its _meta
  };
  // The client request waiting for the call's next event: the first one, or a retry.
  struct Attempt {
    std::function<void(protocol::Result<protocol::Json>)> answer;  // called once
    ClientSink sink;                // where progress for it goes
    protocol::Json progress_token;  // its own token; null: it wants no progress
  };

  // The call goes to `upstream`. `held` and `states` must outlive it (the Gateway owns them).
  BridgedCall(Origin origin, upstream::UpstreamPtr upstream, Attempt first, HeldCalls& held,
              const RequestStates& states);

  // The hooks of the upstream call: the server's requests for it and its progress come here.
  upstream::CallHooks Hooks();
  // Records the upstream call's id, which Expire cancels.
  void Started(upstream::CallId id);
  const upstream::UpstreamPtr& upstream() const { return upstream_; }
  upstream::CallId call_id();  // -1 until Started

  // The upstream's answer. Goes to the waiting attempt (an input_required of a modern upstream
  // with its state wrapped); while the call is held, it is kept for the retry.
  void Finish(protocol::Result<protocol::Json> outcome);

  // A retry whose state named this call (taken from HeldCalls): each server request the client
  // was asked gets the client's response under its key, or an error when the key is missing;
  // `attempt` gets what the call does next.
  void Resume(const protocol::Json& input_responses, Attempt attempt);

  // HeldCall: the server's requests get an error and the upstream call is cancelled.
  void Expire() override;

 private:
  // A request of the server's for this call, not yet answered.
  struct ServerRequest {
    protocol::Message request;
    upstream::ReplyHandler reply;
  };

  upstream::Withdraw OnServerRequest(protocol::Message request, upstream::ReplyHandler reply);
  void OnProgress(protocol::Json progress);
  void Withdrawn(const std::string& key);
  // Answers the waiting attempt with input_required for the requests gathered, holding the call.
  void Flush();
  void ScheduleFlushLocked();
  // The answer an attempt gets for the upstream's outcome: a modern upstream's input_required
  // with its state sealed in the gateway's, or -32021 when it asks what the client lacks.
  protocol::Result<protocol::Json> Wrapped(protocol::Result<protocol::Json> outcome) const;
  protocol::Status LackedCapabilities(const protocol::Json& input_required) const;

  const Origin origin_;
  HeldCalls& held_;
  const RequestStates& states_;
  const upstream::UpstreamPtr upstream_;
  std::mutex mutex_;
  upstream::CallId call_id_ = -1;   // guarded by mutex_
  std::optional<Attempt> attempt_;  // empty while held; guarded by mutex_
  // By key: requests not yet shown to the client, and those in the last input_required.
  std::map<std::string, ServerRequest> gathering_, asked_;  // guarded by mutex_
  std::optional<protocol::Result<protocol::Json>> outcome_;  // came while held; guarded
  bool flush_scheduled_ = false;  // guarded by mutex_
  bool expired_ = false;          // guarded by mutex_
  int last_key_ = 0;              // guarded by mutex_
};

}  // namespace mcpgw::proxy
