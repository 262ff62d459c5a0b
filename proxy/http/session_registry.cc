#include "proxy/http/session_registry.h"

#include "protocol/log.h"
#include "proxy/http/auth.h"

#include <algorithm>

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
      tag_(SessionTag(claims_.sid)),
      counted_(services.metrics, DownstreamTransport::kStreamableHttp),
      session_(
          services, [this](const protocol::Message& m) { Notify(m); }, std::move(principal)) {}

HttpSession::~HttpSession() { End(); }

void HttpSession::Notify(const protocol::Message& notification) {
  std::lock_guard lock(mutex_);
  if (stream_) return stream_->Push(notification);
  log::Debug("no GET stream open; dropped {}", notification.method);
}

std::shared_ptr<EventStream> HttpSession::NewStream(bool ends_with_response) const {
  return std::make_shared<EventStream>(tag_, SessionTokens::NewSessionId(), ends_with_response);
}

// Registers a stream for resumption, first dropping finished streams past kKeepFinished and the
// oldest finished ones past kMaxFinished.
void HttpSession::KeepLocked(const std::shared_ptr<EventStream>& stream) {
  const auto now = EventStream::Clock::now();
  std::vector<std::pair<EventStream::Clock::time_point, std::string>> finished;
  for (auto it = resumable_.begin(); it != resumable_.end();) {
    std::optional<EventStream::Clock::time_point> at = it->second->finished_at();
    if (at && now - *at > kKeepFinished) {
      it = resumable_.erase(it);
      continue;
    }
    if (at) finished.emplace_back(*at, it->first);
    ++it;
  }
  std::sort(finished.begin(), finished.end());
  for (std::size_t i = 0; i + kMaxFinished < finished.size(); ++i) {
    resumable_.erase(finished[i].second);
  }
  resumable_[stream->key()] = stream;
}

HttpSession::Reader HttpSession::OpenStream() {
  std::lock_guard lock(mutex_);
  if (stream_ && stream_->attached()) return {};
  if (stream_) stream_->Close();
  stream_ = NewStream(false);
  KeepLocked(stream_);
  return {stream_, stream_->Attach()};
}

void HttpSession::StreamEnded(const Reader& reader) { reader.stream->Detach(reader.reader); }

void HttpSession::CloseStream() {
  std::lock_guard lock(mutex_);
  if (stream_) stream_->Close();
}

HttpSession::Reader HttpSession::AddPending(const std::string& id) {
  std::shared_ptr<EventStream> stream = NewStream(true);
  std::lock_guard lock(mutex_);
  if (!pending_.emplace(id, stream).second) return {};
  return {stream, stream->Attach()};
}

void HttpSession::Forget(const std::string& id, const std::shared_ptr<EventStream>& stream) {
  std::lock_guard lock(mutex_);
  auto found = pending_.find(id);
  if (found != pending_.end() && found->second == stream) pending_.erase(found);
}

void HttpSession::CancelPending(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = pending_.find(id);
  if (found != pending_.end()) found->second->Close();
}

void HttpSession::KeepForResume(const std::shared_ptr<EventStream>& stream) {
  std::lock_guard lock(mutex_);
  KeepLocked(stream);
}

HttpSession::Resume HttpSession::ResumeStream(std::string_view last_event_id, Reader& reader,
                                              std::uint64_t& after) {
  std::optional<EventId> id = ParseEventId(last_event_id);
  if (!id || id->session_tag != tag_) return Resume::kForeign;
  std::lock_guard lock(mutex_);
  auto found = resumable_.find(id->stream);
  if (found == resumable_.end()) return Resume::kUnknown;
  reader = {found->second, found->second->Attach()};
  after = std::min(id->seq, found->second->last_seq());  // past the end: from the end
  return Resume::kFound;
}

void HttpSession::End() {
  {
    std::lock_guard lock(mutex_);
    if (stream_) stream_->Close();
    for (auto& [id, stream] : pending_) stream->Close();
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
