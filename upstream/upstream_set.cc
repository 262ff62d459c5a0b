#include "upstream/upstream_set.h"

#include <algorithm>

namespace mcpgw::upstream {
namespace {

const ServerConfig& ServerNamed(const std::vector<ServerConfig>& servers, const std::string& name) {
  return *std::find_if(servers.begin(), servers.end(),
                       [&](const ServerConfig& server) { return server.name == name; });
}

}  // namespace

UpstreamSet::UpstreamSet(std::vector<ServerConfig> servers, UpstreamObserver* observer,
                         std::chrono::milliseconds startup_timeout,
                         std::chrono::milliseconds shutdown_grace, ConnectionFactory open)
    : observer_(observer),
      open_(std::move(open)),
      startup_timeout_(startup_timeout),
      shutdown_grace_(shutdown_grace),
      servers_(std::move(servers)) {
  auto running = std::make_shared<UpstreamMap>();
  for (const ServerConfig& server : servers_) {
    if (server.enabled)
      running->emplace(server.name, std::make_shared<Upstream>(server, observer_, open_));
  }
  upstreams_ = std::move(running);
}

UpstreamSet::~UpstreamSet() { Stop(); }

void UpstreamSet::Start() {
  startup_deadline_ = std::chrono::steady_clock::now() + startup_timeout_;
  for (const auto& [name, upstream] : *Snapshot()) upstream->Start();
}

void UpstreamSet::WaitForStartup() const {
  for (const auto& [name, upstream] : *Snapshot()) {
    upstream->WaitForFirstAttempt(startup_deadline_);
  }
  startup_settled_.store(true, std::memory_order_release);
}

void UpstreamSet::Stop() {
  std::lock_guard apply_lock(apply_mutex_);
  if (stopped_) return;
  stopped_ = true;
  // In parallel, so that shutdown takes one grace period, not one per upstream.
  for (const auto& [name, upstream] : *Snapshot()) Retire(upstream);
  for (auto& stopper : stoppers_) stopper.join();
  stoppers_.clear();
}

void UpstreamSet::Retire(UpstreamPtr upstream) {
  stoppers_.emplace_back(
      [upstream = std::move(upstream), grace = shutdown_grace_] { upstream->Stop(grace); });
}

ServerDiff UpstreamSet::Apply(std::vector<ServerConfig> next, const BeforeStart& before_start) {
  std::lock_guard apply_lock(apply_mutex_);
  if (stopped_) return {};
  ServerDiff diff = DiffServers(Servers(), next);
  auto running = std::make_shared<UpstreamMap>(*Snapshot());
  std::vector<UpstreamPtr> retired, started;
  for (const auto* names : {&diff.removed, &diff.changed}) {
    for (const std::string& name : *names) {
      retired.push_back(running->at(name));
      running->erase(name);
    }
  }
  for (const auto* names : {&diff.added, &diff.changed}) {
    for (const std::string& name : *names) {
      started.push_back(std::make_shared<Upstream>(ServerNamed(next, name), observer_, open_));
      running->emplace(name, started.back());
    }
  }
  {
    std::lock_guard lock(mutex_);
    upstreams_ = std::move(running);
    servers_ = std::move(next);
  }
  before_start(diff);
  for (const UpstreamPtr& upstream : started) upstream->Start();
  for (UpstreamPtr& upstream : retired) Retire(std::move(upstream));
  return diff;
}

std::vector<ServerConfig> UpstreamSet::Servers() const {
  std::lock_guard lock(mutex_);
  return servers_;
}

std::shared_ptr<const UpstreamSet::UpstreamMap> UpstreamSet::Snapshot() const {
  std::lock_guard lock(mutex_);
  return upstreams_;
}

UpstreamPtr UpstreamSet::Find(std::string_view server) const {
  std::shared_ptr<const UpstreamMap> running = Snapshot();
  auto found = running->find(server);
  return found == running->end() ? nullptr : found->second;
}

std::vector<UpstreamPtr> UpstreamSet::Running() const {
  std::vector<UpstreamPtr> all;
  for (const auto& [name, upstream] : *Snapshot()) all.push_back(upstream);
  return all;
}

}  // namespace mcpgw::upstream
