#include "proxy/app/gateway.h"

#include "protocol/log.h"

#include <algorithm>
#include <thread>

namespace mcpgw::proxy {
namespace {

// The separator and length limit are fixed at start; aliases and exposure come from `registry`.
NamingRules NamingRulesOf(const Config& config, const Config& registry) {
  return {config.gateway.separator, config.gateway.max_tool_name_length, registry.aliases,
          registry.exposure};
}

const upstream::ServerConfig& ServerNamed(const Config& config, const std::string& name) {
  return *std::find_if(config.servers.begin(), config.servers.end(),
                       [&](const upstream::ServerConfig& server) { return server.name == name; });
}

void Merge(CatalogChanges& into, const CatalogChanges& more) {
  into.tools = into.tools || more.tools;
  into.prompts = into.prompts || more.prompts;
  into.resources = into.resources || more.resources;
}

}  // namespace

Gateway::Gateway(Config config, upstream::ConnectionFactory open)
    : config_(std::move(config)),
      open_connection_(std::move(open)),
      catalog_(NamingRulesOf(config_, config_)) {
  auto running = std::make_shared<UpstreamMap>();
  for (const auto& server : config_.servers) {
    if (!server.enabled) continue;
    running->emplace(server.name,
                     std::make_shared<upstream::Upstream>(server, this, open_connection_));
  }
  upstreams_ = std::move(running);
  servers_ = config_.servers;
}

Gateway::~Gateway() { Stop(); }

void Gateway::Start() {
  startup_deadline_ = std::chrono::steady_clock::now() + config_.gateway.startup_timeout;
  for (const auto& [name, upstream] : *Running()) upstream->Start();
}

void Gateway::WaitForStartup() const {
  for (const auto& [name, upstream] : *Running()) {
    upstream->WaitForFirstAttempt(startup_deadline_);
  }
  startup_settled_.store(true, std::memory_order_release);
}

void Gateway::Stop() {
  std::lock_guard apply_lock(apply_mutex_);
  if (stopped_) return;
  stopped_ = true;
  // In parallel, so that shutdown takes one grace period, not one per upstream.
  for (const auto& [name, upstream] : *Running()) {
    stoppers_.emplace_back(
        [upstream, grace = config_.gateway.shutdown_grace] { upstream->Stop(grace); });
  }
  for (auto& stopper : stoppers_) stopper.join();
  stoppers_.clear();
}

ServerDiff Gateway::Apply(const Config& next) {
  std::lock_guard apply_lock(apply_mutex_);
  if (stopped_) return {};
  ServerDiff diff = DiffServers(Servers(), next.servers);
  auto running = std::make_shared<UpstreamMap>(*Running());
  std::vector<UpstreamPtr> retired, started;
  for (const auto* names : {&diff.removed, &diff.changed}) {
    for (const std::string& name : *names) {
      retired.push_back(running->at(name));
      running->erase(name);
    }
  }
  for (const auto* names : {&diff.added, &diff.changed}) {
    for (const std::string& name : *names) {
      started.push_back(
          std::make_shared<upstream::Upstream>(ServerNamed(next, name), this, open_connection_));
      running->emplace(name, started.back());
      metrics_.AddServer(name);
    }
  }
  {
    std::lock_guard lock(registry_mutex_);
    upstreams_ = std::move(running);
    servers_ = next.servers;
  }
  CatalogChanges changes;
  for (const UpstreamPtr& upstream : retired) {
    arguments_.Update(upstream->name(), nullptr);
    Merge(changes, catalog_.Update(upstream->name(), nullptr));
  }
  Merge(changes, catalog_.SetRules(NamingRulesOf(config_, next)));
  BroadcastChanges(changes);
  for (const UpstreamPtr& upstream : started) upstream->Start();
  for (UpstreamPtr& upstream : retired) {
    stoppers_.emplace_back([upstream = std::move(upstream),
                            grace = config_.gateway.shutdown_grace] { upstream->Stop(grace); });
  }
  return diff;
}

std::vector<upstream::ServerConfig> Gateway::Servers() const {
  std::lock_guard lock(registry_mutex_);
  return servers_;
}

std::shared_ptr<const Gateway::UpstreamMap> Gateway::Running() const {
  std::lock_guard lock(registry_mutex_);
  return upstreams_;
}

Gateway::UpstreamPtr Gateway::FindUpstream(std::string_view server) const {
  std::shared_ptr<const UpstreamMap> running = Running();
  auto found = running->find(server);
  return found == running->end() ? nullptr : found->second;
}

std::vector<Gateway::UpstreamPtr> Gateway::Upstreams() const {
  std::vector<UpstreamPtr> all;
  for (const auto& [name, upstream] : *Running()) all.push_back(upstream);
  return all;
}

std::vector<std::string> Gateway::HubLink::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, upstream] : *gateway_.Running()) names.push_back(name);
  return names;
}

void Gateway::HubLink::Send(const std::string& server, const std::string& method,
                            protocol::Json params) {
  UpstreamPtr upstream = gateway_.FindUpstream(server);
  if (upstream == nullptr || upstream->state() != upstream::State::kReady) return;
  if (method == "logging/setLevel" && !upstream->offer()->capabilities.contains("logging")) return;
  upstream->Call(method, std::move(params), [server, method](protocol::Result<protocol::Json> r) {
    if (!r.ok()) log::Debug("[{}] {} failed: {}", server, method, r.status().message());
  });
}

void Gateway::OnOfferChanged(const std::string& server) {
  UpstreamPtr upstream = FindUpstream(server);
  if (upstream == nullptr) return;
  std::shared_ptr<const upstream::Offer> offer = upstream->offer();
  arguments_.Update(server, offer.get());  // first, so that a newly routable tool is checked
  BroadcastChanges(catalog_.Update(server, std::move(offer)));
}

void Gateway::BroadcastChanges(const CatalogChanges& changes) {
  using protocol::MakeNotification;
  if (changes.tools) hub_.Broadcast(MakeNotification("notifications/tools/list_changed"));
  if (changes.prompts) hub_.Broadcast(MakeNotification("notifications/prompts/list_changed"));
  if (changes.resources) hub_.Broadcast(MakeNotification("notifications/resources/list_changed"));
}

// The upstream logs its own state changes (only it knows the state it left); /metrics shows them.
// A (re)connected upstream has forgotten the sessions' subscriptions and log level.
void Gateway::OnStateChanged(const std::string& server, upstream::State state) {
  metrics_.SetUpstreamState(server, state);
  if (state == upstream::State::kReady) hub_.UpstreamReady(server);
}

void Gateway::OnNotification(const std::string& server, const protocol::Message& notification) {
  hub_.FromUpstream(server, notification);
}

}  // namespace mcpgw::proxy
