#include "proxy/gateway.h"

#include "protocol/log.h"

#include <algorithm>
#include <thread>

namespace mcpgw::proxy {
namespace {

NamingRules NamingRulesOf(const Config& config) {
  return {config.gateway.separator, config.gateway.max_tool_name_length, config.aliases,
          config.exposure};
}

// Upstream log lines carry the server's name as the logger, so a client can tell them apart.
protocol::Message WithServerLogger(const std::string& server, protocol::Message notification) {
  if (!notification.params.is_object()) return notification;
  auto logger = notification.params.find("logger");
  notification.params["logger"] = logger != notification.params.end() && logger->is_string()
                                      ? server + "/" + logger->get<std::string>()
                                      : server;
  return notification;
}

}  // namespace

Gateway::Gateway(Config config) : config_(std::move(config)), catalog_(NamingRulesOf(config_)) {
  for (const auto& server : config_.servers) {
    if (!server.enabled) continue;
    upstreams_.emplace(server.name, std::make_unique<upstream::Upstream>(server, this));
  }
}

Gateway::~Gateway() { Stop(); }

void Gateway::Start() {
  startup_deadline_ = std::chrono::steady_clock::now() + config_.gateway.startup_timeout;
  for (auto& [name, upstream] : upstreams_) upstream->Start();
}

void Gateway::WaitForStartup() const {
  for (const auto& [name, upstream] : upstreams_) {
    upstream->WaitForFirstAttempt(startup_deadline_);
  }
}

void Gateway::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // In parallel, so that shutdown takes one grace period, not one per upstream.
  std::vector<std::thread> stoppers;
  for (auto& [name, upstream] : upstreams_) {
    stoppers.emplace_back([&up = *upstream, grace = config_.gateway.shutdown_grace] {
      up.Stop(grace);
    });
  }
  for (auto& stopper : stoppers) stopper.join();
}

upstream::Upstream* Gateway::FindUpstream(std::string_view server) const {
  auto found = upstreams_.find(server);
  return found == upstreams_.end() ? nullptr : found->second.get();
}

std::vector<upstream::Upstream*> Gateway::Upstreams() const {
  std::vector<upstream::Upstream*> all;
  for (const auto& [name, upstream] : upstreams_) all.push_back(upstream.get());
  return all;
}

void Gateway::AddNotifier(ClientNotifier* notifier) {
  std::lock_guard lock(notifiers_mutex_);
  notifiers_.push_back(notifier);
}

void Gateway::RemoveNotifier(ClientNotifier* notifier) {
  std::lock_guard lock(notifiers_mutex_);
  std::erase(notifiers_, notifier);
}

void Gateway::OnOfferChanged(const std::string& server) {
  auto* upstream = FindUpstream(server);
  if (upstream == nullptr) return;
  std::shared_ptr<const upstream::Offer> offer = upstream->offer();
  arguments_.Update(server, offer.get());  // first, so that a newly routable tool is checked
  CatalogChanges changes = catalog_.Update(server, std::move(offer));
  if (changes.tools) Broadcast(protocol::MakeNotification("notifications/tools/list_changed"));
  if (changes.prompts) Broadcast(protocol::MakeNotification("notifications/prompts/list_changed"));
  if (changes.resources) {
    Broadcast(protocol::MakeNotification("notifications/resources/list_changed"));
  }
}

void Gateway::OnStateChanged(const std::string& server, upstream::State state) {
  log::Info("[{}] {}", server, upstream::StateName(state));
  metrics_.SetUpstreamState(server, state);
}

void Gateway::OnNotification(const std::string& server, const protocol::Message& notification) {
  if (notification.method == "notifications/message") {
    Broadcast(WithServerLogger(server, notification));
  } else if (notification.method == "notifications/resources/updated") {
    Broadcast(notification);
  } else {
    log::Debug("[{}] dropped notification {}", server, notification.method);
  }
}

void Gateway::Broadcast(const protocol::Message& notification) {
  std::lock_guard lock(notifiers_mutex_);
  for (auto* notifier : notifiers_) notifier->NotifyClient(notification);
}

}  // namespace mcpgw::proxy
