#include "upstream/upstream.h"

#include "protocol/guard.h"
#include "protocol/json_field.h"
#include "protocol/log.h"
#include "protocol/era.h"
#include "upstream/child_process.h"
#include "upstream/era_memory.h"
#include "upstream/era_probe.h"
#include "upstream/modern_calls.h"
#include "upstream/offer_fetch.h"
#include "upstream/rpc_client.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace mcpgw::upstream {
namespace {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{250};
constexpr milliseconds kMaxBackoff{30000};
// A server's first answer may wait for a slow start (npx installing a package, say), so the
// handshake never gets less time than this, whatever the configured call timeout.
constexpr milliseconds kMinHandshakeTimeout{30000};
// How long the server/discover probe waits before taking the server for a legacy one.
constexpr milliseconds kProbeTimeout{2000};

class NullObserver : public UpstreamObserver {
 public:
  void OnOfferChanged(const std::string&) override {}
  void OnStateChanged(const std::string&, State) override {}
  void OnNotification(const std::string&, const Message&) override {}
  Withdraw OnRequest(const std::string&, Message request, ReplyHandler reply) override {
    reply(Status(StatusCode::kNotFound, "Method not found: " + request.method));
    return nullptr;
  }
  Json ClientCapabilities(const std::string&) override { return Json::object(); }
};

}  // namespace

std::string_view EraName(Era era) { return era == Era::kModern ? "modern" : "legacy"; }

std::string_view StateName(State state) {
  switch (state) {
    case State::kConnecting:
      return "connecting";
    case State::kReady:
      return "ready";
    case State::kRestarting:
      return "restarting";
    case State::kStopped:
      return "stopped";
  }
  return "unknown";
}

// The lifecycle thread runs attempts: connect, initialize, fetch the lists, then serve list
// refreshes until the connection ends; then back off and try again. The connection's reader
// thread lives for one attempt. Locks are never held while calling the observer or a handler.
class Upstream::Impl {
 public:
  Impl(const ServerConfig& config, UpstreamObserver* observer, ConnectionFactory open)
      : config_(config),
        observer_(observer ? observer : &null_observer_),
        open_connection_(std::move(open)),
        client_(config.name, config.timeout, [this](Message m) { OnNotification(std::move(m)); },
                [this](Message request, ReplyHandler reply) {
                  return observer_->OnRequest(config_.name, std::move(request), std::move(reply));
                }) {}

  void Start();
  State WaitForFirstAttempt(std::chrono::steady_clock::time_point deadline) const;
  void Stop(milliseconds grace);
  State state() const;
  Health health() const;
  std::shared_ptr<const Offer> offer() const;
  CallId Call(std::string method, Json params, ReplyHandler on_reply, CallHooks hooks);
  // Asks the serving loop for a Refresh of `kinds` (ListKind bits).
  void RequestRefresh(unsigned kinds);
  void Cancel(CallId id, std::string reason);
  Status Notify(std::string method, Json params);

 private:
  // The modern revision found by the probe and its DiscoverResult; an empty revision: legacy.
  struct EraFound {
    std::string revision;
    Json discover;
  };

  void RunLifecycle();
  bool RunAttempt();  // true when the attempt reached kReady
  bool Initialize();
  bool Probes() const;
  Result<EraFound> FindEra(const Json& capabilities);
  Status Handshake(const Json& capabilities, Offer& offer);
  Status InitializeLegacy(const Json& capabilities, Offer& offer);
  void EndModern();
  std::shared_ptr<ModernCalls> Modern() const;
  void ServeUntilClosed();
  void Refresh(unsigned kinds);
  void OnNotification(Message notification);
  void MarkConnectionClosed();
  void MarkFirstAttemptDone();
  bool Stopping() const;
  milliseconds Grace() const;
  bool SleepUnlessStopping(milliseconds pause);
  void SetState(State next);
  void RecordError(const std::string& error);
  void Publish(Offer offer);
  Result<Json> Request(std::string method, Json params, milliseconds timeout);
  Requester ListRequester();
  Status Unavailable(const std::string& what) const;

  const ServerConfig& config_;
  NullObserver null_observer_;
  UpstreamObserver* observer_;
  const ConnectionFactory open_connection_;

  mutable std::mutex mutex_;  // guards the fields below, up to offer_
  mutable std::condition_variable changed_;
  State state_ = State::kConnecting;
  bool started_ = false;
  bool stopping_ = false;
  bool first_attempt_done_ = false;
  bool connection_closed_ = false;
  unsigned refresh_kinds_ = 0;
  milliseconds grace_ = ChildProcess::kDefaultGrace;
  Health health_;
  std::shared_ptr<const Offer> offer_ = std::make_shared<const Offer>();
  std::shared_ptr<ModernCalls> modern_;  // while connected to a modern server
  // The resources subscribed on a modern server, kept across attempts. Lifecycle thread only.
  std::set<std::string> resource_uris_;

