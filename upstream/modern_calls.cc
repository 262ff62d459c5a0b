#include "upstream/modern_calls.h"

#include "protocol/json_field.h"

#include <nlohmann/json.hpp>

namespace mcpgw::upstream {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

// The requests a modern server may answer with input_required (basic/patterns/mrtr).
bool MayRequireInput(const std::string& method) {
  return method == "tools/call" || method == "prompts/get" || method == "resources/read";
}

}  // namespace

ModernCalls::ModernCalls(std::string server, RpcClient& client,
                         std::shared_ptr<ModernEnvelope> envelope, Json capabilities,
                         std::set<std::string> resource_uris)
    : server_(std::move(server)),
      client_(client),
      envelope_(std::move(envelope)),
      capabilities_(std::move(capabilities)),
      resource_uris_(std::move(resource_uris)) {}

ModernCalls::~ModernCalls() {
  std::map<CallId, std::shared_ptr<InputRounds>> rounds;
  std::unique_ptr<ListenStream> listen;
  {
    std::lock_guard lock(mutex_);
    rounds.swap(rounds_);
    listen = std::move(listen_);
  }
  listen.reset();
  Status exited(StatusCode::kUnavailable, "upstream '" + server_ + "' exited",
                {{"server", server_}});
  for (auto& [id, call] : rounds) call->Abort(exited);
}

void ModernCalls::StartListening() {
  std::lock_guard lock(mutex_);
  listen_ = std::make_unique<ListenStream>(server_, client_, capabilities_, resource_uris_);
}

CallId ModernCalls::Call(std::string method, Json params, ReplyHandler on_reply, CallHooks hooks) {
  if (method == "logging/setLevel") {
    envelope_->SetLogLevel(protocol::StringOr(params, "level"));
  } else if (method == "resources/subscribe" || method == "resources/unsubscribe") {
    Subscribe(method, params);
  } else if (!MayRequireInput(method) || hooks.client_takes_input_required) {
    return client_.Call(std::move(method), std::move(params), std::move(on_reply),
                        std::move(hooks));
  } else {
    CallId id = client_.NextId();
    std::weak_ptr<ModernCalls> self = weak_from_this();
    auto rounds = std::make_shared<InputRounds>(
        server_, client_, std::move(method), std::move(params), std::move(hooks),
        [self, id, on_reply = std::move(on_reply)](Result<Json> outcome) {
          if (auto calls = self.lock()) calls->TakeRounds(id);
          on_reply(std::move(outcome));
        });
    {
      std::lock_guard lock(mutex_);
      rounds_.emplace(id, rounds);
    }
    rounds->Start();
    return id;
  }
  CallId id = client_.NextId();
  on_reply(Json::object());
  return id;
}

void ModernCalls::Subscribe(const std::string& method, const Json& params) {
  std::string uri = protocol::StringOr(params, "uri");
  // Under the lock, so that two changes at once reach the stream in order.
  std::lock_guard lock(mutex_);
  if (method == "resources/subscribe") {
    resource_uris_.insert(uri);
  } else {
    resource_uris_.erase(uri);
  }
  if (listen_) listen_->SetResources(resource_uris_);
}

bool ModernCalls::Cancel(CallId id, const std::string& reason) {
  std::shared_ptr<InputRounds> rounds = TakeRounds(id);
  if (!rounds) return false;
  rounds->Abort(Status(StatusCode::kCancelled, "cancelled: " + reason, {{"server", server_}}));
  return true;
}

bool ModernCalls::Accept(protocol::Message& notification) {
  std::lock_guard lock(mutex_);
  return !listen_ || listen_->Accept(notification);
}

std::set<std::string> ModernCalls::resource_uris() const {
  std::lock_guard lock(mutex_);
  return resource_uris_;
}

std::shared_ptr<InputRounds> ModernCalls::TakeRounds(CallId id) {
  std::lock_guard lock(mutex_);
  auto found = rounds_.find(id);
  if (found == rounds_.end()) return nullptr;
  std::shared_ptr<InputRounds> rounds = std::move(found->second);
  rounds_.erase(found);
  return rounds;
}

}  // namespace mcpgw::upstream
