#include "proxy/observe/metrics.h"

#include "proxy/observe/prometheus_text.h"

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Status;
using protocol::StatusCode;
using std::chrono::milliseconds;

Config TwoServers() {
  Config config;
  config.servers.resize(3);
  config.servers[0].name = "fs";
  config.servers[1].name = "db";
  config.servers[2].name = "off";
  config.servers[2].enabled = false;
  return config;
}

bool HasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

}  // namespace

TEST_CASE("Requests are counted by method and outcome; unknown methods count as other") {
  Metrics metrics(TwoServers());
  metrics.ForMethod("tools/call").Count(Json{{"content", Json::array()}});
  metrics.ForMethod("tools/call").Count(Json{{"isError", true}});
  metrics.ForMethod("tools/call").Count(Status(StatusCode::kPermissionDenied, "no"));
  metrics.ForMethod("tools/call").Count(Status(StatusCode::kPermissionDenied, "no"));
  metrics.ForMethod("x/unheard-of").Count(Status(StatusCode::kNotFound, "no"));
  RequestCounter{}.Count(Json::object());  // counts nothing
  std::string text = metrics.Render();
  CHECK(HasLine(text, "# TYPE mcpgw_requests_total counter"));
  CHECK(HasLine(text, R"(mcpgw_requests_total{method="tools/call",outcome="ok"} 1)"));
  CHECK(HasLine(text, R"(mcpgw_requests_total{method="tools/call",outcome="tool_error"} 1)"));
  CHECK(HasLine(text, R"(mcpgw_requests_total{method="tools/call",outcome="denied"} 2)"));
  CHECK(HasLine(text, R"(mcpgw_requests_total{method="other",outcome="method_not_found"} 1)"));
  CHECK(text.find(R"(method="ping")") == std::string::npos);  // never seen: not shown
}

TEST_CASE("Each method of the request table is counted under its own name, in table order") {
  Metrics metrics(TwoServers());
  for (const RequestMethod& method : kRequestMethods) {
    metrics.ForMethod(method.name).Count(Json::object());
  }
  std::string text = metrics.Render();
  std::size_t previous = 0;
  for (const RequestMethod& method : kRequestMethods) {
    std::string line =
        "mcpgw_requests_total{method=\"" + std::string(method.name) + "\",outcome=\"ok\"} 1";
    std::size_t at = text.find("\n" + line + "\n");
    CHECK_MESSAGE(at != std::string::npos, line);
    CHECK_MESSAGE(at > previous, line);
    previous = at;
  }
  CHECK(text.find(R"(method="other")") == std::string::npos);
}

TEST_CASE("Each error status maps to one outcome") {
  CHECK(OutcomeOf(Status(StatusCode::kInvalidArgument, "")) == Outcome::kInvalidParams);
  CHECK(OutcomeOf(Status(StatusCode::kRateLimited, "")) == Outcome::kRateLimited);
  CHECK(OutcomeOf(Status(StatusCode::kUnavailable, "")) == Outcome::kUnavailable);
  CHECK(OutcomeOf(Status(StatusCode::kTimeout, "")) == Outcome::kTimeout);
  CHECK(OutcomeOf(Status(StatusCode::kRemote, "")) == Outcome::kRemote);
  CHECK(OutcomeOf(Status(StatusCode::kInvalidMessage, "")) == Outcome::kInvalidRequest);
  CHECK(OutcomeOf(Status(StatusCode::kInternal, "")) == Outcome::kInternal);
  CHECK(OutcomeName(Outcome::kToolError) == "tool_error");
}

TEST_CASE("Histogram buckets are cumulative, with +Inf, sum and count") {
  LatencyHistogram histogram;
  histogram.Observe(milliseconds(3));
  histogram.Observe(milliseconds(10));  // on a bound: goes into that bucket (le)
  histogram.Observe(milliseconds(700));
  histogram.Observe(std::chrono::seconds(100));
  LatencyHistogram::Snapshot snapshot = histogram.Read();
  CHECK(snapshot.cumulative[0] == 1);   // le 0.005
  CHECK(snapshot.cumulative[1] == 2);   // le 0.01
  CHECK(snapshot.cumulative[6] == 2);   // le 0.5
  CHECK(snapshot.cumulative[7] == 3);   // le 1
  CHECK(snapshot.cumulative[12] == 3);  // le 60
  CHECK(snapshot.cumulative[13] == 4);  // +Inf: the count
  CHECK(snapshot.sum_seconds == doctest::Approx(100.713));
}