  std::mutex stop_mutex_;  // serializes Stop
  bool stopped_ = false;
  std::thread lifecycle_;
  RpcClient client_;  // last: its threads end before the fields above go away
};

void Upstream::Impl::Start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return;
  started_ = true;
  lifecycle_ = std::thread([this] { RunLifecycle(); });
}

State Upstream::Impl::WaitForFirstAttempt(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [this] { return first_attempt_done_ || stopping_; });
  return state_;
}

void Upstream::Impl::Stop(milliseconds grace) {
  std::lock_guard stop_lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    grace_ = grace;
  }
  changed_.notify_all();
  std::shared_ptr<ModernCalls> modern;
  {
    std::lock_guard lock(mutex_);
    modern = std::move(modern_);
    modern_ = nullptr;
  }
  modern.reset();  // ends the listen stream before the connection, so it is not reopened
  client_.Detach(Unavailable("stopped"));
  if (lifecycle_.joinable()) lifecycle_.join();
  client_.Shutdown();
  SetState(State::kStopped);
}

State Upstream::Impl::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

Health Upstream::Impl::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

void Upstream::Impl::RecordError(const std::string& error) {
  std::lock_guard lock(mutex_);
  health_.last_error = error;
}

std::shared_ptr<const Offer> Upstream::Impl::offer() const {
  std::lock_guard lock(mutex_);
  return offer_;
}

CallId Upstream::Impl::Call(std::string method, Json params, ReplyHandler on_reply,
                            CallHooks hooks) {
  if (state() != State::kReady) {
    CallId id = client_.NextId();
    on_reply(Unavailable("is not connected"));
    return id;
  }
  if (std::shared_ptr<ModernCalls> modern = Modern()) {
    return modern->Call(std::move(method), std::move(params), std::move(on_reply),
                        std::move(hooks));
  }
  return client_.Call(std::move(method), std::move(params), std::move(on_reply),
                      std::move(hooks));
}

void Upstream::Impl::Cancel(CallId id, std::string reason) {
  std::shared_ptr<ModernCalls> modern = Modern();
  if (modern && modern->Cancel(id, reason)) return;
  client_.Cancel(id, std::move(reason));
}

std::shared_ptr<ModernCalls> Upstream::Impl::Modern() const {
  std::lock_guard lock(mutex_);
  return modern_;
}

Status Upstream::Impl::Notify(std::string method, Json params) {
  if (state() != State::kReady) return Unavailable("is not connected");
  return client_.Notify(std::move(method), std::move(params));
}

