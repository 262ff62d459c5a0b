#include "upstream/client_pool.h"

namespace mcpgw::upstream {

ClientPool::ClientPool(Url origin, const ServerConfig& config, std::chrono::seconds read_timeout)
    : origin_(std::move(origin)), config_(config), read_timeout_(read_timeout) {}

ClientPool::Lease ClientPool::Acquire() {
  std::lock_guard lock(mutex_);
  if (!idle_.empty()) {
    httplib::Client* client = idle_.back();
    idle_.pop_back();
    return Lease(*this, client);
  }
  all_.push_back(MakeHttpClient(origin_, config_, read_timeout_));
  return Lease(*this, all_.back().get());
}

void ClientPool::StopAll() {
  std::lock_guard lock(mutex_);
  for (auto& client : all_) client->stop();
}

void ClientPool::Release(httplib::Client* client) {
  std::lock_guard lock(mutex_);
  idle_.push_back(client);
}

}  // namespace mcpgw::upstream
