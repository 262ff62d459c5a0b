#include "upstream/rpc_client.h"

#include "protocol/guard.h"
#include "protocol/json_field.h"
#include "protocol/log.h"
#include "protocol/rpc_errors.h"

#include <future>

namespace mcpgw::upstream {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

RpcClient::RpcClient(std::string server, std::chrono::milliseconds timeout,
                     NotificationHandler on_notification, RequestRelay on_request)
    : server_(std::move(server)),
      timeout_(timeout),
      on_notification_(std::move(on_notification)),
      on_request_(std::move(on_request)),
      timer_([this] { RunTimer(); }) {
  pending_.CloseAndTakeAll();  // nothing attached yet: refuse calls
}

RpcClient::~RpcClient() { Shutdown(); }

void RpcClient::Attach(std::shared_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    connection_ = std::move(connection);
  }
  pending_.Open();
}

void RpcClient::Detach(const Status& why) {
  {
    std::lock_guard lock(mutex_);
    connection_.reset();
  }
  FailAll(why);
}

void RpcClient::ReadUntilClosed(Connection& connection) {
  for (;;) {
    Result<Message> message = connection.transport().Receive();
    if (message.ok()) {
      protocol::Guarded(server_, [&] { Dispatch(connection, std::move(message).value()); });
    } else if (message.status().code() == StatusCode::kClosed) {
      break;
    } else {
      FailUnreadable(message.status());
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (connection_.get() != &connection) return;
    connection_.reset();
  }
  FailAll(Unavailable("exited"));
}

CallId RpcClient::Call(std::string method, Json params, ReplyHandler on_reply, CallHooks hooks) {
  return CallWithin(timeout_, std::move(method), std::move(params), std::move(on_reply),
                    std::move(hooks));
}

Result<Json> RpcClient::CallAndWait(std::string method, Json params,
                                    std::chrono::milliseconds timeout) {
  auto reply = std::make_shared<std::promise<Result<Json>>>();
  std::future<Result<Json>> future = reply->get_future();
  CallWithin(
      timeout, std::move(method), std::move(params),
      [reply](Result<Json> result) { reply->set_value(std::move(result)); }, {});
  return future.get();
}

CallId RpcClient::CallWithin(std::chrono::milliseconds timeout, std::string method, Json params,
                             ReplyHandler on_reply, CallHooks hooks, CallId id) {
  if (id == 0) id = pending_.NextId();
  HeaderList headers = hooks.forward_headers;
  const Json client_capabilities = hooks.client_capabilities;
  PendingCall call{id, method, std::move(on_reply), std::move(hooks), {}, timeout,
                   Clock::now() + timeout};
  Json token;
  if (!pending_.Add(std::move(call), &token)) {
    Reply(call, Unavailable("is not connected"));
    return id;
  }
  if (!token.is_null()) {
    if (params.is_null()) params = Json::object();
    if (params.is_object()) params["_meta"]["progressToken"] = std::move(token);
  }
  if (auto envelope = Envelope()) {
    params = envelope->Stamp(std::move(params), client_capabilities);
  }
  if (!Send(protocol::MakeRequest(id, std::move(method), std::move(params)), headers).ok()) {
    if (auto unsent = pending_.Take(id)) Reply(*unsent, Unavailable("is not connected"));
  }
  return id;
}

void RpcClient::Cancel(CallId id, std::string reason) {
  std::optional<PendingCall> call = pending_.Take(id);
  if (!call) return;
  (void)Notify("notifications/cancelled", {{"requestId", id}, {"reason", reason}});
  Reply(*call, Status(StatusCode::kCancelled, "cancelled: " + reason, {{"server", server_}}));
}

Status RpcClient::Notify(std::string method, Json params) {
  return Send(protocol::MakeNotification(std::move(method), std::move(params)));
}

void RpcClient::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    pending_.Shutdown();
    timer_.join();
  });
}

void RpcClient::SetEnvelope(std::shared_ptr<const ModernEnvelope> envelope) {
  std::lock_guard lock(mutex_);
  envelope_ = std::move(envelope);
}

std::shared_ptr<Connection> RpcClient::Attached() const {
  std::lock_guard lock(mutex_);
  return connection_;
}

std::shared_ptr<const ModernEnvelope> RpcClient::Envelope() const {
  std::lock_guard lock(mutex_);
  return envelope_;
}

Status RpcClient::Send(const Message& message, const HeaderList& headers) {
  std::shared_ptr<Connection> connection = Attached();
  if (!connection) return Unavailable("is not connected");
  if (!headers.empty()) return connection->SendWithHeaders(message, headers);
  return connection->transport().Send(message);
}

void RpcClient::Dispatch(Connection& connection, Message message) {
  if (message.is_response()) {
    Complete(std::move(message));
  } else if (message.is_request()) {
    Answer(connection, std::move(message));
  } else if (message.method == "notifications/progress") {
    DeliverProgress(message.params);
  } else if (message.method == "notifications/cancelled" && WithdrawRelayed(message.params)) {
    return;
  } else {
    on_notification_(std::move(message));
  }
}

