#pragma once

#include "upstream/server_config.h"
#include "upstream/server_diff.h"
#include "upstream/upstream.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace mcpgw::upstream {

// A running upstream, shared: a caller's copy keeps a removed one alive until it lets go.
using UpstreamPtr = std::shared_ptr<Upstream>;

// Every configured server and an Upstream for each enabled one: starts them all in parallel,
// waits for their first start attempt, replaces the set as a server diff says (Apply) and stops
// them all. Each Upstream reports to the observer given at construction. Any thread.
class UpstreamSet {
 public:
  // What must happen after Apply has swapped in the new set and before the new upstreams start;
  // runs on Apply's thread, which holds Apply's lock: it must not call Apply or Stop.
  using BeforeStart = std::function<void(const ServerDiff& diff)>;

  // Creates (without starting) an Upstream for each enabled server in `servers`, reporting to
  // `observer`, which must outlive the set; every upstream, then and in Apply, connects through
  // `open`. Start() gives their first attempts `startup_timeout`; Stop() gives each
  // `shutdown_grace` before SIGKILL.
  UpstreamSet(std::vector<ServerConfig> servers, UpstreamObserver* observer,
              std::chrono::milliseconds startup_timeout, std::chrono::milliseconds shutdown_grace,
              ConnectionFactory open = OpenConnection);
  ~UpstreamSet();  // Stop()
  UpstreamSet(const UpstreamSet&) = delete;
  UpstreamSet& operator=(const UpstreamSet&) = delete;

  // Starts every upstream in parallel and returns at once.
  void Start();

  // Blocks until every running upstream has finished its first start attempt, or until
  // startup_timeout after Start(), whichever comes first.
  void WaitForStartup() const;
  // Whether a WaitForStartup has returned, so that none will wait again.
  bool StartupSettled() const { return startup_settled_.load(std::memory_order_acquire); }

  // Stops every upstream in parallel (SIGTERM, then SIGKILL after shutdown_grace); their waiting
  // calls fail with kUnavailable. Waits for the upstreams Apply retired. Idempotent.
  void Stop();

  // Makes the set what `next` says: unchanged enabled servers keep their Upstream; changed ones
  // get a new Upstream; removed or disabled ones are stopped on a thread of their own (their
  // waiting calls fail with kUnavailable "upstream 'x' stopped"). Calls `before_start` once the
  // new set is in place, then starts the new upstreams. Returns what changed. Calls run one at
  // a time; after Stop() it does nothing and returns an empty diff.
  ServerDiff Apply(std::vector<ServerConfig> next, const BeforeStart& before_start);

  // Every server in the set now, enabled or not, in the order given (a Config's: by name).
  std::vector<ServerConfig> Servers() const;
  // The running upstream of that exact server name, or null. Cheap (a pointer copy under a
  // mutex).
  UpstreamPtr Find(std::string_view server) const;
  // Every running upstream, sorted by name.
  std::vector<UpstreamPtr> Running() const;

 private:
  using UpstreamMap = std::map<std::string, UpstreamPtr, std::less<>>;

  std::shared_ptr<const UpstreamMap> Snapshot() const;
  // Stops the upstream on a thread of its own, joined by Stop(). Caller holds apply_mutex_.
  void Retire(UpstreamPtr upstream);

  UpstreamObserver* const observer_;
  const ConnectionFactory open_;
  const std::chrono::milliseconds startup_timeout_;
  const std::chrono::milliseconds shutdown_grace_;
  mutable std::mutex mutex_;  // guards the two below; held only to copy or swap them
  std::shared_ptr<const UpstreamMap> upstreams_;  // immutable; replaced whole by Apply
  std::vector<ServerConfig> servers_;             // every configured server, by name
  std::mutex apply_mutex_;             // serializes Apply and Stop: guards stoppers_ and stopped_
  std::vector<std::thread> stoppers_;  // stopping the upstreams Apply retired
  bool stopped_ = false;
  std::chrono::steady_clock::time_point startup_deadline_;  // set by Start()
  mutable std::atomic<bool> startup_settled_{false};
};

}  // namespace mcpgw::upstream
