#include "proxy/session/notification_hub.h"

#include "protocol/log.h"
#include "proxy/routing/resource_uri.h"
#include "proxy/session/log_levels.h"
#include "proxy/session/task_registry.h"

#include <algorithm>
#include <array>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;
using protocol::Status;
using protocol::StatusCode;

namespace {

std::string StringAt(const Json& params, const char* key) {
  if (!params.is_object()) return "";
  auto found = params.find(key);
  return found != params.end() && found->is_string() ? found->get<std::string>() : "";
}

// A line without a known level counts as debug: a session that asked for less never sees it.
int LineRank(const Message& line) { return LogLevelRank(StringAt(line.params, "level")).value_or(0); }

// An upstream's log line goes to clients as the upstream sent it (its `logger` included), with
// the server's name added as params._meta["io.mcpgw/server"] (README "Notifications"), which
// replaces any value the upstream put there: a client can tell the lines apart, and an upstream
// cannot pass its lines off as another's.
Message WithServerMeta(const std::string& server, Message notification) {
  if (!notification.params.is_object()) return notification;
  Json& meta = notification.params["_meta"];
  if (!meta.is_object()) meta = Json::object();
  meta[std::string(kServerMetaKey)] = server;
  log::Debug("[{}] relaying a log line: level={} logger={}", server,
             StringAt(notification.params, "level"), StringAt(notification.params, "logger"));
  return notification;
}

// Log lines are server-wide and may tell of any caller's use of it: only a key that may read
// the whole server (its tool "*", from a rule whose tool is "*" or the policy default) gets them.
bool MayReadServer(const Access& access, const std::string& server) {
  return access.MayRead(server, "*");
}

}  // namespace

// Subscriptions and updates compare URIs in canonical form, so an update spelled differently
// from the subscription (case, escapes, dot segments) still reaches its subscribers. A URI
// without a canonical form is compared as written.
std::string ResourceKey(std::string_view uri) {
  protocol::Result<std::string> canonical = CanonicalUri(uri);
  return canonical.ok() ? std::move(canonical).value() : std::string(uri);
}

NotificationHub::NotificationHub(Upstreams& upstreams, TaskRegistry* tasks)
    : upstreams_(upstreams), tasks_(tasks) {}

void NotificationHub::Join(Member* member) {
  const std::vector<std::string> servers = upstreams_.Names();
  std::lock_guard send_lock(send_mutex_);
  {
    std::lock_guard lock(mutex_);
    members_.emplace(member, std::nullopt);
    UpdateUpstreamLevels(servers);
  }
  SendQueued();
}

upstream::Withdraw NotificationHub::Listener::Relay(const std::string& server, Message request,
                                                    upstream::ReplyHandler reply) {
  reply(Status(StatusCode::kUnavailable, "a subscriptions/listen stream takes no requests"));
  log::Debug("[{}] refused {} on a listen stream", server, request.method);
  return nullptr;
}

void NotificationHub::JoinListener(Listener* listener) {
  std::lock_guard lock(mutex_);
  listeners_.insert(listener);
}

void NotificationHub::EndListeners() {
  std::lock_guard lock(mutex_);
  for (Listener* listener : listeners_) listener->End();
}

void NotificationHub::Leave(Member* member) {
  const std::vector<std::string> servers = upstreams_.Names();
  std::lock_guard send_lock(send_mutex_);
  {
    std::lock_guard lock(mutex_);
    members_.erase(member);
    std::erase_if(listeners_, [member](Listener* listener) { return listener == member; });
    // Under mutex_, so no task status can reach a later member at the same address.
    if (tasks_ != nullptr) tasks_->SessionEnded(member);
    for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
      const SubscriptionKey key = (it++)->first;  // Remove may erase the entry
      // Sent even when not confirmed: a subscribe still in flight may yet succeed.
      if (auto gone = Remove(member, key)) Queue(key.first, "resources/unsubscribe", gone->uri);
    }
    UpdateUpstreamLevels(servers);
  }
  SendQueued();
}

