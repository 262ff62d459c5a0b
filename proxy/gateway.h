#pragma once

#include "proxy/argument_validator.h"
#include "proxy/audit_log.h"
#include "proxy/catalog.h"
#include "proxy/config.h"
#include "proxy/metrics.h"
#include "proxy/rate_limiter.h"
#include "upstream/upstream.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace mcpgw::proxy {

// Receives what the gateway tells every connected client: list_changed and upstream log
// messages, already in downstream form. Called on upstream threads; must return quickly.
class ClientNotifier {
 public:
  virtual ~ClientNotifier() = default;
  virtual void NotifyClient(const protocol::Message& notification) = 0;
};

// The composition root: owns the upstreams and the Catalog, keeps the Catalog in step with what
// the upstreams offer, and fans their news out to the connected clients. Holds no protocol logic.
class Gateway : public upstream::UpstreamObserver {
 public:
  explicit Gateway(Config config);
  ~Gateway() override;  // Stop()
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Starts every enabled upstream in parallel and returns at once.
  void Start();

  // Blocks until every enabled upstream has finished its first start attempt, or until
  // gateway.startup_timeout after Start(), whichever comes first. Any thread.
  void WaitForStartup() const;

  // Stops every upstream in parallel (SIGTERM, then SIGKILL after gateway.shutdown_grace);
  // their waiting calls fail with kUnavailable. Idempotent.
  void Stop();

  const Config& config() const { return config_; }
  const Catalog& catalog() const { return catalog_; }
  // The listed tools' compiled inputSchemas, kept in step with the Catalog.
  const ArgumentValidator& arguments() const { return arguments_; }
  // Every key's token buckets, shared by all sessions.
  RateLimiter& rate_limiter() { return rate_limiter_; }
  // Where the sessions write the audit trail (README "Audit log").
  AuditLog& audit() { return audit_; }
  // The counters /metrics shows (README "Metrics").
  Metrics& metrics() { return metrics_; }
  // The upstream of that exact server name, or null. Valid until Stop().
  upstream::Upstream* FindUpstream(std::string_view server) const;
  std::vector<upstream::Upstream*> Upstreams() const;

  // Clients to tell about list changes and upstream log messages. The notifier must stay alive
  // until it is removed. Any thread.
  void AddNotifier(ClientNotifier* notifier);
  void RemoveNotifier(ClientNotifier* notifier);

  // upstream::UpstreamObserver
  void OnOfferChanged(const std::string& server) override;
  void OnStateChanged(const std::string& server, upstream::State state) override;
  void OnNotification(const std::string& server, const protocol::Message& notification) override;

 private:
  void Broadcast(const protocol::Message& notification);

  const Config config_;
  Catalog catalog_;
  ArgumentValidator arguments_;
  AuditLog audit_{config_.audit};
  RateLimiter rate_limiter_{config_.rate_limits};
  Metrics metrics_{config_};
  std::map<std::string, std::unique_ptr<upstream::Upstream>, std::less<>> upstreams_;
  std::chrono::steady_clock::time_point startup_deadline_;
  std::mutex notifiers_mutex_;
  std::vector<ClientNotifier*> notifiers_;  // guarded by notifiers_mutex_
  bool stopped_ = false;
};

}  // namespace mcpgw::proxy
