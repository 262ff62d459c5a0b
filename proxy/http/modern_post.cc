#include "proxy/http/modern_post.h"

#include "protocol/era.h"
#include "protocol/rpc_errors.h"
#include "proxy/http/auth.h"
#include "proxy/http/modern_headers.h"
#include "proxy/http/reply.h"
#include "proxy/routing/methods.h"
#include "proxy/session/session.h"

namespace mcpgw::proxy {

using protocol::Message;

namespace {

void SendError(httplib::Response& res, int status, const Message& request,
               const protocol::Status& failed) {
  SendMessage(res, protocol::MakeError(request.id, protocol::ToRpcError(failed)));
  res.status = status;
}

}  // namespace

ModernPost::ModernPost(const SessionServices& services, InFlightTracker& in_flight,
                       const std::vector<policy::KeyEntry>& keys,
                       std::chrono::milliseconds keepalive)
    : services_(services), in_flight_(in_flight), keys_(keys), keepalive_(keepalive) {}

bool ModernPost::Claims(const httplib::Request& req, const Message& message) {
  const std::string version = req.get_header_value("MCP-Protocol-Version");
  if (!version.empty()) return protocol::IsModernRevision(version);
  return !req.has_header("Mcp-Session-Id") && message.method != "initialize" &&
         protocol::DeclaredVersion(message.params).has_value();
}

void ModernPost::Post(const httplib::Request& req, Message message, httplib::Response& res) {
  std::optional<policy::Principal> principal = AuthenticateRequest(req, keys_, res);
  if (!principal) return;
  if (message.is_response()) {
    return SendError(res, 400, message,
                     {protocol::StatusCode::kInvalidMessage,
                      "a client of the modern era sends no responses"});
  }
  if (std::optional<protocol::Status> mismatch = CheckModernHeaders(req, message)) {
    return SendError(res, 400, message, *mismatch);
  }
  if (message.is_notification()) {
    res.status = 202;  // nothing to act on: a modern request is cancelled by closing its stream
    return;
  }
  protocol::Result<ModernRequest> read = ReadModernRequest(message.params);
  if (!read.ok()) return SendError(res, 400, message, read.status());
  const RequestMethod* method = FindMethod(message.method);
  if (method == nullptr || method->legacy_only) {
    return SendError(res, 404, message, MethodNotFound(message.method));
  }
  read->forward_headers = ParamHeaders(req);
  auto modern = std::make_shared<const ModernRequest>(std::move(read).value());

  // The request's own session: it holds nothing beyond this request.
  auto session = std::make_shared<Session>(services_, [](const Message&) {}, *std::move(principal));
  auto queue = std::make_shared<MessageQueue>();
  std::shared_ptr<void> token = in_flight_.Enter();
  session->HandleModernRequest(std::move(message), std::move(modern),
                               [queue](const Message& m) { queue->Push(m); });
  std::optional<Message> first = queue->Pop(keepalive_);
  while (!first && !queue->closed()) first = queue->Pop(keepalive_);
  if (!first) {
    res.status = 204;  // the gateway is shutting down: nobody is waiting
    return;
  }
  if (first->is_response()) {
    SendMessage(res, *first);
    if (first->error && protocol::IsModernRefusal(first->error->code)) res.status = 400;
    return;
  }
  StreamOptions options;
  options.end_after_response = true;
  options.keepalive = keepalive_;
  options.hold = std::move(token);
  // A stream that ends before its answer was closed by the client: that cancels the request.
  options.on_end = [session] { session->CancelAll("the client closed the stream"); };
  StreamMessages(res, std::move(queue), std::move(first), std::move(options));
}

}  // namespace mcpgw::proxy