TEST_CASE("A forwarded call is in flight until finished; a tools/call is timed by server") {
  Metrics metrics(TwoServers());
  ForwardedCall call = metrics.StartCall("fs", "tools/call");
  ForwardedCall read = metrics.StartCall("fs", "resources/read");
  metrics.StartCall("nowhere", "tools/call").Finish();  // unknown server: nothing counted
  CHECK(HasLine(metrics.Render(), R"(mcpgw_calls_in_flight{server="fs"} 2)"));
  call.Finish();
  read.Finish();
  std::string text = metrics.Render();
  CHECK(HasLine(text, R"(mcpgw_calls_in_flight{server="fs"} 0)"));
  CHECK(HasLine(text, "# TYPE mcpgw_tool_call_duration_seconds histogram"));
  CHECK(HasLine(text, R"(mcpgw_tool_call_duration_seconds_bucket{server="fs",le="+Inf"} 1)"));
  CHECK(HasLine(text, R"(mcpgw_tool_call_duration_seconds_count{server="fs"} 1)"));
  CHECK(HasLine(text, R"(mcpgw_tool_call_duration_seconds_count{server="db"} 0)"));
  CHECK(HasLine(text, R"(mcpgw_tool_call_duration_seconds_bucket{server="db",le="0.005"} 0)"));
  CHECK(text.find(R"(server="off")") == std::string::npos);  // disabled: not an upstream
}

TEST_CASE("Upstream state, restarts, denials and rate limits are kept per server") {
  Metrics metrics(TwoServers());
  metrics.SetUpstreamState("db", upstream::State::kReady);
  metrics.SetUpstreamState("fs", upstream::State::kRestarting);
  metrics.SetUpstreamState("fs", upstream::State::kConnecting);
  metrics.SetUpstreamState("fs", upstream::State::kRestarting);
  metrics.CountDenial("db");
  metrics.CountRateLimited("fs");
  metrics.CountRateLimited("fs");
  std::string text = metrics.Render();
  CHECK(HasLine(text, R"(mcpgw_upstream_up{server="db"} 1)"));
  CHECK(HasLine(text, R"(mcpgw_upstream_up{server="fs"} 0)"));
  CHECK(HasLine(text, R"(mcpgw_upstream_state{server="fs",state="restarting"} 1)"));
  CHECK(HasLine(text, R"(mcpgw_upstream_state{server="fs",state="ready"} 0)"));
  CHECK(HasLine(text, R"(mcpgw_upstream_restarts_total{server="fs"} 2)"));
  CHECK(HasLine(text, R"(mcpgw_upstream_restarts_total{server="db"} 0)"));
  CHECK(HasLine(text, R"(mcpgw_permission_denials_total{server="db"} 1)"));
  CHECK(HasLine(text, R"(mcpgw_rate_limited_total{server="fs"} 2)"));
}

TEST_CASE("Open sessions are counted while they live, and bytes by transport") {
  Metrics metrics(TwoServers());
  {
    OpenSession one(metrics, DownstreamTransport::kStreamableHttp);
    OpenSession two(metrics, DownstreamTransport::kStreamableHttp);
    OpenSession legacy(metrics, DownstreamTransport::kSse);
    CHECK(HasLine(metrics.Render(), R"(mcpgw_sessions_open{transport="streamable_http"} 2)"));
  }
  metrics.CountBytes(DownstreamTransport::kSse, 10, 250);
  metrics.CountBytes(DownstreamTransport::kSse, 5, 0);
  std::string text = metrics.Render();
  CHECK(HasLine(text, R"(mcpgw_sessions_open{transport="streamable_http"} 0)"));
  CHECK(HasLine(text, R"(mcpgw_bytes_received_total{transport="sse"} 15)"));
  CHECK(HasLine(text, R"(mcpgw_bytes_sent_total{transport="sse"} 250)"));
  CHECK(HasLine(text, R"(mcpgw_bytes_sent_total{transport="streamable_http"} 0)"));
}

TEST_CASE("Every family has HELP and TYPE before its samples, and the text ends with a newline") {
  std::string text = Metrics(TwoServers()).Render();
  REQUIRE(text.ends_with("\n"));
  std::string family;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("# HELP ")) {
      family = line.substr(7, line.find(' ', 7) - 7);
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      CHECK(line.starts_with("# TYPE " + family + " "));
      continue;
    }
    CAPTURE(line);
    CHECK(line.starts_with(family));
    CHECK(line.starts_with("mcpgw_"));
  }
}

TEST_CASE("Label values escape backslash, double quote and newline") {
  CHECK(EscapeLabelValue(R"(a\b"c)" "\n" "d") == R"(a\\b\"c\nd)");
  CHECK(EscapeLabelValue("plain-name_1") == "plain-name_1");
  PrometheusText out;
  out.Family("m_total", "Help.", "counter");
  out.Sample("m_total", {{"k", "x\"y"}}, 3);
  out.Sample("m_plain", {}, 0.25);
  CHECK(out.text() == "# HELP m_total Help.\n# TYPE m_total counter\nm_total{k=\"x\\\"y\"} 3\n"
                      "m_plain 0.25\n");
}

}  // namespace mcpgw::proxy
