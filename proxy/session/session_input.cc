// A modern client's calls that may need input (README "Input required (modern clients)").
#include "proxy/session/bridged_call.h"
#include "proxy/session/session.h"

#include "protocol/json_field.h"

#include <nlohmann/json.hpp>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

namespace {

Status HeldCallGone() {
  return {StatusCode::kInvalidArgument,
          "Invalid params: requestState names a call this gateway no longer holds (answered, "
          "expired, or held by another replica): retry the original request without "
          "inputResponses and requestState"};
}

Json ProgressTokenOf(const Json& params) {
  const Json* meta = protocol::FindMember(params, "_meta");
  const Json* token = meta ? protocol::FindMember(*meta, "progressToken") : nullptr;
  return token ? *token : Json();
}

}  // namespace

void Session::ForwardModern(const Message& request, const Responder& responder,
                            const std::string& server, Json params) {
  const std::string digest = RequestStates::Digest(server, params);
  const Json* state = protocol::FindMember(params, "requestState");
  if (state == nullptr) return StartBridged(request, responder, server, std::move(params), digest);
  if (!state->is_string()) {
    return responder.Answer(
        Status(StatusCode::kInvalidArgument, "Invalid params: requestState must be a string"));
  }
  Result<RequestStateClaims> claims = services_.request_states.Open(
      state->get<std::string>(), access_.principal().name, request.method, digest);
  if (!claims.ok()) return responder.Answer(claims.status());
  if (!claims->held_call.empty()) return ResumeHeld(request, responder, claims->held_call, params);
  // A modern upstream's own state, unwrapped: the retry reaches it as if the client spoke to it.
  if (claims->upstream_state) {
    params["requestState"] = *claims->upstream_state;
  } else {
    params.erase("requestState");
  }
  StartBridged(request, responder, server, std::move(params), digest);
}

void Session::StartBridged(const Message& request, const Responder& responder,
                           const std::string& server, Json params, std::string digest) {
  upstream::UpstreamPtr upstream = UpstreamFor(server);
  if (upstream == nullptr) {
    return responder.Answer(Status(StatusCode::kUnavailable,
                                   "upstream '" + server + "' is disabled", {{"server", server}}));
  }
  const std::string key = request.id.dump();
  if (Status reserved = Reserve(key, upstream); !reserved.ok()) return responder.Answer(reserved);
  BridgedCall::Origin origin{access_.principal().name, server, request.method, std::move(digest),
                             responder.modern->client_capabilities};
  auto call = std::make_shared<BridgedCall>(std::move(origin), upstream,
                                            AttemptFor(key, responder, params),
                                            services_.held_calls, services_.request_states);
  ForwardedCall counted = services_.metrics.StartCall(server, request.method);
  upstream::CallId call_id = upstream->Call(
      request.method, std::move(params),
      [call, counted](Result<Json> outcome) {
        counted.Finish();
        call->Finish(std::move(outcome));
      },
      call->Hooks());
  call->Started(call_id);
  RecordCallId(key, *upstream, call_id);
}

void Session::ResumeHeld(const Message& request, const Responder& responder,
                         const std::string& held_id, const Json& params) {
  const std::string key = request.id.dump();
  if (Status reserved = Reserve(key, nullptr); !reserved.ok()) return responder.Answer(reserved);
  auto call = std::dynamic_pointer_cast<BridgedCall>(
      services_.held_calls.Take(held_id, access_.principal().name));
  if (call == nullptr) {
    Release(key);
    return responder.Answer(HeldCallGone());
  }
  {
    std::lock_guard lock(mutex_);
    in_flight_[key].upstream = call->upstream();
  }
  const Json* responses = protocol::FindMember(params, "inputResponses");
  call->Resume(responses ? *responses : Json::object(), AttemptFor(key, responder, params));
  RecordCallId(key, *call->upstream(), call->call_id());
}

BridgedCall::Attempt Session::AttemptFor(const std::string& key, const Responder& responder,
                                         const Json& params) {
  auto answer = [this, key, responder](Result<Json> outcome) {
    Release(key);
    // A cancelled request gets no answer (the client has stopped waiting for one).
    if (outcome.status().code() != StatusCode::kCancelled) responder.Answer(std::move(outcome));
  };
  return {std::move(answer), responder.sink, ProgressTokenOf(params)};
}

}  // namespace mcpgw::proxy