void Upstream::Impl::RunLifecycle() {
  milliseconds backoff = kFirstBackoff;
  int attempt = 0;  // restarts since the upstream was last ready
  while (!Stopping()) {
    SetState(State::kConnecting);
    if (RunAttempt()) {
      backoff = kFirstBackoff;
      attempt = 0;
    }
    if (Stopping()) break;
    SetState(State::kRestarting);
    {
      std::lock_guard lock(mutex_);
      ++health_.restarts;
    }
    MarkFirstAttemptDone();
    log::Event(log::Level::kInfo, "restart",
               {{"server", config_.name}, {"attempt", ++attempt}, {"delay_ms", backoff.count()},
                {"principal", "gateway"}},
               "restarting in {} ms", backoff.count());
    if (!SleepUnlessStopping(backoff)) break;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

bool Upstream::Impl::RunAttempt() {
  Result<std::unique_ptr<Connection>> opened = open_connection_(config_);
  if (!opened.ok()) {
    log::Warn("{}", opened.status().message());
    RecordError(opened.status().message());
    return false;
  }
  std::shared_ptr<Connection> connection = std::move(opened).value();
  {
    std::lock_guard lock(mutex_);
    connection_closed_ = false;
  }
  client_.Attach(connection);
  std::thread reader([this, connection] {
    client_.ReadUntilClosed(*connection);
    MarkConnectionClosed();
  });
  // An exception here (a bug) ends this attempt like a failed handshake, never the process.
  bool ready = false;
  bool finished = protocol::Guarded(config_.name, [&] {
    ready = !Stopping() && Initialize();
    if (ready) ServeUntilClosed();
  });
  if (!finished) RecordError("internal error");
  if (ready && !Stopping()) RecordError("the connection closed");
  EndModern();
  client_.Detach(Unavailable(Stopping() ? "stopped" : "exited"));
  connection->Shutdown(Grace());
  reader.join();
  return ready;
}

bool Upstream::Impl::Initialize() {
  Offer offer;
  Status shaken = Handshake(observer_->ClientCapabilities(config_.name), offer);
  if (!shaken.ok()) {
    log::Warn("[{}] {}", config_.name, shaken.message());
    RecordError(shaken.message());
    return false;
  }
  FetchLists(ListRequester(), config_.name, DeclaredLists(offer.capabilities), offer);
  {
    std::lock_guard lock(mutex_);
    if (connection_closed_ || stopping_) return false;
  }
  log::Info("[{}] ready: {} {} ({} era)", config_.name,
            protocol::StringOr(offer.server_info, "name"), offer.protocol_version,
            EraName(offer.era));
  Publish(std::move(offer));
  SetState(State::kReady);
  MarkFirstAttemptDone();
  if (std::shared_ptr<ModernCalls> modern = Modern()) modern->StartListening();
  return true;
}

// Speaks to the server in the era it is found to be in. Modern: the DiscoverResult makes the
// offer and every later request carries the envelope; legacy: initialize, then initialized.
Status Upstream::Impl::Handshake(const Json& capabilities, Offer& offer) {
  Result<EraFound> era = FindEra(capabilities);
  if (!era.ok()) return era.status();
  if (config_.type == TransportType::kHttp && config_.era == EraSetting::kAuto) {
    RememberEra(config_.url, era->revision.empty() ? Era::kLegacy : Era::kModern);
  }
  {
    std::lock_guard lock(mutex_);
    refresh_kinds_ = 0;  // the fetch that follows covers any list_changed that came before it
  }
  if (era->revision.empty()) return InitializeLegacy(capabilities, offer);
  Status applied = ApplyDiscoverResult(era->discover, era->revision, offer);
  if (!applied.ok()) return Status(applied.code(), "server/discover failed: " + applied.message());
  log::Info("[{}] era: modern ({})", config_.name, era->revision);
  auto envelope = std::make_shared<ModernEnvelope>(era->revision, capabilities);
  client_.SetEnvelope(envelope);
  auto modern = std::make_shared<ModernCalls>(config_.name, client_, envelope,
                                              offer.capabilities, resource_uris_);
  std::lock_guard lock(mutex_);
  modern_ = std::move(modern);
  return Status::Ok();
}

Status Upstream::Impl::InitializeLegacy(const Json& capabilities, Offer& offer) {
  if (Probes()) log::Info("[{}] era: legacy (initialize)", config_.name);
  Result<Json> result = Request("initialize", InitializeParams(capabilities),
                                std::max(config_.timeout, kMinHandshakeTimeout));
  Status applied = result.ok() ? ApplyInitializeResult(*result, offer) : result.status();
  if (!applied.ok()) return Status(applied.code(), "initialize failed: " + applied.message());
  return client_.Notify("notifications/initialized", nullptr);
}

// The probe runs for "auto" and "modern" on stdio and Streamable HTTP, except for an endpoint
// already found to be legacy; legacy SSE and WebSocket are legacy only.
bool Upstream::Impl::Probes() const {
  if (config_.era == EraSetting::kLegacy) return false;
  if (config_.type == TransportType::kStdio) return true;
  if (config_.type != TransportType::kHttp) return false;
  return config_.era == EraSetting::kModern || RememberedEra(config_.url) != Era::kLegacy;
}

Result<Upstream::Impl::EraFound> Upstream::Impl::FindEra(const Json& capabilities) {
  if (!Probes()) return EraFound{};
  const bool must = config_.era == EraSetting::kModern;
  const milliseconds timeout = must ? std::max(config_.timeout, kMinHandshakeTimeout)
                                    : kProbeTimeout;
  std::string revision(protocol::kLatestModernRevision);
  // Each revision the gateway speaks is asked for at most once.
  for (std::size_t asked = 0; asked <= protocol::kModernRevisions.size(); ++asked) {
    Result<Json> reply = Request("server/discover", DiscoverParams(revision, capabilities),
                                 timeout);
    ProbeVerdict verdict = JudgeProbe(reply, revision);
    switch (verdict.kind) {
      case ProbeVerdict::Kind::kModern:
        return EraFound{revision, std::move(reply).value()};
      case ProbeVerdict::Kind::kAskAgain:
        revision = verdict.revision;
        continue;
      case ProbeVerdict::Kind::kLegacy:
        if (!must) return EraFound{};
        return Status(StatusCode::kUnavailable,
                      "is configured \"era\": \"modern\" but did not answer as a modern server (" +
                          verdict.why + ")");
      case ProbeVerdict::Kind::kUnsupported:
        return Status(StatusCode::kUnavailable, verdict.why);
    }
  }
  return Status(StatusCode::kUnavailable, "the server kept refusing the revisions it listed");
}

void Upstream::Impl::EndModern() {
  std::shared_ptr<ModernCalls> modern;
  {
    std::lock_guard lock(mutex_);
    modern = std::move(modern_);
    modern_ = nullptr;
    if (modern) resource_uris_ = modern->resource_uris();
  }
  client_.SetEnvelope(nullptr);
}

void Upstream::Impl::ServeUntilClosed() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || connection_closed_ || refresh_kinds_ != 0; });
    if (stopping_ || connection_closed_) return;
    unsigned kinds = std::exchange(refresh_kinds_, 0);
    lock.unlock();
    Refresh(kinds);
    lock.lock();
  }
}

