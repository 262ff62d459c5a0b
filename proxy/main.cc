// mcpgw: one MCP server in front of many. The only code not linked into the tests.
#include "proxy/cli.h"

#include <CLI/CLI.hpp>

#include <malloc.h>

#include <csignal>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an error value from write(), not a death
  // Most of the gateway's threads wait on pipes and sockets. glibc would give up to 8 malloc
  // arenas per core to the threads that allocate, megabytes of resident memory (3 MB with 10
  // upstreams) for no measurable gain on the request path: two arenas do.
  mallopt(M_ARENA_MAX, 2);
  CLI::App app{"mcpgw: one MCP server in front of many", "mcpgw"};
  app.set_version_flag("--version", "mcpgw " MCPGW_VERSION);
  std::string config_path;
  app.add_option("--config", config_path, "config file (JSON)")->envname("MCPGW_CONFIG");
  std::string listen;
  app.add_option("--listen", listen, "serve Streamable HTTP on HOST:PORT (port 0: any free port)");

  auto* check = app.add_subcommand("check", "validate the config and print what it declares");
  check->add_option("--config", config_path, "config file (JSON)")->envname("MCPGW_CONFIG");

  std::string format = "mcp";
  auto* tools = app.add_subcommand("tools", "connect to the upstreams and print the merged tools");
  tools->add_option("--config", config_path, "config file (JSON)")->envname("MCPGW_CONFIG");
  tools->add_option("--format", format, "mcp or openai")->check(CLI::IsMember({"mcp", "openai"}));
  std::optional<std::string> tools_key;
  tools->add_option("--key", tools_key, "list only what the holder of this API key may see");

  std::string explain_key, server, tool;
  auto* explain = app.add_subcommand("explain", "print the permission decision for a key on a tool");
  explain->add_option("--config", config_path, "config file (JSON)")->envname("MCPGW_CONFIG");
  explain->add_option("--key", explain_key, "the caller's API key")->required();
  explain->add_option("server", server, "server name or alias")->required();
  explain->add_option("tool", tool, "tool, prompt or resource URI")->required();

  std::optional<std::string> key;
  auto* hash_key = app.add_subcommand("hash-key", "print the sha256: form a key takes in the config");
  hash_key->add_option("key", key, "the key; read from stdin when absent");

  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);

  if (*check) return mcpgw::proxy::Check(config_path);
  if (*tools) return mcpgw::proxy::PrintTools(config_path, format, tools_key);
  if (*explain) return mcpgw::proxy::Explain(config_path, explain_key, server, tool);
  if (*hash_key) return mcpgw::proxy::PrintKeyHash(key);
  return mcpgw::proxy::Serve(config_path, listen);
}
