#include "proxy/observe/metrics.h"

#include "proxy/observe/prometheus_text.h"

#include <fmt/format.h>

#include <algorithm>

namespace mcpgw::proxy {
namespace {

using protocol::StatusCode;

// Requests of a method outside kRequestMethods count under this label, after the table's rows.
constexpr std::string_view kOtherMethod = "other";
constexpr std::size_t kOtherIndex = kRequestMethodCount;

constexpr std::string_view kOutcomes[] = {
    "ok",          "tool_error", "invalid_params", "method_not_found", "invalid_request", "denied",
    "rate_limited", "unavailable", "timeout",      "remote",           "internal"};
static_assert(std::size(kOutcomes) == kOutcomeCount);

constexpr upstream::State kStates[] = {upstream::State::kConnecting, upstream::State::kReady,
                                       upstream::State::kRestarting, upstream::State::kStopped};

constexpr std::string_view kTransportNames[] = {"streamable_http", "sse"};

bool IsToolError(const protocol::Json& result) {
  if (!result.is_object()) return false;
  auto is_error = result.find("isError");
  return is_error != result.end() && is_error->is_boolean() && is_error->get<bool>();
}

double Value(const std::atomic<std::uint64_t>& counter) {
  return static_cast<double>(counter.load(std::memory_order_relaxed));
}

double Value(const std::atomic<std::int64_t>& gauge) {
  return static_cast<double>(gauge.load(std::memory_order_relaxed));
}

}  // namespace

std::string_view OutcomeName(Outcome outcome) { return kOutcomes[static_cast<int>(outcome)]; }

Outcome OutcomeOf(const protocol::Result<protocol::Json>& answer) {
  if (answer.ok()) return IsToolError(*answer) ? Outcome::kToolError : Outcome::kOk;
  switch (answer.status().code()) {
    case StatusCode::kInvalidArgument:
      return Outcome::kInvalidParams;
    case StatusCode::kNotFound:
      return Outcome::kMethodNotFound;
    case StatusCode::kParse:
    case StatusCode::kInvalidMessage:
    case StatusCode::kTooLarge:
      return Outcome::kInvalidRequest;
    case StatusCode::kPermissionDenied:
      return Outcome::kDenied;
    case StatusCode::kRateLimited:
      return Outcome::kRateLimited;
    case StatusCode::kUnavailable:
      return Outcome::kUnavailable;
    case StatusCode::kTimeout:
      return Outcome::kTimeout;
    case StatusCode::kRemote:
      return Outcome::kRemote;
    default:
      return Outcome::kInternal;
  }
}

void LatencyHistogram::Observe(std::chrono::steady_clock::duration took) {
  const double seconds = std::chrono::duration<double>(took).count();
  // The first bound not below the duration: buckets are "le" (less than or equal).
  const std::size_t bucket =
      std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin();
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(took).count();
  sum_ns_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(ns, 0)),
                    std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot snapshot;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative[i] = running;
  }
  snapshot.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return snapshot;
}

void RequestCounter::Count(const protocol::Result<protocol::Json>& answer) const {
  if (row == nullptr) return;
  (*row)[static_cast<int>(OutcomeOf(answer))].fetch_add(1, std::memory_order_relaxed);
}

ForwardedCall::ForwardedCall(ServerMetrics* server, bool tool_call)
    : server_(server), tool_call_(tool_call), start_(std::chrono::steady_clock::now()) {
  if (server_ != nullptr) server_->in_flight.fetch_add(1, std::memory_order_relaxed);
}

void ForwardedCall::Finish() const {
  if (server_ == nullptr) return;
  server_->in_flight.fetch_sub(1, std::memory_order_relaxed);
  if (tool_call_) server_->tool_calls.Observe(std::chrono::steady_clock::now() - start_);
}

OpenSession::OpenSession(Metrics& metrics, DownstreamTransport transport)
    : gauge_(metrics.sessions_open_[static_cast<int>(transport)]) {
  gauge_.fetch_add(1, std::memory_order_relaxed);
}

OpenSession::~OpenSession() { gauge_.fetch_sub(1, std::memory_order_relaxed); }

Metrics::Metrics(const Config& config) {
  auto table = std::make_shared<ServerTable>();
  for (const auto& server : config.servers) {
    if (server.enabled) table->try_emplace(server.name, std::make_shared<ServerMetrics>());
  }
  servers_ = std::move(table);
}

void Metrics::AddServer(std::string_view server) {
  std::lock_guard lock(servers_mutex_);
  if (servers_->find(server) != servers_->end()) return;
  auto table = std::make_shared<ServerTable>(*servers_);
  table->try_emplace(std::string(server), std::make_shared<ServerMetrics>());
  servers_ = std::move(table);
}

std::shared_ptr<const Metrics::ServerTable> Metrics::Servers() const {
  std::lock_guard lock(servers_mutex_);
  return servers_;
}

RequestCounter Metrics::ForMethod(std::string_view method) {
  const RequestMethod* known = FindMethod(method);
  return {&requests_[known != nullptr ? IndexOf(*known) : kOtherIndex]};
}

ForwardedCall Metrics::StartCall(std::string_view server, std::string_view method) {
  const RequestMethod* known = FindMethod(method);
  return {Find(server), known != nullptr && known->calls_tool};
}