// A frame the gateway cannot read (not JSON, too deep, too large, a malformed response) that
// carries the id of a waiting call ends that call now, instead of at its timeout.
void RpcClient::FailUnreadable(const Status& why) {
  log::Warn("[{}] unreadable message from server: {}", server_, why.message());
  const Json& id = why.detail();
  std::optional<PendingCall> call;
  if (id.is_number_integer()) call = pending_.Take(id.get<CallId>());
  if (call) Reply(*call, Unavailable("sent a reply the gateway cannot read: " + why.message()));
}

void RpcClient::Reply(PendingCall& call, Result<Json> outcome) {
  protocol::Guarded(call.method, [&] { call.on_reply(std::move(outcome)); });
}

void RpcClient::Complete(Message reply) {
  std::optional<PendingCall> call;
  if (reply.id.is_number_integer()) call = pending_.Take(reply.id.get<CallId>());
  if (!call) {
    log::Debug("[{}] reply to no waiting call (id {})", server_, reply.id.dump());
    return;
  }
  if (!reply.error) return Reply(*call, std::move(reply.result));
  Json error = {{"code", reply.error->code}, {"message", reply.error->message}};
  if (!reply.error->data.is_null()) error["data"] = std::move(reply.error->data);
  Reply(*call, Status(StatusCode::kRemote, reply.error->message, std::move(error)));
}

void RpcClient::Answer(Connection& connection, Message request) {
  if (request.method == "ping") {
    (void)connection.transport().Send(protocol::MakeResult(request.id, Json::object()));
    return;
  }
  RequestRelay relay = RelayOf(request);
  if (!relay) {
    (void)connection.transport().Send(protocol::MakeError(
        request.id, {protocol::error_code::kMethodNotFound,
                     "Method not found: " + request.method + " (no client to relay it to)",
                     nullptr}));
    return;
  }
  const std::string key = request.id.dump();
  // The answer may come after this client and its connection are gone: it holds what it uses.
  std::weak_ptr<Connection> to = Attached();
  ReplyHandler reply = [relayed = relayed_, to, key, id = request.id](Result<Json> outcome) {
    {
      std::lock_guard lock(relayed->mutex);
      if (relayed->withdraws.erase(key) == 0) return;  // answered, or withdrawn, already
    }
    std::shared_ptr<Connection> connection = to.lock();
    if (!connection) return;
    (void)connection->transport().Send(
        outcome.ok() ? protocol::MakeResult(id, std::move(outcome).value())
                     : protocol::MakeError(id, protocol::ToRpcError(outcome.status())));
  };
  {
    std::lock_guard lock(relayed_->mutex);
    if (!relayed_->withdraws.emplace(key, nullptr).second) {
      log::Warn("[{}] request id {} is already in use; ignored", server_, key);
      return;
    }
  }
  Withdraw withdraw = relay(std::move(request), reply);
  std::lock_guard lock(relayed_->mutex);
  auto found = relayed_->withdraws.find(key);
  if (found != relayed_->withdraws.end()) found->second = std::move(withdraw);
}

RequestRelay RpcClient::RelayOf(const Message& request) const {
  RequestRelay relay;
  if (request.related_request.is_number_integer()) {
    relay = pending_.RelayFor(request.related_request.get<CallId>());
  } else {
    relay = pending_.SoleOwnerRelay();
  }
  return relay ? relay : on_request_;
}

bool RpcClient::WithdrawRelayed(const Json& params) {
  const Json* id = protocol::FindMember(params, "requestId");
  if (id == nullptr) return false;
  Withdraw withdraw;
  {
    std::lock_guard lock(relayed_->mutex);
    auto found = relayed_->withdraws.find(id->dump());
    if (found == relayed_->withdraws.end()) return false;
    withdraw = std::move(found->second);
    relayed_->withdraws.erase(found);
  }
  if (withdraw) withdraw(protocol::StringOr(params, "reason", "cancelled by the server"));
  return true;
}

void RpcClient::DeliverProgress(const Json& params) {
  const Json* found = protocol::FindMember(params, "progressToken");
  const Json token = found ? *found : Json();
  ProgressHandler handler = pending_.ProgressFor(token);
  if (handler) {
    handler(params);
  } else {
    log::Debug("[{}] progress for no waiting call (token {})", server_, token.dump());
  }
}

void RpcClient::RunTimer() {
  for (;;) {
    std::vector<PendingCall> expired = pending_.WaitForExpired();
    if (expired.empty()) return;
    for (PendingCall& call : expired) {
      std::string reason = "timed out after " + std::to_string(call.timeout.count()) + " ms";
      log::Warn("[{}] {} (id {}) {}", server_, call.method, call.id, reason);
      // MCP: initialize is never cancelled; nor is the era probe, which goes to a server that may
      // be a legacy one waiting for initialize.
      if (call.method != "initialize" && call.method != "server/discover") {
        (void)Notify("notifications/cancelled", {{"requestId", call.id}, {"reason", reason}});
      }
      Reply(call, Status(StatusCode::kTimeout, "upstream '" + server_ + "' " + reason,
                         {{"server", server_}, {"timeout_ms", call.timeout.count()}}));
    }
  }
}

void RpcClient::FailAll(const Status& why) {
  for (PendingCall& call : pending_.CloseAndTakeAll()) Reply(call, why);
}

Status RpcClient::Unavailable(const std::string& what) const {
  return Status(StatusCode::kUnavailable, "upstream '" + server_ + "' " + what,
                {{"server", server_}});
}

}  // namespace mcpgw::upstream
