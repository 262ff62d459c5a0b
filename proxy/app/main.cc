// mcpgw: one MCP server in front of many. The only code not linked into the tests.
#include "protocol/log.h"
#include "proxy/app/cli.h"

#include <CLI/CLI.hpp>

#include <malloc.h>

#include <csignal>
#include <map>

namespace {

using mcpgw::log::Format;
using mcpgw::log::Level;

// --log-level and --log-format (or MCPGW_LOG_LEVEL, MCPGW_LOG_FORMAT). Options of the app itself,
// which every subcommand lets through, so they are defined once and work before or after one.
void AddLogOptions(CLI::App& app, Level& level, Format& format) {
  app.fallthrough();  // before any add_subcommand: subcommands inherit it
  app.add_option("--log-level", level,
                 "least severe line logged: debug, info (default), warn, error")
      ->envname("MCPGW_LOG_LEVEL")
      ->option_text("LEVEL (Env:MCPGW_LOG_LEVEL)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Level>{
              {"debug", Level::kDebug}, {"info", Level::kInfo}, {"warn", Level::kWarn},
              {"error", Level::kError}},
          CLI::ignore_case));
  app.add_option("--log-format", format,
                 "log lines on stderr as text (default) or json (one object a line)")
      ->envname("MCPGW_LOG_FORMAT")
      ->option_text("FORMAT (Env:MCPGW_LOG_FORMAT)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Format>{{"text", Format::kText}, {"json", Format::kJson}},
          CLI::ignore_case));
}

}  // namespace

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
  Level log_level = Level::kInfo;
  Format log_format = Format::kText;
  AddLogOptions(app, log_level, log_format);

  auto* check = app.add_subcommand("check", "validate the config and print what it declares");
  check->add_option("--config", config_path, "config file (JSON)")->envname("MCPGW_CONFIG");
  bool check_connect = false;
  check->add_flag("--connect", check_connect,
                  "also start the upstreams and report the items left out for a name clash");

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

  std::optional<int> reload_pid;
  std::string reload_url;
  auto* reload = app.add_subcommand("reload", "make a running gateway re-read its config");
  auto* pid_option =
      reload->add_option("--pid", reload_pid, "send SIGHUP to this gateway process");
  reload->add_option("--url", reload_url,
                     "POST URL/admin/reload, e.g. http://127.0.0.1:8811 (key: MCPGW_API_KEY)")
      ->excludes(pid_option);
  reload->require_option(1);

  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  mcpgw::log::SetLevel(log_level);
  mcpgw::log::SetFormat(log_format);

  if (*check) return mcpgw::proxy::Check(config_path, check_connect);
  if (*tools) return mcpgw::proxy::PrintTools(config_path, format, tools_key);
  if (*explain) return mcpgw::proxy::Explain(config_path, explain_key, server, tool);
  if (*hash_key) return mcpgw::proxy::PrintKeyHash(key);
  if (*reload) return mcpgw::proxy::RequestReload(reload_pid, reload_url);
  return mcpgw::proxy::Serve(config_path, listen);
}
