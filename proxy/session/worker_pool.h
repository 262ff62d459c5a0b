#pragma once

#include "protocol/blocking_queue.h"

#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace mcpgw::proxy {

// A fixed set of threads running submitted tasks in order of submission. Downstream requests
// run here so that a request waiting (for upstream start-up) never holds up the reader.
class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();  // Shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a task. Returns false (and drops it) after Shutdown(). Any thread.
  bool Submit(std::function<void()> task);

  // Runs the tasks already queued, then joins the threads. Idempotent.
  void Shutdown();

 private:
  void Work();

  protocol::BlockingQueue<std::function<void()>> tasks_;  // closed by Shutdown
  std::vector<std::thread> threads_;
};

}  // namespace mcpgw::proxy