bool NotificationHub::Subscribe(Member* member, const std::string& server, const std::string& uri) {
  std::lock_guard lock(mutex_);
  Subscription& subscription = subscriptions_[{server, ResourceKey(uri)}];
  if (subscription.members.empty()) subscription.uri = uri;
  subscription.members.insert(member);
  return !subscription.confirmed;
}

void NotificationHub::Confirm(const std::string& server, const std::string& uri) {
  std::lock_guard lock(mutex_);
  auto found = subscriptions_.find({server, ResourceKey(uri)});
  if (found != subscriptions_.end()) found->second.confirmed = true;
}

void NotificationHub::Withdraw(Member* member, const std::string& server, const std::string& uri) {
  std::lock_guard send_lock(send_mutex_);
  {
    std::lock_guard lock(mutex_);
    auto gone = Remove(member, {server, ResourceKey(uri)});
    // Confirmed: another session's subscribe succeeded, and this was the last subscriber.
    if (gone && gone->confirmed) Queue(server, "resources/unsubscribe", gone->uri);
  }
  SendQueued();
}

std::optional<std::string> NotificationHub::Unsubscribe(Member* member, const std::string& server,
                                                        const std::string& uri) {
  std::lock_guard lock(mutex_);
  auto gone = Remove(member, {server, ResourceKey(uri)});
  if (!gone) return std::nullopt;
  return gone->uri;
}

std::optional<NotificationHub::Subscription> NotificationHub::Remove(Member* member,
                                                                     const SubscriptionKey& key) {
  auto found = subscriptions_.find(key);
  if (found == subscriptions_.end() || found->second.members.erase(member) == 0) return {};
  if (!found->second.members.empty()) return {};
  Subscription gone = std::move(found->second);
  subscriptions_.erase(found);
  return gone;
}

Status NotificationHub::SetLevel(Member* member, std::string_view level) {
  std::optional<int> rank = LogLevelRank(level);
  if (!rank) {
    return {StatusCode::kInvalidArgument,
            std::string("Invalid params: \"level\" must be one of ") + kLogLevelChoices};
  }
  const std::vector<std::string> servers = upstreams_.Names();
  std::lock_guard send_lock(send_mutex_);
  {
    std::lock_guard lock(mutex_);
    members_[member] = rank;
    UpdateUpstreamLevels(servers);
  }
  SendQueued();
  return Status::Ok();
}

void NotificationHub::UpdateUpstreamLevels(const std::vector<std::string>& servers) {
  for (const std::string& server : servers) {
    std::optional<int> wanted = LowestWanted(server);
    if (!wanted) continue;
    auto [sent, first] = upstream_levels_.try_emplace(server, *wanted);
    if (!first && sent->second == *wanted) continue;
    sent->second = *wanted;
    queued_.push_back({server, "logging/setLevel", {{"level", LogLevelName(*wanted)}}});
  }
}

// Once any reader has asked for a level, every reader counts: one that never asked wants
// everything (debug), so that one session's level never narrows what another gets.
std::optional<int> NotificationHub::LowestWanted(const std::string& server) const {
  std::optional<int> lowest;
  bool asked = upstream_levels_.contains(server);
  for (const auto& [member, level] : members_) {
    if (!MayReadServer(member->access(), server)) continue;
    asked = asked || level.has_value();
    const int wants = level.value_or(0);
    lowest = lowest ? std::min(*lowest, wants) : wants;
  }
  return asked ? lowest : std::nullopt;
}

void NotificationHub::FromUpstream(const std::string& server, const Message& notification) {
  if (notification.method == "notifications/message") {
    DeliverLogLine(server, WithServerMeta(server, notification));
  } else if (notification.method == "notifications/resources/updated") {
    DeliverUpdate(server, notification);
  } else if (notification.method == "notifications/elicitation/complete") {
    DeliverElicitationComplete(server, notification);
  } else if (notification.method == "notifications/tasks/status") {
    DeliverTaskStatus(server, notification);
  } else {
    log::Debug("[{}] dropped notification {}", server, notification.method);
  }
}

