#include "upstream/rpc_client.h"

#include "protocol/log.h"

#include <future>

namespace mcpgw::upstream {

using protocol::StatusCode;

RpcClient::RpcClient(std::string server, std::chrono::milliseconds timeout,
                     NotificationHandler on_notification)
    : server_(std::move(server)),
      timeout_(timeout),
      on_notification_(std::move(on_notification)),
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
      Dispatch(connection, std::move(message).value());
    } else if (message.status().code() == StatusCode::kClosed) {
      break;
    } else {
      log::Warn("[{}] unreadable message from server: {}", server_, message.status().message());
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (connection_.get() != &connection) return;
    connection_.reset();
  }
  FailAll(Unavailable("exited"));
}

CallId RpcClient::Call(std::string method, Json params, ReplyHandler on_reply,
                       ProgressHandler on_progress) {
  return CallWithin(timeout_, std::move(method), std::move(params), std::move(on_reply),
                    std::move(on_progress));
}

Result<Json> RpcClient::CallAndWait(std::string method, Json params,
                                    std::chrono::milliseconds timeout) {
  auto reply = std::make_shared<std::promise<Result<Json>>>();
  std::future<Result<Json>> future = reply->get_future();
  CallWithin(
      timeout, std::move(method), std::move(params),
      [reply](Result<Json> result) { reply->set_value(std::move(result)); }, nullptr);
  return future.get();
}

CallId RpcClient::CallWithin(std::chrono::milliseconds timeout, std::string method, Json params,
                             ReplyHandler on_reply, ProgressHandler on_progress) {
  CallId id = pending_.NextId();
  if (on_progress) {
    if (params.is_null()) params = Json::object();
    if (params.is_object()) params["_meta"]["progressToken"] = id;
  }
  PendingCall call{
      id, method, std::move(on_reply), std::move(on_progress), timeout, Clock::now() + timeout};
  if (!pending_.Add(std::move(call))) {
    call.on_reply(Unavailable("is not connected"));
    return id;
  }
  if (!Send(protocol::MakeRequest(id, std::move(method), std::move(params))).ok()) {
    if (auto unsent = pending_.Take(id)) unsent->on_reply(Unavailable("is not connected"));
  }
  return id;
}

void RpcClient::Cancel(CallId id, std::string reason) {
  std::optional<PendingCall> call = pending_.Take(id);
  if (!call) return;
  (void)Notify("notifications/cancelled", {{"requestId", id}, {"reason", reason}});
  call->on_reply(Status(StatusCode::kCancelled, "cancelled: " + reason, {{"server", server_}}));
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

std::shared_ptr<Connection> RpcClient::Attached() const {
  std::lock_guard lock(mutex_);
  return connection_;
}

Status RpcClient::Send(const Message& message) {
  std::shared_ptr<Connection> connection = Attached();
  if (!connection) return Unavailable("is not connected");
  return connection->transport().Send(message);
}

void RpcClient::Dispatch(Connection& connection, Message message) {
  if (message.is_response()) {
    Complete(std::move(message));
  } else if (message.is_request()) {
    Answer(connection, message);
  } else if (message.method == "notifications/progress") {
    DeliverProgress(message.params);
  } else {
    on_notification_(std::move(message));
  }
}

void RpcClient::Complete(Message reply) {
  std::optional<PendingCall> call;
  if (reply.id.is_number_integer()) call = pending_.Take(reply.id.get<CallId>());
  if (!call) {
    log::Debug("[{}] reply to no waiting call (id {})", server_, reply.id.dump());
    return;
  }
  if (!reply.error) {
    call->on_reply(std::move(reply.result));
    return;
  }
  Json error = {{"code", reply.error->code}, {"message", reply.error->message}};
  if (!reply.error->data.is_null()) error["data"] = std::move(reply.error->data);
  call->on_reply(Status(StatusCode::kRemote, reply.error->message, std::move(error)));
}

void RpcClient::Answer(Connection& connection, const Message& request) {
  Message answer = request.method == "ping"
                       ? protocol::MakeResult(request.id, Json::object())
                       : protocol::MakeError(request.id, {protocol::error_code::kMethodNotFound,
                                                          "Method not found: " + request.method +
                                                              " (not supported by the gateway)",
                                                          nullptr});
  (void)connection.transport().Send(answer);
}

void RpcClient::DeliverProgress(const Json& params) {
  const Json token = params.is_object() ? params.value("progressToken", Json()) : Json();
  ProgressHandler handler;
  if (token.is_number_integer()) handler = pending_.ProgressFor(token.get<CallId>());
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
      if (call.method != "initialize") {  // MCP: initialize is never cancelled
        (void)Notify("notifications/cancelled", {{"requestId", call.id}, {"reason", reason}});
      }
      call.on_reply(Status(StatusCode::kTimeout, "upstream '" + server_ + "' " + reason,
                           {{"server", server_}, {"timeout_ms", call.timeout.count()}}));
    }
  }
}

void RpcClient::FailAll(const Status& why) {
  for (PendingCall& call : pending_.CloseAndTakeAll()) call.on_reply(why);
}

Status RpcClient::Unavailable(const std::string& what) const {
  return Status(StatusCode::kUnavailable, "upstream '" + server_ + "' " + what,
                {{"server", server_}});
}

}  // namespace mcpgw::upstream
