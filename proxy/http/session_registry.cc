#include "proxy/http/session_registry.h"

#include "protocol/log.h"
#include "proxy/http/auth.h"

namespace mcpgw::proxy {
namespace {

std::int64_t EpochSeconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t CeilSeconds(std::chrono::milliseconds duration) {
  return std::chrono::ceil<std::chrono::seconds>(duration).count();
}

}  // namespace

HttpSession::HttpSession(const SessionServices& services, SessionClaims claims,
                         policy::Principal principal)
    : claims_(std::move(claims)),
      counted_(services.metrics, DownstreamTransport::kStreamableHttp),
      session_(
          services, [this](const protocol::Message& m) { Notify(m); }, std::move(principal)) {}

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

void HttpSession::CloseStream() {
  std::lock_guard lock(mutex_);
  if (stream_) stream_->Close();
}

std::shared_ptr<MessageQueue> HttpSession::AddPending(const std::string& id) {
  auto queue = std::make_shared<MessageQueue>();
  std::lock_guard lock(mutex_);
  if (!pending_.emplace(id, queue).second) return nullptr;
  return queue;
}

void HttpSession::Forget(const std::string& id, const std::shared_ptr<MessageQueue>& queue) {
  std::lock_guard lock(mutex_);
  auto found = pending_.find(id);
  if (found != pending_.end() && found->second == queue) pending_.erase(found);
}

void HttpSession::CancelPending(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = pending_.find(id);
  if (found != pending_.end()) found->second->Close();
}

void HttpSession::End() {
  {
    std::lock_guard lock(mutex_);
    if (stream_) stream_->Close();
    for (auto& [id, queue] : pending_) queue->Close();
  }
  session_.CancelAll("the session has ended");
}

HttpSessionRegistry::HttpSessionRegistry(const SessionServices& services,
                                         const GatewaySettings& settings)
    : services_(services),
      lifetime_seconds_(CeilSeconds(settings.session_lifetime)),
      max_sessions_(settings.max_sessions),
      idle_timeout_(settings.session_idle_timeout),
      ended_(max_sessions_) {}

std::shared_ptr<HttpSession> HttpSessionRegistry::Create(policy::Principal principal) {
  const std::int64_t now = EpochSeconds();
  const SessionClaims claims{SessionTokens::NewSessionId(), "", PrincipalName(principal), now,
                             now + lifetime_seconds_};
  Ending ending;
  std::shared_ptr<HttpSession> session;
  {
    std::lock_guard lock(mutex_);
    DropIdle(ending);
    session = Insert(claims, std::move(principal), ending);
  }
  EndEach(ending);
  return session;
}

std::shared_ptr<HttpSession> HttpSessionRegistry::Attach(const SessionClaims& claims,
                                                         policy::Principal principal) {
  Ending ending;
  std::shared_ptr<HttpSession> session;
  {
    std::lock_guard lock(mutex_);
    DropIdle(ending);
    session = Find(claims);
    if (!session && !ended_.Refuses(claims)) {
      log::Info("serving session {} first issued elsewhere (or dropped here)", claims.sid);
      session = Insert(claims, std::move(principal), ending);
      session->session().MarkInitialized();
    }
  }
  EndEach(ending);
  return session;
}

// The session held here, moved to the front of idle_ (most recently used).
std::shared_ptr<HttpSession> HttpSessionRegistry::Find(const SessionClaims& claims) {
  auto found = sessions_.find(claims.sid);
  if (found == sessions_.end()) return nullptr;
  Entry& entry = found->second;
  entry.last_used = Clock::now();
  if (entry.uses == 0) idle_.splice(idle_.begin(), idle_, entry.idle);
  return entry.session;
}

std::shared_ptr<HttpSession> HttpSessionRegistry::Insert(const SessionClaims& claims,
                                                         policy::Principal principal,
                                                         Ending& ending) {
  Remove(claims.sid, ending);  // a stale copy: the new one replaces it
  while (sessions_.size() >= max_sessions_ && !sessions_.empty()) {
    // The least recently used session not in use; when every one is, any.
    Remove(idle_.empty() ? sessions_.begin()->first : idle_.back(), ending);
  }
  auto session = std::make_shared<HttpSession>(services_, claims, std::move(principal));
  idle_.push_front(claims.sid);
  sessions_.emplace(claims.sid, Entry{session, 0, idle_.begin(), Clock::now()});
  return session;
}

std::shared_ptr<void> HttpSessionRegistry::Use(const std::shared_ptr<HttpSession>& session) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(session->claims().sid);
  if (found == sessions_.end() || found->second.session != session) return nullptr;  // dropped
  if (found->second.uses++ == 0) idle_.erase(found->second.idle);
  return std::shared_ptr<void>(nullptr, [this, session](void*) { Release(session); });
}

void HttpSessionRegistry::Release(const std::shared_ptr<HttpSession>& session) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(session->claims().sid);
  if (found == sessions_.end() || found->second.session != session) return;
  Entry& entry = found->second;
  if (--entry.uses > 0) return;
  idle_.push_front(found->first);
  entry.idle = idle_.begin();
  entry.last_used = Clock::now();
}

// Ends the sessions unused for idle_timeout: the oldest are at the back of idle_.
void HttpSessionRegistry::DropIdle(Ending& ending) {
  if (idle_timeout_.count() == 0) return;
  const Clock::time_point cutoff = Clock::now() - idle_timeout_;
  while (!idle_.empty() && sessions_.at(idle_.back()).last_used <= cutoff) {
    const std::string sid = idle_.back();
    ended_.Add(sessions_.at(sid).session->claims(), EpochSeconds());
    log::Info("HTTP session {} ended: idle for {} ms", sid, idle_timeout_.count());
    Remove(sid, ending);
  }
}

void HttpSessionRegistry::Remove(const std::string& sid, Ending& ending) {
  auto found = sessions_.find(sid);
  if (found == sessions_.end()) return;
  if (found->second.uses == 0) idle_.erase(found->second.idle);
  ending.push_back(std::move(found->second.session));
  sessions_.erase(found);
}

void HttpSessionRegistry::EndEach(const Ending& ending) {
  for (const auto& session : ending) session->End();
}

bool HttpSessionRegistry::End(const SessionClaims& claims) {
  Ending ending;
  {
    std::lock_guard lock(mutex_);
    if (ended_.Refuses(claims)) return false;
    ended_.Add(claims, EpochSeconds());
    Remove(claims.sid, ending);
  }
  EndEach(ending);
  return true;
}

void HttpSessionRegistry::CloseStreams() {
  std::lock_guard lock(mutex_);
  for (auto& [sid, entry] : sessions_) entry.session->CloseStream();
}

void HttpSessionRegistry::EndAll() {
  Ending ending;
  {
    std::lock_guard lock(mutex_);
    for (auto& [sid, entry] : sessions_) ending.push_back(std::move(entry.session));
    sessions_.clear();
    idle_.clear();
  }
  EndEach(ending);
}

}  // namespace mcpgw::proxy