void Metrics::CountDenial(std::string_view server) {
  if (ServerMetrics* found = Find(server)) found->denials.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::CountRateLimited(std::string_view server) {
  if (ServerMetrics* found = Find(server)) {
    found->rate_limited.fetch_add(1, std::memory_order_relaxed);
  }
}

void Metrics::SetUpstreamState(std::string_view server, upstream::State state) {
  ServerMetrics* found = Find(server);
  if (found == nullptr) return;
  found->state.store(state, std::memory_order_relaxed);
  if (state == upstream::State::kRestarting) {
    found->restarts.fetch_add(1, std::memory_order_relaxed);
  }
}

void Metrics::CountBytes(DownstreamTransport transport, std::uint64_t received,
                         std::uint64_t sent) {
  const int index = static_cast<int>(transport);
  bytes_received_[index].fetch_add(received, std::memory_order_relaxed);
  bytes_sent_[index].fetch_add(sent, std::memory_order_relaxed);
}

ServerMetrics* Metrics::Find(std::string_view server) {
  std::shared_ptr<const ServerTable> servers = Servers();
  auto found = servers->find(server);
  return found == servers->end() ? nullptr : found->second.get();
}

std::string Metrics::Render() const {
  PrometheusText out;
  RenderRequests(out);
  RenderServers(out);
  RenderDownstream(out);
  return out.text();
}

// Only the method and outcome pairs seen so far: most of the table never happens.
void Metrics::RenderRequests(PrometheusText& out) const {
  out.Family("mcpgw_requests_total", "Requests answered, by method and outcome.", "counter");
  for (std::size_t m = 0; m < requests_.size(); ++m) {
    const std::string_view method = m < kOtherIndex ? kRequestMethods[m].name : kOtherMethod;
    for (std::size_t o = 0; o < kOutcomeCount; ++o) {
      double count = Value(requests_[m][o]);
      if (count == 0) continue;
      out.Sample("mcpgw_requests_total", {{"method", method}, {"outcome", kOutcomes[o]}}, count);
    }
  }
}

void Metrics::RenderServers(PrometheusText& out) const {
  std::shared_ptr<const ServerTable> servers = Servers();
  out.Family("mcpgw_tool_call_duration_seconds",
             "Time from forwarding a tools/call to the upstream's answer, by server.",
             "histogram");
  for (const auto& [name, server] : *servers) {
    LatencyHistogram::Snapshot snapshot = server->tool_calls.Read();
    for (std::size_t i = 0; i < LatencyHistogram::kBounds.size(); ++i) {
      std::string le = fmt::format("{}", LatencyHistogram::kBounds[i]);
      out.Sample("mcpgw_tool_call_duration_seconds_bucket", {{"server", name}, {"le", le}},
                 static_cast<double>(snapshot.cumulative[i]));
    }
    const double count = static_cast<double>(snapshot.cumulative.back());
    out.Sample("mcpgw_tool_call_duration_seconds_bucket", {{"server", name}, {"le", "+Inf"}},
               count);
    out.Sample("mcpgw_tool_call_duration_seconds_sum", {{"server", name}}, snapshot.sum_seconds);
    out.Sample("mcpgw_tool_call_duration_seconds_count", {{"server", name}}, count);
  }
  out.Family("mcpgw_upstream_up", "1 when the upstream is connected and ready, else 0.", "gauge");
  for (const auto& [name, server] : *servers) {
    out.Sample("mcpgw_upstream_up", {{"server", name}},
               server->state.load(std::memory_order_relaxed) == upstream::State::kReady ? 1 : 0);
  }
  out.Family("mcpgw_upstream_state", "1 for the upstream's current state, 0 for the others.",
             "gauge");
  for (const auto& [name, server] : *servers) {
    for (upstream::State state : kStates) {
      out.Sample("mcpgw_upstream_state", {{"server", name}, {"state", upstream::StateName(state)}},
                 server->state.load(std::memory_order_relaxed) == state ? 1 : 0);
    }
  }
  struct PerServer {
    const char* name;
    const char* help;
    const char* type;
    double (*value)(const ServerMetrics&);
  };
  static constexpr PerServer kPerServer[] = {
      {"mcpgw_upstream_restarts_total", "Times the upstream was restarted after a failure.",
       "counter", [](const ServerMetrics& s) { return Value(s.restarts); }},
      {"mcpgw_permission_denials_total",
       "Routed requests the caller's permissions refused, by server.", "counter",
       [](const ServerMetrics& s) { return Value(s.denials); }},
      {"mcpgw_rate_limited_total", "Routed requests refused by a rate limit, by server.",
       "counter", [](const ServerMetrics& s) { return Value(s.rate_limited); }},
      {"mcpgw_calls_in_flight", "Requests forwarded to the upstream and not yet answered.",
       "gauge", [](const ServerMetrics& s) { return Value(s.in_flight); }},
  };
  for (const PerServer& metric : kPerServer) {
    out.Family(metric.name, metric.help, metric.type);
    for (const auto& [name, server] : *servers) {
      out.Sample(metric.name, {{"server", name}}, metric.value(*server));
    }
  }
}

void Metrics::RenderDownstream(PrometheusText& out) const {
  out.Family("mcpgw_sessions_open", "Downstream sessions this process holds, by transport.",
             "gauge");
  for (std::size_t t = 0; t < kTransports; ++t) {
    out.Sample("mcpgw_sessions_open", {{"transport", kTransportNames[t]}},
               Value(sessions_open_[t]));
  }
  out.Family("mcpgw_bytes_received_total", "Downstream HTTP request body bytes, by transport.",
             "counter");
  for (std::size_t t = 0; t < kTransports; ++t) {
    out.Sample("mcpgw_bytes_received_total", {{"transport", kTransportNames[t]}},
               Value(bytes_received_[t]));
  }
  out.Family("mcpgw_bytes_sent_total", "Downstream HTTP response body bytes, by transport.",
             "counter");
  for (std::size_t t = 0; t < kTransports; ++t) {
    out.Sample("mcpgw_bytes_sent_total", {{"transport", kTransportNames[t]}},
               Value(bytes_sent_[t]));
  }
}

}  // namespace mcpgw::proxy
