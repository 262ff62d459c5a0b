// mcp_probe: a measuring MCP client. Spawns the server under test, times its start-up,
// tools/list and tools/call over stdio, Streamable HTTP or legacy HTTP+SSE, reads its peak RSS,
// and prints one JSON line on stdout.
#include "bench/probe_child.h"
#include "bench/probe_http.h"
#include "bench/probe_report.h"
#include "bench/probe_session.h"
#include "bench/probe_sse.h"
#include "bench/probe_stdio.h"
#include "protocol/log.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string_view>

namespace mcpgw::bench {
namespace {

struct Options {
  std::size_t expect_tools = 0;
  std::size_t lists = 20;
  std::size_t calls = 1000;
  std::size_t warmup = 100;
  std::vector<std::string> tools = {"t0"};
  std::optional<std::string> http;
  std::optional<std::string> sse;
  std::vector<std::string> headers;
  long timeout_ms = 30000;
  bool keep_stderr = false;
  std::vector<std::string> command;
};

constexpr auto kInitializeRetry = std::chrono::milliseconds(2);

// The names in "a,b" lists, empty names dropped; {"t0"} when none is left.
std::vector<std::string> SplitNames(const std::vector<std::string>& lists) {
  std::vector<std::string> names;
  for (const std::string& list : lists) {
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t comma = std::min(list.find(',', start), list.size());
      if (comma > start) names.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  if (names.empty()) names.push_back("t0");
  return names;
}

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// True when the server is reached over the network, not through its stdio.
bool Networked(const Options& options) { return options.http || options.sse; }

std::unique_ptr<ProbeClient> MakeClient(const Options& options, const ProbeChild& child) {
  auto timeout = std::chrono::milliseconds(options.timeout_ms);
  if (options.sse) return std::make_unique<SseProbe>(*options.sse, options.headers, timeout);
  if (options.http) return std::make_unique<HttpProbe>(*options.http, options.headers, timeout);
  return std::make_unique<StdioProbe>(child.to_child(), child.from_child());
}

// initialize, notifications/initialized, then tools/list until expect_tools are there.
protocol::Status StartUp(ProbeClient& client, const Options& options, Clock::time_point deadline,
                         std::size_t& tools) {
  Clock::duration retry = Networked(options) ? kInitializeRetry : Clock::duration::zero();
  if (protocol::Status status = Initialize(client, retry, deadline); !status.ok())
    return {status.code(), "initialize failed: " + status.message()};
  protocol::Result<std::size_t> listed = AwaitTools(client, options.expect_tools, deadline);
  if (!listed.ok())
    return {listed.status().code(), fmt::format("fewer than {} tools: {}", options.expect_tools,
                                                listed.status().message())};
  tools = *listed;
  return protocol::Status::Ok();
}

void Measure(ProbeClient& client, const Options& options, ProbeReport& report) {
  auto timeout = std::chrono::milliseconds(options.timeout_ms);
  for (std::size_t i = 0; i < options.lists; ++i) {
    Clock::time_point start = Clock::now();
    if (ListTools(client, start + timeout).ok()) report.list_us.push_back(MicrosSince(start));
  }
  for (std::size_t i = 0; i < options.warmup; ++i)
    CallTool(client, options.tools[i % options.tools.size()], Clock::now() + timeout);
  for (std::size_t i = 0; i < options.calls; ++i) {
    Clock::time_point start = Clock::now();
    bool ok = CallTool(client, options.tools[i % options.tools.size()], start + timeout);
    if (ok) report.call_us.push_back(MicrosSince(start));
    report.errors += ok ? 0 : 1;
    ++report.calls;
  }
}

int Run(const Options& options) {
  Clock::time_point start = Clock::now();
  protocol::Result<ProbeChild> child =
      ProbeChild::Spawn(options.command, !Networked(options), options.keep_stderr);
  if (!child.ok()) {
    log::Error("{}", child.status().message());
    return 1;
  }
  std::unique_ptr<ProbeClient> client = MakeClient(options, *child);
  ProbeReport report;
  protocol::Status up = StartUp(
      *client, options, start + std::chrono::milliseconds(options.timeout_ms), report.tools);
  if (!up.ok()) {
    log::Error("start-up failed (limit {} ms): {}", options.timeout_ms, up.message());
    child->Stop(Networked(options));
    return 1;
  }
  report.startup_ms = MicrosSince(start) / 1000;
  Measure(*client, options, report);
  report.rss_peak_kb = child->PeakRssKb();
  child->Stop(Networked(options));
  std::string line = FormatReport(std::move(report)) + "\n";
  std::fputs(line.c_str(), stdout);
  return 0;
}

}  // namespace
}  // namespace mcpgw::bench

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a server that went away is an error value, not our death
  CLI::App app{"mcp_probe: measure an MCP server's start-up, latency and memory", "mcp_probe"};
  mcpgw::bench::Options options;
  app.add_option("--expect-tools", options.expect_tools,
                 "start-up ends when tools/list has at least N tools");
  app.add_option("--lists", options.lists, "timed tools/list after start-up");
  app.add_option("--calls", options.calls, "timed tools/call");
  app.add_option("--warmup", options.warmup, "untimed tools/call first");
  std::vector<std::string> tool_lists;
  app.add_option("--tool", tool_lists, "NAME[,NAME...]: tools to call, in turn")->expected(1);
  CLI::Option* http = app.add_option("--http", options.http,
                                     "talk Streamable HTTP to URL (COMMAND is still spawned)");
  app.add_option("--sse", options.sse, "talk legacy HTTP+SSE (GET URL, POST to its endpoint)")
      ->excludes(http);
  app.add_option("--header", options.headers, "\"Name: value\" on every HTTP request")->expected(1);
  app.add_option("--timeout-ms", options.timeout_ms, "start-up and per-request limit")
      ->check(CLI::PositiveNumber);
  app.add_flag("--stderr", options.keep_stderr, "keep the server's stderr (default /dev/null)");
  app.footer("Usage: mcp_probe [OPTIONS] -- COMMAND ARGS...");
  // Everything after the first "--" is the command: CLI11 lets a list option swallow that "--".
  int own_args = 1;
  while (own_args < argc && std::string_view(argv[own_args]) != "--") ++own_args;
  options.command.assign(argv + std::min(own_args + 1, argc), argv + argc);
  CLI11_PARSE(app, own_args, argv);
  if (options.command.empty()) {
    mcpgw::log::Error("no command to spawn: mcp_probe [OPTIONS] -- COMMAND ARGS...");
    return 2;
  }
  if (!tool_lists.empty()) options.tools = mcpgw::bench::SplitNames(tool_lists);
  try {
    return mcpgw::bench::Run(options);
  } catch (const std::exception& e) {  // a URL or header that cannot be used
    mcpgw::log::Error("{}", e.what());
    return 2;
  }
}
