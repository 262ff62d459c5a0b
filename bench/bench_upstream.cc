// bench_upstream: the fastest conforming MCP server we can write over stdio, the "physical
// limit" the gateway is compared to. Tools t0 ... t{N-1} answer "ok".
#include "bench/upstream_replies.h"
#include "bench/upstream_stdio.h"

#include <CLI/CLI.hpp>

#include <csignal>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an error value, not a death
  CLI::App app{"bench_upstream: the fastest MCP server for benchmarks, over stdio",
               "bench_upstream"};
  int tools = 10;
  app.add_option("--tools", tools, "number of tools t0 ... t{N-1}")->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);
  return mcpgw::bench::ServeStdio(mcpgw::bench::UpstreamReplies(tools));
}
