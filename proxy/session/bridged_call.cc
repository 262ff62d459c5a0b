#include "proxy/session/bridged_call.h"

#include "protocol/era.h"
#include "protocol/json_field.h"
#include "protocol/log.h"
#include "proxy/session/modern_request.h"

#include <nlohmann/json.hpp>

#include <utility>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

namespace {

// How long the server's requests are gathered before the client is asked: requests a server
// sends together reach the client as one input_required.
constexpr std::chrono::milliseconds kGatherFor{10};

// The client capability a server's request needs, which is also its key's stem; empty for a
// request a modern client cannot be asked at all.
std::string CapabilityOf(const std::string& method) {
  if (method == "sampling/createMessage") return "sampling";
  if (method == "elicitation/create") return "elicitation";
  if (method == "roots/list") return "roots";
  return "";
}

Status NotAskable(const std::string& method, const std::string& why) {
  return {StatusCode::kNotFound, "Method not found: " + method + " (" + why + ")"};
}

}  // namespace

BridgedCall::BridgedCall(Origin origin, upstream::UpstreamPtr upstream, Attempt first,
                         HeldCalls& held, const RequestStates& states)
    : origin_(std::move(origin)),
      held_(held),
      states_(states),
      upstream_(std::move(upstream)),
      attempt_(std::move(first)) {}

upstream::CallHooks BridgedCall::Hooks() {
  upstream::CallHooks hooks;
  // Each bridged call is its own owner: a request on no call's stream is this call's only
  // while no other call with a relay waits on that connection.
  hooks.owner = this;
  hooks.on_request = [self = shared_from_this()](Message request, upstream::ReplyHandler reply) {
    return self->OnServerRequest(std::move(request), std::move(reply));
  };
  std::weak_ptr<BridgedCall> weak = weak_from_this();
  hooks.on_progress = [weak](Json progress) {
    if (auto self = weak.lock()) self->OnProgress(std::move(progress));
  };
  hooks.client_takes_input_required = true;
  hooks.client_capabilities = origin_.client_capabilities;
  std::lock_guard lock(mutex_);
  if (attempt_) hooks.progress_token = attempt_->progress_token;
  return hooks;
}

void BridgedCall::Started(upstream::CallId id) {
  std::lock_guard lock(mutex_);
  call_id_ = id;
}

upstream::CallId BridgedCall::call_id() {
  std::lock_guard lock(mutex_);
  return call_id_;
}

upstream::Withdraw BridgedCall::OnServerRequest(Message request, upstream::ReplyHandler reply) {
  const std::string capability = CapabilityOf(request.method);
  const Json& declared = origin_.client_capabilities;
  if (capability.empty() || !declared.is_object() || !declared.contains(capability)) {
    const std::string why = capability.empty() ? "not an input request a client answers"
                                               : "the client has no " + capability + " capability";
    log::Info("[{}] refused {}: {}", origin_.server, request.method, why);
    reply(NotAskable(request.method, why));
    return nullptr;
  }
  std::string key;
  {
    std::lock_guard lock(mutex_);
    if (!expired_) {
      key = capability + "-" + std::to_string(++last_key_);
      gathering_.emplace(key, ServerRequest{std::move(request), std::move(reply)});
      if (attempt_) ScheduleFlushLocked();
    }
  }
  if (key.empty()) {
    reply(Status(StatusCode::kUnavailable, "the client did not come back for this call"));
    return nullptr;
  }
  return [weak = weak_from_this(), key](const std::string&) {
    if (auto self = weak.lock()) self->Withdrawn(key);
  };
}

void BridgedCall::Withdrawn(const std::string& key) {
  std::lock_guard lock(mutex_);
  gathering_.erase(key);
  asked_.erase(key);
}

void BridgedCall::OnProgress(Json progress) {
  ClientSink sink;
  Json token;
  {
    std::lock_guard lock(mutex_);
    if (!attempt_ || attempt_->progress_token.is_null()) return;
    sink = attempt_->sink;
    token = attempt_->progress_token;
  }
  progress["progressToken"] = std::move(token);
  sink(protocol::MakeNotification("notifications/progress", std::move(progress)));
}

void BridgedCall::ScheduleFlushLocked() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  held_.timer().After(kGatherFor, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->Flush();
  });
}

void BridgedCall::Flush() {
  std::optional<Attempt> attempt;
  std::map<std::string, ServerRequest> refused;
  Status refusal;
  Json input_required;
  {
    std::lock_guard lock(mutex_);
    flush_scheduled_ = false;
    if (!attempt_ || gathering_.empty()) return;
    Result<std::string> id = held_.Hold(origin_.principal, shared_from_this());
    if (!id.ok()) {
      // Never wait for room: the server hears no at once, the client waits for the result.
      refused.swap(gathering_);
      refusal = id.status();
    } else {
      Json requests = Json::object();
      for (auto& [key, asked] : gathering_) {
        requests[key] = {{"method", asked.request.method}, {"params", asked.request.params}};
        asked_.insert_or_assign(key, std::move(asked));
      }
      gathering_.clear();
      const RequestStateClaims claims{.principal = origin_.principal,
                                      .method = origin_.method,
                                      .params_digest = origin_.params_digest,
                                      .expires_at = RequestStates::ExpiresIn(held_.limits().hold),
                                      .held_call = *id};
      input_required = {{"resultType", "input_required"},
                        {"inputRequests", std::move(requests)},
                        {"requestState", states_.Seal(claims)}};
      attempt.swap(attempt_);
    }
  }
  for (auto& [key, asked] : refused) {
    log::Warn("[{}] refused {}: {}", origin_.server, asked.request.method, refusal.message());
    asked.reply(refusal);
  }
  if (attempt) attempt->answer(std::move(input_required));
}

