#include "proxy/session/worker_pool.h"

#include "protocol/guard.h"

namespace mcpgw::proxy {

WorkerPool::WorkerPool(std::size_t threads) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::Submit(std::function<void()> task) { return tasks_.Push(std::move(task)); }

void WorkerPool::Shutdown() {
  tasks_.Close();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void WorkerPool::Work() {
  while (std::optional<std::function<void()>> task = tasks_.Pop()) {
    protocol::Guarded("a queued request", *task);
  }
}

}  // namespace mcpgw::proxy
