#pragma once

// The gateway's counters for /metrics (README "Metrics"). Every label set is known up front: the
// methods and outcomes are fixed tables, and the servers are the enabled ones of the config,
// created at construction and never changed. So the request path only does relaxed atomic
// increments, an array index or a lookup in an immutable map: no lock, no allocation.

#include "protocol/status.h"
#include "proxy/config/config.h"
#include "proxy/routing/methods.h"
#include "upstream/upstream.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace mcpgw::proxy {

class Metrics;
class PrometheusText;

// How an answered request ended; a small fixed set, so that labels stay bounded.
enum class Outcome {
  kOk,
  kToolError,  // a result with isError: true
  kInvalidParams,
  kMethodNotFound,
  kInvalidRequest,
  kDenied,
  kRateLimited,
  kUnavailable,
  kTimeout,
  kRemote,  // the upstream answered with a JSON-RPC error
  kInternal,
};
inline constexpr std::size_t kOutcomeCount = 11;
std::string_view OutcomeName(Outcome outcome);
Outcome OutcomeOf(const protocol::Result<protocol::Json>& answer);

// Where downstream sessions and bytes come from (stdio mode serves no /metrics).
enum class DownstreamTransport { kStreamableHttp, kSse };

// Durations in fixed buckets. Observe() is lock-free; any thread.
class LatencyHistogram {
 public:
  // Upper bounds in seconds; a last bucket, +Inf, takes the rest.
  static constexpr std::array<double, 13> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                     1,     2.5,  5,     10,   30,  60};
  struct Snapshot {
    std::array<std::uint64_t, kBounds.size() + 1> cumulative{};  // the last is the count
    double sum_seconds = 0;
  };

  void Observe(std::chrono::steady_clock::duration took);
  Snapshot Read() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // not cumulative
  std::atomic<std::uint64_t> sum_ns_{0};
};

// The counters of one enabled upstream.
struct ServerMetrics {
  LatencyHistogram tool_calls;
  std::atomic<upstream::State> state{upstream::State::kConnecting};
  std::atomic<std::uint64_t> restarts{0};
  std::atomic<std::uint64_t> denials{0};
  std::atomic<std::uint64_t> rate_limited{0};
  std::atomic<std::int64_t> in_flight{0};
};

using OutcomeCounters = std::array<std::atomic<std::uint64_t>, kOutcomeCount>;

// The counters of one request's method, resolved when the request arrives. Default: counts
// nothing. Count() is lock-free; any thread.
struct RequestCounter {
  OutcomeCounters* row = nullptr;
  void Count(const protocol::Result<protocol::Json>& answer) const;
};

// One call forwarded to an upstream: in flight until Finish(), which also times a tools/call.
// Finish() once, on any thread.
class ForwardedCall {
 public:
  ForwardedCall() = default;
  ForwardedCall(ServerMetrics* server, bool tool_call);
  void Finish() const;

 private:
  ServerMetrics* server_ = nullptr;  // null: an unknown server, nothing counted
  bool tool_call_ = false;
  std::chrono::steady_clock::time_point start_;
};

// Counts one open downstream session while it lives.
class OpenSession {
 public:
  OpenSession(Metrics& metrics, DownstreamTransport transport);
  ~OpenSession();
  OpenSession(const OpenSession&) = delete;
  OpenSession& operator=(const OpenSession&) = delete;

 private:
  std::atomic<std::int64_t>& gauge_;
};

// The registry: one per process, owned by the Gateway. Every method may be called from any
// thread; the counting ones are lock-free and never allocate.
class Metrics {
 public:
  // Knows the config's enabled servers, each starting in state connecting.
  explicit Metrics(const Config& config);
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The counter for requests of `method`, labelled with its name; a method outside
  // kRequestMethods counts as "other".
  RequestCounter ForMethod(std::string_view method);
  // Starts counting a call forwarded to `server` (as in flight; timed when `method` calls a tool).
  ForwardedCall StartCall(std::string_view server, std::string_view method);
  // A routed request refused by the caller's permissions, or by a rate limit.
  void CountDenial(std::string_view server);
  void CountRateLimited(std::string_view server);
  // Records an upstream's new state; entering restarting counts a restart.
  void SetUpstreamState(std::string_view server, upstream::State state);
  // Starts counting for a server added at run time (admin API, reload); no-op when known.
  void AddServer(std::string_view server);
  // Downstream body bytes (HTTP request and response bodies).
  void CountBytes(DownstreamTransport transport, std::uint64_t received, std::uint64_t sent);

  // Everything, in the Prometheus text exposition format 0.0.4.
  std::string Render() const;

 private:
  friend class OpenSession;
  static constexpr std::size_t kTransports = 2;
  ServerMetrics* Find(std::string_view server);
  void RenderRequests(PrometheusText& out) const;
  void RenderServers(PrometheusText& out) const;
  void RenderDownstream(PrometheusText& out) const;

  // By method (the rows of kRequestMethods, then "other"), then outcome.
  std::array<OutcomeCounters, kRequestMethodCount + 1> requests_{};
  // Servers are only ever added (a server removed at run time keeps its counters), so a
  // ServerMetrics pointer stays valid for the life of Metrics; the table is copied on write.
  using ServerTable = std::map<std::string, std::shared_ptr<ServerMetrics>, std::less<>>;
  std::shared_ptr<const ServerTable> Servers() const;
  mutable std::mutex servers_mutex_;         // guards the pointer copy and swap only
  std::shared_ptr<const ServerTable> servers_;
  std::array<std::atomic<std::int64_t>, kTransports> sessions_open_{};
  std::array<std::atomic<std::uint64_t>, kTransports> bytes_received_{};
  std::array<std::atomic<std::uint64_t>, kTransports> bytes_sent_{};
};

}  // namespace mcpgw::proxy
