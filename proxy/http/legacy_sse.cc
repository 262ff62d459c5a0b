#include "proxy/http/legacy_sse.h"

#include "protocol/log.h"
#include "protocol/sse_writer.h"
#include "proxy/http/auth.h"
#include "proxy/http/reply.h"
#include "proxy/http/session_token.h"

namespace mcpgw::proxy {

using protocol::Message;

LegacySse::LegacySse(const SessionServices& services, const std::vector<policy::KeyEntry>& keys,
                     InFlightTracker& in_flight, std::chrono::milliseconds keepalive,
                     std::size_t max_json_depth)
    : services_(services),
      keys_(keys),
      in_flight_(in_flight),
      keepalive_(keepalive),
      max_json_depth_(max_json_depth) {}

void LegacySse::Open(const httplib::Request& req, httplib::Response& res) {
  if (HttpCheck accept = CheckStreamAccept(req.get_header_value("Accept"))) {
    return SendRefusal(res, *accept);
  }
  std::optional<policy::Principal> principal = AuthenticateRequest(req, keys_, res);
  if (!principal) return;
  std::string sid = SessionTokens::NewSessionId();
  auto connection = std::make_shared<Connection>(services_.metrics);
  connection->principal = PrincipalName(*principal);
  connection->session = std::make_unique<Session>(
      services_, [queue = connection->queue](const Message& m) { queue->Push(m); },
      *std::move(principal));
  {
    std::lock_guard lock(mutex_);
    connections_[sid] = connection;
  }
  log::Info("legacy SSE session {} opened", sid);
  StreamOptions options;
  options.prelude = protocol::FormatSseEvent("endpoint", "/messages?sessionId=" + sid);
  options.keepalive = keepalive_;
  options.on_end = [this, sid] { Forget(sid); };
  StreamMessages(res, connection->queue, std::nullopt, std::move(options));
}

void LegacySse::Post(const httplib::Request& req, httplib::Response& res) {
  if (HttpCheck type = CheckContentType(req.get_header_value("Content-Type"))) {
    return SendRefusal(res, *type);
  }
  std::optional<policy::Principal> principal = AuthenticateRequest(req, keys_, res);
  if (!principal) return;
  std::shared_ptr<Connection> connection = Find(req.get_param_value("sessionId"));
  if (!connection || connection->principal != PrincipalName(*principal)) {
    return SendRefusal(res, {404, "Session not found"});
  }
  protocol::Result<Message> message = protocol::ParseMessage(req.body, max_json_depth_);
  if (!message.ok()) {
    res.status = 400;
    return res.set_content(protocol::Serialize(protocol::ReplyToUnreadableFrame(message.status())),
                           "application/json");
  }
  if (message->is_request()) {
    // The sink holds the connection and an in-flight token until the request is answered.
    connection->session->HandleRequest(
        std::move(message).value(),
        [connection, token = in_flight_.Enter()](const Message& m) { connection->queue->Push(m); });
  } else if (message->is_notification()) {
    connection->session->HandleNotification(*message);
  }
  res.status = 202;
  res.set_content("Accepted", "text/plain");
}

std::shared_ptr<LegacySse::Connection> LegacySse::Find(const std::string& sid) {
  std::lock_guard lock(mutex_);
  auto found = connections_.find(sid);
  return found == connections_.end() ? nullptr : found->second;
}

void LegacySse::Forget(const std::string& sid) {
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(mutex_);
    auto found = connections_.find(sid);
    if (found == connections_.end()) return;
    connection = std::move(found->second);
    connections_.erase(found);
  }
  connection->queue->Close();
  log::Info("legacy SSE session {} closed", sid);
}

void LegacySse::CloseAll() {
  std::lock_guard lock(mutex_);
  for (auto& [sid, connection] : connections_) connection->queue->Close();
}

}  // namespace mcpgw::proxy
