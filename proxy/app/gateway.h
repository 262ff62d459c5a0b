#pragma once

#include "proxy/access/argument_validator.h"
#include "proxy/access/rate_limiter.h"
#include "proxy/config/config.h"
#include "proxy/config/http.h"
#include "proxy/config/registry.h"
#include "proxy/observe/audit_log.h"
#include "proxy/observe/metrics.h"
#include "proxy/routing/catalog.h"
#include "proxy/session/hub_upstreams.h"
#include "proxy/session/notification_hub.h"
#include "proxy/session/session_services.h"
#include "proxy/session/task_registry.h"
#include "upstream/server_diff.h"
#include "upstream/upstream.h"
#include "upstream/upstream_set.h"

#include <mutex>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// The composition root: owns the pieces and hands each what it uses. Keeps the Catalog (and the
// argument schemas) in step with what the upstreams offer, hands the upstreams' news to the
// NotificationHub, and applies registry changes to both the upstreams and the Catalog. Holds no
// protocol logic. The set of servers, the aliases and the exposure can change at run time
// (Apply); everything else in config() is fixed for the gateway's life.
class Gateway : public upstream::UpstreamObserver, public Registry::Target {
 public:
  // Creates the upstreams without starting them: upstreams().Start() does. They open their
  // connections through `open` (by default the configured transports).
  explicit Gateway(Config config, upstream::ConnectionFactory open = upstream::OpenConnection);
  ~Gateway() override;  // stops the upstreams first: their threads call into the other pieces
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Registry::Target. Apply gives the upstreams the servers of `next` (UpstreamSet::Apply), and
  // the Catalog its aliases and exposure; clients get list_changed for each merged list that
  // changed. Does nothing after upstreams().Stop().
  std::vector<upstream::ServerConfig> Servers() const override { return upstreams_.Servers(); }
  upstream::ServerDiff Apply(const Config& next) override;

  // The config the gateway started with (permissions, keys, settings). Its servers and aliases
  // may be stale after Apply: use upstreams().Servers() and catalog().rules().
  const Config& config() const { return config_; }
  const Catalog& catalog() const { return catalog_; }
  upstream::UpstreamSet& upstreams() { return upstreams_; }
  // The counters /metrics shows (README "Metrics").
  Metrics& metrics() { return metrics_; }
  // What every Session uses.
  const SessionServices& session_services() const { return session_services_; }

  // Stdio mode: the upstreams are told the one client's own capabilities (those the gateway
  // relays: sampling, elicitation, roots), and the servers' requests that no call claims go to
  // that client. Call before upstreams().Start(). Without it (HTTP mode) every upstream is told
  // everything the gateway can relay, and such requests are refused (README "Requests from
  // servers").
  void ServeOneClient(const protocol::Json& client_capabilities);

  // upstream::UpstreamObserver
  void OnOfferChanged(const std::string& server) override;
  void OnStateChanged(const std::string& server, upstream::State state) override;
  void OnNotification(const std::string& server, const protocol::Message& notification) override;
  upstream::Withdraw OnRequest(const std::string& server, protocol::Message request,
                               upstream::ReplyHandler reply) override;
  protocol::Json ClientCapabilities(const std::string& server) override;

 private:
  // One list_changed per merged list that changed.
  void BroadcastChanges(const CatalogChanges& changes);

  const Config config_;
  Catalog catalog_;
  ArgumentValidator arguments_;
  AuditLog audit_{config_.audit};
  RateLimiter rate_limiter_{config_.rate_limits};
  Metrics metrics_{config_};
  upstream::UpstreamSet upstreams_;
  HubUpstreams hub_upstreams_{upstreams_};
  TaskRegistry tasks_;
  NotificationHub hub_{hub_upstreams_, &tasks_};
  std::mutex client_mutex_;
  protocol::Json client_capabilities_;  // guarded by client_mutex_
  bool one_client_ = false;             // guarded by client_mutex_
  HeldCalls held_calls_{{config_.gateway.held_call_timeout, config_.gateway.max_held_calls_per_key,
                         config_.gateway.max_held_calls}};
  const RequestStates request_states_{SharedSessionSecret(config_.gateway)};
  const SessionServices session_services_{catalog_,    upstreams_,      config_.permissions,
                                          rate_limiter_, arguments_,    audit_,
                                          metrics_,    hub_,            tasks_,
                                          held_calls_, request_states_};
};

}  // namespace mcpgw::proxy
