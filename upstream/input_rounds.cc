#include "upstream/input_rounds.h"

#include "protocol/guard.h"
#include "protocol/json_field.h"
#include "protocol/log.h"

#include <nlohmann/json.hpp>

namespace mcpgw::upstream {

using protocol::Json;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

bool IsInputRequired(const Json& result) {
  return protocol::StringOr(result, "resultType") == "input_required";
}

InputRounds::InputRounds(std::string server, RpcClient& client, std::string method, Json params,
                         CallHooks hooks, ReplyHandler on_reply)
    : server_(std::move(server)),
      client_(client),
      method_(std::move(method)),
      params_(std::move(params)),
      hooks_(std::move(hooks)),
      on_reply_(std::move(on_reply)) {}

void InputRounds::Start() { Send(params_); }

void InputRounds::Send(Json params) {
  int sent;
  {
    std::lock_guard lock(mutex_);
    sent = ++sent_;
  }
  std::weak_ptr<InputRounds> self = weak_from_this();
  CallHooks hooks = hooks_;
  hooks.on_request = nullptr;  // a modern server asks through input_required, not requests
  hooks.owner = nullptr;
  CallId id = client_.Call(
      method_, std::move(params),
      [self](Result<Json> outcome) {
        if (auto rounds = self.lock()) rounds->OnRound(std::move(outcome));
      },
      std::move(hooks));
  std::string aborted;
  {
    std::lock_guard lock(mutex_);
    // Its reply may have come already, and even a next round been sent: keep the newest id only.
    if (on_reply_ && sent_ == sent) in_flight_ = id;
    if (!on_reply_) aborted = abort_reason_;
  }
  // Aborted while this round was being sent, before Abort could see its id: cancelled here.
  if (!aborted.empty()) client_.Cancel(id, aborted);
}

void InputRounds::OnRound(Result<Json> outcome) {
  if (!outcome.ok() || !IsInputRequired(*outcome)) return Finish(std::move(outcome));
  if (!hooks_.on_request) {
    return Finish(
        Unavailable("needs input from the client (input_required), and this client "
                    "cannot answer server requests"));
  }
  const Json& result = *outcome;
  bool exhausted;
  {
    std::lock_guard lock(mutex_);
    if (!on_reply_) return;
    in_flight_ = 0;
    exhausted = ++rounds_ > kMaxRounds;
    const Json* state = protocol::FindMember(result, "requestState");
    has_request_state_ = state != nullptr && state->is_string();
    request_state_ = has_request_state_ ? state->get<std::string>() : "";
  }
  if (exhausted) {
    return Finish(Unavailable(fmt::format("still asked for input after {} rounds", kMaxRounds)));
  }
  const Json* requests = protocol::FindMember(result, "inputRequests");
  AskClient(requests && requests->is_object() ? *requests : Json::object());
}

void InputRounds::AskClient(const Json& input_requests) {
  {
    std::lock_guard lock(mutex_);
    answers_ = Json::object();
    awaited_ = input_requests.size() + 1;  // +1 until every request is out
  }
  for (const auto& [key, request] : input_requests.items()) {
    std::string method = protocol::StringOr(request, "method");
    Json params = request.is_object() ? request.value("params", Json::object()) : Json::object();
    protocol::Message relayed =
        protocol::MakeRequest(client_.NextId(), std::move(method), std::move(params));
    std::weak_ptr<InputRounds> self = weak_from_this();
    Withdraw withdraw = hooks_.on_request(std::move(relayed), [self, key](Result<Json> answer) {
      if (auto rounds = self.lock()) rounds->OnInput(key, std::move(answer));
    });
    std::lock_guard lock(mutex_);
    if (answers_.contains(key) || !on_reply_) continue;  // answered already, or ended
    withdraws_[key] = std::move(withdraw);
  }
  OnInput(std::nullopt, Json());  // every request is out: the +1
}

void InputRounds::OnInput(const std::optional<std::string>& key, Result<Json> answer) {
  if (!answer.ok()) return Finish(answer.status());
  Json params;
  {
    std::lock_guard lock(mutex_);
    if (!on_reply_) return;
    if (key) {
      if (answers_.contains(*key)) return;
      answers_[*key] = std::move(answer).value();
      withdraws_.erase(*key);
    }
    if (--awaited_ != 0) return;
    params = params_.is_object() ? params_ : Json::object();
    params["inputResponses"] = std::exchange(answers_, Json::object());
    if (has_request_state_) params["requestState"] = request_state_;
  }
  Send(std::move(params));
}

void InputRounds::Abort(const Status& why) {
  CallId in_flight;
  std::map<std::string, Withdraw> withdraws;
  ReplyHandler on_reply;
  {
    std::lock_guard lock(mutex_);
    on_reply = std::move(on_reply_);
    on_reply_ = nullptr;
    if (on_reply) abort_reason_ = why.message();
    in_flight = std::exchange(in_flight_, 0);
    withdraws.swap(withdraws_);
  }
  if (!on_reply) return;
  if (in_flight > 0) client_.Cancel(in_flight, why.message());
  for (auto& [key, withdraw] : withdraws) {
    if (withdraw) withdraw(why.message());
  }
  protocol::Guarded(method_, [&] { on_reply(why); });
}

void InputRounds::Finish(Result<Json> outcome) {
  ReplyHandler on_reply;
  std::map<std::string, Withdraw> withdraws;
  {
    std::lock_guard lock(mutex_);
    on_reply = std::move(on_reply_);
    on_reply_ = nullptr;
    in_flight_ = 0;
    withdraws.swap(withdraws_);
  }
  if (!on_reply) return;
  for (auto& [key, withdraw] : withdraws) {
    if (withdraw) withdraw("the call ended");
  }
  protocol::Guarded(method_, [&] { on_reply(std::move(outcome)); });
}

Status InputRounds::Unavailable(const std::string& what) const {
  return Status(StatusCode::kUnavailable, "upstream '" + server_ + "' " + what,
                {{"server", server_}});
}

}  // namespace mcpgw::upstream
