#pragma once

#include "policy/permissions.h"
#include "proxy/access/argument_validator.h"
#include "proxy/access/rate_limiter.h"
#include "proxy/observe/audit_log.h"
#include "proxy/observe/metrics.h"
#include "proxy/routing/catalog.h"
#include "proxy/session/held_calls.h"
#include "proxy/session/notification_hub.h"
#include "proxy/session/request_state.h"
#include "proxy/session/task_registry.h"
#include "upstream/upstream_set.h"

namespace mcpgw::proxy {

// What every Session uses, shared by all of them. A struct rather than eleven constructor
// parameters: a Session is made in three places (stdio, Streamable HTTP, legacy SSE) that only
// pass these through, so they take this once from the composition root. Borrowed: everything
// must outlive the sessions.
struct SessionServices {
  const Catalog& catalog;                  // the merged lists and the routes
  const upstream::UpstreamSet& upstreams;  // where routed requests go; the startup wait
  const policy::Permissions& permissions;  // what each caller may do
  RateLimiter& rate_limiter;               // every key's token buckets
  const ArgumentValidator& arguments;      // the listed tools' compiled inputSchemas
  AuditLog& audit;                         // the audit trail (README "Audit log")
  Metrics& metrics;                        // the counters /metrics shows (README "Metrics")
  NotificationHub& notifications;          // where every notification for the sessions passes
  TaskRegistry& tasks;                     // the upstreams' tasks under the gateway's ids
  HeldCalls& held_calls;                   // modern clients' calls waiting for their retry
  const RequestStates& request_states;     // seals and opens their requestState
};

}  // namespace mcpgw::proxy