void NotificationHub::DeliverLogLine(const std::string& server, const Message& line) {
  const int rank = LineRank(line);
  std::lock_guard lock(mutex_);
  for (const auto& [member, level] : members_) {
    if (rank < level.value_or(0) || !MayReadServer(member->access(), server)) continue;
    member->Deliver(line);
  }
}

void NotificationHub::DeliverElicitationComplete(const std::string& server,
                                                 const Message& notification) {
  const std::string id = StringAt(notification.params, "elicitationId");
  std::lock_guard lock(mutex_);
  for (const auto& [member, level] : members_) {
    if (member->TakeElicitation(server, id)) return member->Deliver(notification);
  }
  log::Debug("[{}] dropped the completion of elicitation {}: no session got it", server, id);
}

std::optional<upstream::Withdraw> NotificationHub::RelayToOnlyMember(
    const std::string& server, const Message& request, const upstream::ReplyHandler& reply) {
  std::lock_guard lock(mutex_);
  if (members_.size() != 1) return std::nullopt;
  return members_.begin()->first->Relay(server, request, reply);
}

void NotificationHub::DeliverUpdate(const std::string& server, const Message& update) {
  const std::string uri = StringAt(update.params, "uri");
  std::lock_guard lock(mutex_);
  auto found = subscriptions_.find({server, ResourceKey(uri)});
  if (found == subscriptions_.end()) {
    log::Debug("[{}] dropped an update of {}: no session subscribed to it", server, uri);
    return;
  }
  const std::string& canonical = found->first.second;  // rules are decided on canonical URIs
  for (Member* member : found->second.members) {
    if (member->access().MayRead(server, canonical)) member->Deliver(update);
  }
}

void NotificationHub::DeliverTaskStatus(const std::string& server, const Message& status) {
  if (tasks_ == nullptr) return;
  std::lock_guard lock(mutex_);
  std::optional<TaskRegistry::Delivery> delivery = tasks_->StatusNotification(server, status);
  if (!delivery) {
    log::Debug("[{}] dropped a task status: no session owns the task", server);
    return;
  }
  auto member = members_.find(const_cast<Member*>(delivery->session));
  if (member != members_.end()) member->first->Deliver(delivery->notification);
}

void NotificationHub::ListChanged(const Message& notification, const std::vector<Route>& changed) {
  auto sees_change = [&changed](const Member& member) {
    return std::any_of(changed.begin(), changed.end(), [&member](const Route& route) {
      return member.access().MayRead(route.server, route.name);
    });
  };
  std::lock_guard lock(mutex_);
  for (const auto& [member, level] : members_) member->Deliver(notification);
  for (Listener* listener : listeners_) {
    if (sees_change(*listener)) listener->Deliver(notification);
  }
}

void NotificationHub::UpstreamReady(const std::string& server) {
  std::lock_guard send_lock(send_mutex_);
  {
    std::lock_guard lock(mutex_);
    auto level = upstream_levels_.find(server);
    if (level != upstream_levels_.end()) {
      queued_.push_back({server, "logging/setLevel", {{"level", LogLevelName(level->second)}}});
    }
    for (const auto& [key, subscription] : subscriptions_) {
      if (key.first == server) Queue(server, "resources/subscribe", subscription.uri);
    }
  }
  SendQueued();
}

void NotificationHub::Queue(const std::string& server, const char* method, const std::string& uri) {
  queued_.push_back({server, method, {{"uri", uri}}});
}

// Outside mutex_, so that deliveries never wait on an upstream's pipe; send_mutex_ keeps the
// requests in the order they were decided.
void NotificationHub::SendQueued() {
  std::vector<Outgoing> sending = std::exchange(queued_, {});
  for (Outgoing& request : sending) {
    upstreams_.Send(request.server, request.method, std::move(request.params));
  }
}

}  // namespace mcpgw::proxy