void Upstream::Impl::Refresh(unsigned kinds) {
  Offer next = *offer();
  FetchLists(ListRequester(), config_.name, kinds & DeclaredLists(next.capabilities), next);
  Publish(std::move(next));
}

void Upstream::Impl::RequestRefresh(unsigned kinds) {
  {
    std::lock_guard lock(mutex_);
    refresh_kinds_ |= kinds;
  }
  changed_.notify_all();
}

void Upstream::Impl::OnNotification(Message notification) {
  std::shared_ptr<ModernCalls> modern = Modern();
  if (modern && !modern->Accept(notification)) return;
  if (unsigned kinds = ListChangedKind(notification.method)) return RequestRefresh(kinds);
  observer_->OnNotification(config_.name, notification);
}

void Upstream::Impl::MarkConnectionClosed() {
  {
    std::lock_guard lock(mutex_);
    connection_closed_ = true;
  }
  changed_.notify_all();
}

void Upstream::Impl::MarkFirstAttemptDone() {
  {
    std::lock_guard lock(mutex_);
    first_attempt_done_ = true;
  }
  changed_.notify_all();
}

bool Upstream::Impl::Stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

milliseconds Upstream::Impl::Grace() const {
  std::lock_guard lock(mutex_);
  return grace_;
}

bool Upstream::Impl::SleepUnlessStopping(milliseconds pause) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, pause, [this] { return stopping_; });
}

void Upstream::Impl::SetState(State next) {
  State previous;
  {
    std::lock_guard lock(mutex_);
    if (state_ == next) return;
    previous = std::exchange(state_, next);
  }
  changed_.notify_all();
  log::Event(log::Level::kInfo, "state_change",
             {{"server", config_.name}, {"from", StateName(previous)}, {"to", StateName(next)},
              {"principal", "gateway"}},
             "{}", StateName(next));
  observer_->OnStateChanged(config_.name, next);
}

void Upstream::Impl::Publish(Offer offer) {
  {
    std::lock_guard lock(mutex_);
    offer_ = std::make_shared<const Offer>(std::move(offer));
  }
  observer_->OnOfferChanged(config_.name);
}

Result<Json> Upstream::Impl::Request(std::string method, Json params, milliseconds timeout) {
  return client_.CallAndWait(std::move(method), std::move(params), timeout);
}

Requester Upstream::Impl::ListRequester() {
  return [this](std::string method, Json params) {
    return Request(std::move(method), std::move(params), config_.timeout);
  };
}

Status Upstream::Impl::Unavailable(const std::string& what) const {
  return Status(StatusCode::kUnavailable, "upstream '" + config_.name + "' " + what,
                {{"server", config_.name}});
}

Upstream::Upstream(ServerConfig config, UpstreamObserver* observer, ConnectionFactory open)
    : config_(std::move(config)),
      impl_(std::make_unique<Impl>(config_, observer, std::move(open))) {}

Upstream::~Upstream() { Stop(); }

void Upstream::Start() { impl_->Start(); }

State Upstream::WaitForFirstAttempt(std::chrono::steady_clock::time_point deadline) const {
  return impl_->WaitForFirstAttempt(deadline);
}

void Upstream::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }

State Upstream::state() const { return impl_->state(); }

Health Upstream::health() const { return impl_->health(); }

std::shared_ptr<const Offer> Upstream::offer() const { return impl_->offer(); }

CallId Upstream::Call(std::string method, Json params, ReplyHandler on_reply, CallHooks hooks) {
  return impl_->Call(std::move(method), std::move(params), std::move(on_reply), std::move(hooks));
}

void Upstream::Cancel(CallId id, std::string reason) { impl_->Cancel(id, std::move(reason)); }

void Upstream::RefreshLists() { impl_->RequestRefresh(kTools | kPrompts | kResources); }

Status Upstream::Notify(std::string method, Json params) {
  return impl_->Notify(std::move(method), std::move(params));
}

}  // namespace mcpgw::upstream