void BridgedCall::Finish(Result<Json> outcome) {
  std::optional<Attempt> attempt;
  std::map<std::string, ServerRequest> unanswered;
  {
    std::lock_guard lock(mutex_);
    if (!attempt_) {
      if (!expired_) outcome_ = std::move(outcome);  // the retry gets it
      return;
    }
    attempt.swap(attempt_);
    unanswered.swap(gathering_);
  }
  for (auto& [key, asked] : unanswered) {
    asked.reply(Status(StatusCode::kUnavailable, "the call this request belongs to has ended"));
  }
  attempt->answer(Wrapped(std::move(outcome)));
}

Result<Json> BridgedCall::Wrapped(Result<Json> outcome) const {
  if (!outcome.ok() || protocol::StringOr(*outcome, "resultType") != "input_required") {
    return outcome;
  }
  Json& result = *outcome;
  if (Status lacking = LackedCapabilities(result); !lacking.ok()) return lacking;
  RequestStateClaims claims{.principal = origin_.principal,
                            .method = origin_.method,
                            .params_digest = origin_.params_digest,
                            .expires_at = RequestStates::ExpiresIn(held_.limits().hold),
                            .server = origin_.server};
  if (const Json* state = protocol::FindMember(result, "requestState"); state && state->is_string()) {
    claims.upstream_state = state->get<std::string>();
  }
  result["requestState"] = states_.Seal(claims);
  return outcome;
}

// A modern upstream asks what the client offers only: anything else is the client's -32021.
Status BridgedCall::LackedCapabilities(const Json& input_required) const {
  const Json* requests = protocol::FindMember(input_required, "inputRequests");
  if (requests == nullptr || !requests->is_object()) return Status::Ok();
  const Json& declared = origin_.client_capabilities;
  Json missing = Json::object();
  for (const auto& [key, request] : requests->items()) {
    const std::string capability = CapabilityOf(protocol::StringOr(request, "method"));
    if (capability.empty() || !declared.is_object() || !declared.contains(capability)) {
      missing[capability.empty() ? protocol::StringOr(request, "method") : capability] =
          Json::object();
    }
  }
  if (missing.empty()) return Status::Ok();
  log::Info("[{}] {} needs client capabilities the client lacks: {}", origin_.server,
            origin_.method, missing.dump());
  return ModernError(protocol::kMissingRequiredClientCapability,
                     "Missing required client capability", {{"requiredCapabilities", missing}});
}

void BridgedCall::Resume(const Json& input_responses, Attempt attempt) {
  std::map<std::string, ServerRequest> asked, unanswered;
  std::optional<Result<Json>> outcome;
  {
    std::lock_guard lock(mutex_);
    asked.swap(asked_);
    outcome.swap(outcome_);
    if (outcome) {
      unanswered.swap(gathering_);  // the call has ended: nobody waits for these
    } else {
      attempt_ = std::move(attempt);
      if (!gathering_.empty()) ScheduleFlushLocked();
    }
  }
  for (auto& [key, request] : unanswered) {
    request.reply(Status(StatusCode::kUnavailable, "the call this request belongs to has ended"));
  }
  for (auto& [key, request] : asked) {
    const Json* response =
        input_responses.is_object() ? protocol::FindMember(input_responses, key) : nullptr;
    if (response != nullptr && response->is_object()) {
      request.reply(*response);
    } else {
      request.reply(Status(StatusCode::kInvalidArgument,
                           "the client's retry carried no response to " + request.request.method));
    }
  }
  if (outcome) attempt.answer(Wrapped(std::move(*outcome)));
}

void BridgedCall::Expire() {
  std::map<std::string, ServerRequest> unanswered;
  upstream::CallId call_id = -1;
  {
    std::lock_guard lock(mutex_);
    expired_ = true;
    unanswered.swap(asked_);
    unanswered.merge(gathering_);
    outcome_.reset();
    call_id = call_id_;
  }
  const std::string why = "the client did not come back with input within " +
                          std::to_string(held_.limits().hold.count()) + " ms";
  log::Info("[{}] {} expired: {}", origin_.server, origin_.method, why);
  for (auto& [key, asked] : unanswered) asked.reply(Status(StatusCode::kUnavailable, why));
  if (call_id >= 0) upstream_->Cancel(call_id, why);
}

}  // namespace mcpgw::proxy
