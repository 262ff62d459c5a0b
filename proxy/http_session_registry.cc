#include "proxy/http_session_registry.h"

#include "protocol/log.h"

namespace mcpgw::proxy {
namespace {

constexpr std::size_t kMaxEndedRemembered = 100000;

}  // namespace

HttpSession::HttpSession(Gateway& gateway, SessionClaims claims, policy::Principal principal)
    : claims_(std::move(claims)),
      counted_(gateway.metrics(), DownstreamTransport::kStreamableHttp),
      last_used_(std::chrono::steady_clock::now()),
      session_(gateway, [this](const protocol::Message& m) { Notify(m); }, std::move(principal)) {}

HttpSession::~HttpSession() { End(); }

void HttpSession::Notify(const protocol::Message& notification) {
  std::lock_guard lock(mutex_);
  if (stream_) return stream_->Push(notification);
  log::Debug("no GET stream open; dropped {}", notification.method);
}

std::shared_ptr<MessageQueue> HttpSession::OpenStream() {
  std::lock_guard lock(mutex_);
  if (stream_) return nullptr;
  stream_ = std::make_shared<MessageQueue>();
  return stream_;
}

void HttpSession::StreamEnded(const std::shared_ptr<MessageQueue>& stream) {
  stream->Close();
  std::lock_guard lock(mutex_);
  if (stream_ == stream) stream_.reset();
}

bool HttpSession::has_stream() {
  std::lock_guard lock(mutex_);
  return stream_ != nullptr;
}

void HttpSession::CloseStream() {
  std::lock_guard lock(mutex_);
  if (stream_) stream_->Close();
}

std::shared_ptr<MessageQueue> HttpSession::AddPending(const std::string& id) {
  auto queue = std::make_shared<MessageQueue>();
  std::lock_guard lock(mutex_);
  pending_[id] = queue;
  return queue;
}

void HttpSession::Forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  pending_.erase(id);
}

void HttpSession::CancelPending(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = pending_.find(id);
  if (found != pending_.end()) found->second->Close();
}

void HttpSession::End() {
  std::lock_guard lock(mutex_);
  if (stream_) stream_->Close();
  for (auto& [id, queue] : pending_) queue->Close();
}

std::chrono::steady_clock::time_point HttpSession::last_used() {
  std::lock_guard lock(mutex_);
  return last_used_;
}

void HttpSession::Touch() {
  std::lock_guard lock(mutex_);
  last_used_ = std::chrono::steady_clock::now();
}

HttpSessionRegistry::HttpSessionRegistry(Gateway& gateway, std::size_t max_sessions)
    : gateway_(gateway), max_sessions_(max_sessions) {}

std::shared_ptr<HttpSession> HttpSessionRegistry::Create(const SessionClaims& claims,
                                                         policy::Principal principal) {
  std::lock_guard lock(mutex_);
  return Insert(claims, std::move(principal));
}

std::shared_ptr<HttpSession> HttpSessionRegistry::Attach(const SessionClaims& claims,
                                                         policy::Principal principal) {
  std::lock_guard lock(mutex_);
  if (ended_.contains(claims.sid)) return nullptr;
  auto found = sessions_.find(claims.sid);
  if (found != sessions_.end()) {
    found->second->Touch();
    return found->second;
  }
  log::Info("serving session {} first issued elsewhere (or evicted here)", claims.sid);
  std::shared_ptr<HttpSession> session = Insert(claims, std::move(principal));
  session->session().MarkInitialized();
  return session;
}

std::shared_ptr<HttpSession> HttpSessionRegistry::Insert(const SessionClaims& claims,
                                                         policy::Principal principal) {
  while (sessions_.size() >= max_sessions_ && !sessions_.empty()) EvictOne();
  auto session = std::make_shared<HttpSession>(gateway_, claims, std::move(principal));
  sessions_[claims.sid] = session;
  return session;
}

void HttpSessionRegistry::EvictOne() {
  auto oldest = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second->has_stream()) continue;
    if (oldest == sessions_.end() || it->second->last_used() < oldest->second->last_used()) {
      oldest = it;
    }
  }
  if (oldest == sessions_.end()) oldest = sessions_.begin();  // every one streams: drop any
  oldest->second->End();
  sessions_.erase(oldest);
}

bool HttpSessionRegistry::End(const SessionClaims& claims) {
  std::shared_ptr<HttpSession> session;
  {
    std::lock_guard lock(mutex_);
    if (!ended_.insert(claims.sid).second) return false;
    ended_order_.push_back(claims.sid);
    if (ended_order_.size() > kMaxEndedRemembered) {
      ended_.erase(ended_order_.front());
      ended_order_.pop_front();
    }
    auto found = sessions_.find(claims.sid);
    if (found == sessions_.end()) return true;
    session = std::move(found->second);
    sessions_.erase(found);
  }
  session->End();
  return true;
}

void HttpSessionRegistry::CloseStreams() {
  std::lock_guard lock(mutex_);
  for (auto& [sid, session] : sessions_) session->CloseStream();
}

}  // namespace mcpgw::proxy
