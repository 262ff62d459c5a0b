#include "upstream/listen_stream.h"

#include "protocol/era.h"
#include "protocol/guard.h"
#include "protocol/json_field.h"
#include "protocol/log.h"

#include <nlohmann/json.hpp>

namespace mcpgw::upstream {
namespace {

using protocol::Json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kFirstBackoff{250};
constexpr milliseconds kMaxBackoff{30000};
// A listen request stays open for as long as the server keeps it: it has no timeout of its own.
constexpr milliseconds kNoTimeout = std::chrono::hours(24 * 365);

bool ListChanged(const Json& capabilities, const char* list) {
  const Json* declared = protocol::FindMember(capabilities, list);
  const Json* flag = declared ? protocol::FindMember(*declared, "listChanged") : nullptr;
  return flag != nullptr && flag->is_boolean() && flag->get<bool>();
}

// The subscription id a notification names, as text (servers send the request's id as a number
// or as a string); empty when it names none.
std::string SubscriptionOf(const Json& params) {
  const Json* meta = protocol::FindMember(params, "_meta");
  const Json* id = meta ? protocol::FindMember(*meta, protocol::kMetaSubscriptionId) : nullptr;
  if (id == nullptr) return {};
  return id->is_string() ? id->get<std::string>() : id->dump();
}

}  // namespace

Json ListenStream::ListenParams(const Json& capabilities, const std::set<std::string>& uris) {
  Json filter = Json::object();
  if (ListChanged(capabilities, "tools")) filter["toolsListChanged"] = true;
  if (ListChanged(capabilities, "prompts")) filter["promptsListChanged"] = true;
  if (ListChanged(capabilities, "resources")) filter["resourcesListChanged"] = true;
  if (!uris.empty()) filter["resourceSubscriptions"] = uris;
  return {{"notifications", std::move(filter)}};
}

ListenStream::ListenStream(std::string server, RpcClient& client, const Json& capabilities,
                           std::set<std::string> resource_uris)
    : server_(std::move(server)),
      client_(client),
      capabilities_(capabilities),
      uris_(std::move(resource_uris)),
      backoff_(kFirstBackoff),
      reopen_at_(Clock::now()),
      thread_([this] { protocol::Guarded(server_, [this] { Run(); }); }) {}

ListenStream::~ListenStream() {
  CallId open;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    open = std::exchange(open_, 0);
  }
  changed_.notify_all();
  if (open != 0) client_.Cancel(open, "the gateway stopped listening");
  thread_.join();
}

void ListenStream::SetResources(std::set<std::string> uris) {
  CallId open;
  {
    std::lock_guard lock(mutex_);
    if (uris == uris_) return;
    uris_ = std::move(uris);
    open = std::exchange(open_, 0);
  }
  // The old request is cancelled before the new one goes out.
  if (open != 0) client_.Cancel(open, "the resource subscriptions changed");
  {
    std::lock_guard lock(mutex_);
    reopen_ = true;
    reopen_at_ = Clock::now();
  }
  changed_.notify_all();
}

bool ListenStream::Accept(protocol::Message& notification) {
  std::string subscription = SubscriptionOf(notification.params);
  std::lock_guard lock(mutex_);
  if (!subscription.empty() && subscription != std::to_string(open_)) return false;
  if (notification.method == "notifications/subscriptions/acknowledged") {
    backoff_ = kFirstBackoff;
    return false;
  }
  if (!subscription.empty()) {
    notification.params["_meta"].erase(protocol::kMetaSubscriptionId);
    if (notification.params["_meta"].empty()) notification.params.erase("_meta");
  }
  return true;
}

void ListenStream::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (reopen_ && Clock::now() >= reopen_at_) {
      Open(lock);
      continue;
    }
    if (reopen_) {
      changed_.wait_until(lock, reopen_at_);
    } else {
      changed_.wait(lock);
    }
  }
}

// Sends the request with the lock released; its reply (the end of the stream) may come at once.
void ListenStream::Open(std::unique_lock<std::mutex>& lock) {
  reopen_ = false;
  Json params = ListenParams(capabilities_, uris_);
  if (params["notifications"].empty()) return;  // nothing to listen for
  CallId id = client_.NextId();
  open_ = id;
  lock.unlock();
  client_.CallWithin(
      kNoTimeout, "subscriptions/listen", std::move(params),
      [this, id](protocol::Result<Json> outcome) { OnEnded(id, outcome); }, {}, id);
  lock.lock();
  if (open_ == id) return;
  // Stopped or replaced while it was being sent, before it could be cancelled.
  lock.unlock();
  client_.Cancel(id, "the gateway stopped listening");
  lock.lock();
}

void ListenStream::OnEnded(CallId id, const protocol::Result<Json>& outcome) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || open_ != id) return;  // cancelled on purpose, or replaced
    open_ = 0;
    log::Info("[{}] the subscriptions/listen stream ended ({}); opening it again in {} ms", server_,
              outcome.ok() ? "closed by the server" : outcome.status().message(), backoff_.count());
    reopen_ = true;
    reopen_at_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  }
  changed_.notify_all();
}

}  // namespace mcpgw::upstream
