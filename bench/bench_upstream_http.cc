// bench_upstream_http: bench_upstream's twin over Streamable HTTP (stateless, JSON answers).
#include "bench/upstream_http.h"
#include "bench/upstream_replies.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <string>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed socket is an error value, not a death
  CLI::App app{"bench_upstream_http: the fastest MCP server for benchmarks, over HTTP",
               "bench_upstream_http"};
  int tools = 10;
  app.add_option("--tools", tools, "number of tools t0 ... t{N-1}")->check(CLI::NonNegativeNumber);
  std::string listen;
  app.add_option("--http", listen, "serve Streamable HTTP on HOST:PORT (port 0: any free port)")
      ->required();
  CLI11_PARSE(app, argc, argv);
  return mcpgw::bench::ServeHttp(mcpgw::bench::UpstreamReplies(tools), listen);
}
