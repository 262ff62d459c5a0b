#include "proxy/session/own_upstreams.h"

#include "protocol/log.h"

#include <thread>
#include <vector>

namespace mcpgw::proxy {

OwnUpstreams::~OwnUpstreams() { StopAll(); }

upstream::UpstreamPtr OwnUpstreams::For(const upstream::ServerConfig& config) {
  upstream::UpstreamPtr upstream;
  upstream::UpstreamPtr replaced;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return nullptr;
    upstream::UpstreamPtr& slot = open_[config.name];
    if (slot && slot->config() == config) return slot;
    replaced = std::exchange(slot, std::make_shared<upstream::Upstream>(config, this));
    upstream = slot;
  }
  if (replaced) replaced->Stop();
  log::Info("[{}] opening a connection of the session's own", config.name);
  upstream->Start();
  upstream->WaitForFirstAttempt(std::chrono::steady_clock::now() + config.timeout);
  return upstream;
}

std::vector<upstream::UpstreamPtr> OwnUpstreams::All() const {
  std::lock_guard lock(mutex_);
  std::vector<upstream::UpstreamPtr> all;
  for (const auto& [name, upstream] : open_) all.push_back(upstream);
  return all;
}

void OwnUpstreams::StopAll() {
  std::map<std::string, upstream::UpstreamPtr> stopping;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    stopping.swap(open_);
  }
  std::vector<std::thread> stoppers;
  for (auto& [name, upstream] : stopping) {
    stoppers.emplace_back([upstream] { upstream->Stop(); });
  }
  for (std::thread& stopper : stoppers) stopper.join();
}

void OwnUpstreams::OnNotification(const std::string& server,
                                  const protocol::Message& notification) {
  owner_.notify(server, notification);
}

upstream::Withdraw OwnUpstreams::OnRequest(const std::string& server, protocol::Message request,
                                           upstream::ReplyHandler reply) {
  return owner_.relay(server, std::move(request), std::move(reply));
}

protocol::Json OwnUpstreams::ClientCapabilities(const std::string&) {
  return owner_.client_capabilities();
}

}  // namespace mcpgw::proxy
