#pragma once

#include "proxy/access/argument_validator.h"
#include "proxy/observe/audit_log.h"
#include "proxy/routing/catalog.h"
#include "proxy/config/config.h"
#include "proxy/observe/metrics.h"
#include "proxy/session/notification_hub.h"
#include "proxy/access/rate_limiter.h"
#include "proxy/config/server_diff.h"
#include "upstream/upstream.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace mcpgw::proxy {

// The composition root: owns the upstreams and the Catalog, keeps the Catalog in step with what
// the upstreams offer, and hands their news to the NotificationHub. Holds no protocol logic.
// The set of servers, the aliases and the exposure can change at run time (Apply); everything
// else in config() is fixed for the gateway's life.
class Gateway : public upstream::UpstreamObserver {
 public:
  // Its upstreams open their connections through `open` (by default the configured transports).
  explicit Gateway(Config config, upstream::ConnectionFactory open = upstream::OpenConnection);
  ~Gateway() override;  // Stop()
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  using UpstreamPtr = std::shared_ptr<upstream::Upstream>;

  // Starts every enabled upstream in parallel and returns at once.
  void Start();

  // Blocks until every enabled upstream has finished its first start attempt, or until
  // gateway.startup_timeout after Start(), whichever comes first. Any thread.
  void WaitForStartup() const;
  // Whether a WaitForStartup has returned, so that none will wait again. Any thread.
  bool StartupSettled() const { return startup_settled_.load(std::memory_order_acquire); }

  // Stops every upstream in parallel (SIGTERM, then SIGKILL after gateway.shutdown_grace);
  // their waiting calls fail with kUnavailable. Waits for the upstreams Apply retired.
  // Idempotent.
  void Stop();

  // Makes the registry what `next` (a validated config) says for servers, aliases and exposure;
  // the rest of `next` is ignored. Unchanged enabled servers keep their Upstream; changed ones
  // get a new Upstream; removed or disabled ones are stopped on a thread of their own (their
  // waiting calls fail with kUnavailable "upstream 'x' stopped"). Clients get list_changed
  // for each merged list that changed. Returns what changed. Any thread; one Apply at a time;
  // does nothing after Stop().
  ServerDiff Apply(const Config& next);

  // The config the gateway started with (permissions, keys, settings). Its servers and aliases
  // may be stale after Apply: use Servers() and catalog().rules().
  const Config& config() const { return config_; }
  // Every server in the registry now, enabled or not, sorted by name. Any thread.
  std::vector<upstream::ServerConfig> Servers() const;
  const Catalog& catalog() const { return catalog_; }
  // The listed tools' compiled inputSchemas, kept in step with the Catalog.
  const ArgumentValidator& arguments() const { return arguments_; }
  // Every key's token buckets, shared by all sessions.
  RateLimiter& rate_limiter() { return rate_limiter_; }
  // Where the sessions write the audit trail (README "Audit log").
  AuditLog& audit() { return audit_; }
  // The counters /metrics shows (README "Metrics").
  Metrics& metrics() { return metrics_; }
  // The running upstream of that exact server name, or null. Cheap (a pointer copy under a
  // mutex); the caller's reference keeps a removed upstream alive until it lets go. Any thread.
  UpstreamPtr FindUpstream(std::string_view server) const;
  // Every running upstream, by name. Any thread.
  std::vector<UpstreamPtr> Upstreams() const;

  // Where every notification for the sessions passes, and the subscriptions and log levels
  // they share upstream.
  NotificationHub& notifications() { return hub_; }

  // upstream::UpstreamObserver
  void OnOfferChanged(const std::string& server) override;
  void OnStateChanged(const std::string& server, upstream::State state) override;
  void OnNotification(const std::string& server, const protocol::Message& notification) override;

 private:
  using UpstreamMap = std::map<std::string, UpstreamPtr, std::less<>>;

  // The hub's way to the upstreams.
  class HubLink : public NotificationHub::Upstreams {
   public:
    explicit HubLink(Gateway& gateway) : gateway_(gateway) {}
    std::vector<std::string> Names() const override;
    // logging/setLevel only to an upstream that offers logging; a failure is logged only.
    void Send(const std::string& server, const std::string& method, protocol::Json params) override;

   private:
    Gateway& gateway_;
  };

  // One list_changed per merged list that changed.
  void BroadcastChanges(const CatalogChanges& changes);
  std::shared_ptr<const UpstreamMap> Running() const;

  const Config config_;
  const upstream::ConnectionFactory open_connection_;
  Catalog catalog_;
  ArgumentValidator arguments_;
  AuditLog audit_{config_.audit};
  RateLimiter rate_limiter_{config_.rate_limits};
  mutable std::mutex registry_mutex_;  // guards the two below; held only to copy or swap them
  std::shared_ptr<const UpstreamMap> upstreams_;  // immutable; replaced whole by Apply
  std::vector<upstream::ServerConfig> servers_;   // every configured server, by name
  std::mutex apply_mutex_;             // serializes Apply and Stop: guards stoppers_ and stopped_
  std::vector<std::thread> stoppers_;  // stopping the upstreams Apply retired
  Metrics metrics_{config_};
  std::chrono::steady_clock::time_point startup_deadline_;
  mutable std::atomic<bool> startup_settled_{false};
  HubLink hub_link_{*this};
  NotificationHub hub_{hub_link_};
  bool stopped_ = false;
};

}  // namespace mcpgw::proxy
