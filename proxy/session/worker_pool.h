#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
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

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace mcpgw::proxy
