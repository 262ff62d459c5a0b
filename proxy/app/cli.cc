#include "proxy/app/cli.h"

#include "policy/key_hash.h"
#include "protocol/log.h"
#include "proxy/access/access.h"
#include "proxy/access/report.h"
#include "proxy/access/caller.h"
#include "proxy/config/config.h"
#include "proxy/config/http.h"
#include "proxy/app/config_report.h"
#include "proxy/app/gateway.h"
#include "proxy/app/http_server.h"
#include "proxy/config/registry.h"
#include "proxy/app/reload_signal.h"
#include "proxy/session/stdio_server.h"
#include "proxy/routing/tool_formats.h"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

namespace mcpgw::proxy {
namespace {

StdioServer* running_server = nullptr;      // for the signal handler
HttpServer* running_http_server = nullptr;  // for the signal handler

void StopOnSignal(int) {
  if (running_server != nullptr) running_server->Stop();
  if (running_http_server != nullptr) running_http_server->Stop();
}

// The config file with the admin's changes from its state file applied.
protocol::Result<LayeredConfig> LoadLayeredOrExplain(const std::string& config_path) {
  if (config_path.empty()) {
    return protocol::Status(protocol::StatusCode::kInvalidArgument,
                            "no config given: pass --config FILE or set MCPGW_CONFIG");
  }
  return LoadLayeredConfig(config_path, ProcessEnvironment());
}

protocol::Result<Config> LoadOrExplain(const std::string& config_path) {
  auto layered = LoadLayeredOrExplain(config_path);
  if (!layered.ok()) return layered.status();
  return std::move(layered->config);
}

// The one-line reason of a failed command: "mcpgw: why", or a log line in --log-format json.
int Fail(const protocol::Status& status) {
  if (log::format() == log::Format::kJson) {
    log::Error("{}", status.message());
  } else {
    std::cerr << "mcpgw: " << status.message() << "\n";
  }
  return 1;
}

// Keeps the real stdout for protocol messages only and points fd 1 at stderr, so that nothing
// else written to stdout, by any library, can ever corrupt the protocol stream.
int ClaimStdoutForProtocol() {
  int protocol_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (protocol_fd >= 0) dup2(STDERR_FILENO, STDOUT_FILENO);
  return protocol_fd >= 0 ? protocol_fd : STDOUT_FILENO;
}

// gateway.session_secret, else MCPGW_SESSION_SECRET, else a random one for this process only.
std::string SessionSecret(const GatewaySettings& settings) {
  if (std::string shared = SharedSessionSecret(settings); !shared.empty()) return shared;
  log::Info("no gateway.session_secret or MCPGW_SESSION_SECRET: using a random secret, so "
            "sessions work on this replica only");
  return SessionTokens::RandomSecret();
}

// The refusal of a --key, naming the option (never the key).
protocol::Status KeyRefused(const protocol::Status& why) {
  return {why.code(), "--key: " + why.message()};
}

// MCPGW_API_KEY, read once at start; nullopt when unset.
std::optional<std::string> EnvironmentKey() {
  const char* key = std::getenv("MCPGW_API_KEY");
  return key == nullptr ? std::nullopt : std::optional<std::string>(key);
}

int ServeHttp(const std::string& config_path, LayeredConfig layered) {
  Gateway gateway(layered.config);
  Registry registry(gateway, config_path, std::move(layered), ProcessEnvironment());
  ReloadOnSignal reload_on_signal(registry);
  HttpServer server(gateway, SessionSecret(gateway.config().gateway), &registry);
  running_http_server = &server;
  std::signal(SIGTERM, StopOnSignal);
  std::signal(SIGINT, StopOnSignal);
  gateway.upstreams().Start();
  protocol::Status served = server.Run(gateway.config().gateway.listen);
  running_http_server = nullptr;
  return served.ok() ? 0 : Fail(served);
}

// What `check --connect` finds by starting the upstreams: how each ready one is spoken to (era
// and revision), the warnings about those not ready once start-up has settled (with the last
// error), and the Catalog's warnings about items it left out.
struct ConnectReport {
  std::vector<std::string> ready;
  std::vector<std::string> warnings;
};

ConnectReport Connect(const Config& config) {
  Gateway gateway(config);
  gateway.upstreams().Start();
  gateway.upstreams().WaitForStartup();
  ConnectReport report;
  for (const upstream::UpstreamPtr& upstream : gateway.upstreams().Running()) {
    if (upstream->state() == upstream::State::kReady) {
      auto offer = upstream->offer();
      report.ready.push_back("server '" + upstream->name() + "': ready, " +
                             std::string(upstream::EraName(offer->era)) + " era (" +
                             offer->protocol_version + ")");
      continue;
    }
    std::string error = upstream->health().last_error;
    report.warnings.push_back("server '" + upstream->name() + "' is not ready (" +
                              std::string(upstream::StateName(upstream->state())) +
                              (error.empty() ? "" : ": " + error) + ")");
  }
  for (const std::string& warning : gateway.catalog().Warnings()) {
    report.warnings.push_back("catalog: " + warning);
  }
  gateway.upstreams().Stop();
  return report;
}

}  // namespace

int Serve(const std::string& config_path, const std::string& listen) {
  auto layered = LoadLayeredOrExplain(config_path);
  if (!layered.ok()) return Fail(layered.status());
  Config* config = &layered->config;
  if (!listen.empty()) config->gateway.listen = listen;
  if (!config->gateway.listen.empty()) return ServeHttp(config_path, std::move(layered).value());
  auto principal = IdentifyCaller(config->keys, EnvironmentKey());
  if (!principal.ok()) {
    return Fail({principal.status().code(),
                 "MCPGW_API_KEY: " + principal.status().message() + "; refusing to start"});
  }
  int protocol_fd = ClaimStdoutForProtocol();
  Gateway gateway(layered->config);
  Registry registry(gateway, config_path, std::move(layered).value(), ProcessEnvironment());
  ReloadOnSignal reload_on_signal(registry);
  StdioServer server(gateway.config().gateway, gateway.session_services(), gateway.upstreams(),
                     STDIN_FILENO, protocol_fd, std::move(principal).value(),
                     [&gateway](const protocol::Json& client_capabilities) {
                       gateway.ServeOneClient(client_capabilities);
                       gateway.upstreams().Start();
                     });
  running_server = &server;
  std::signal(SIGTERM, StopOnSignal);
  std::signal(SIGINT, StopOnSignal);
  server.Run();
  running_server = nullptr;
  return 0;
}

int Check(const std::string& config_path, bool connect) {
  auto config = LoadOrExplain(config_path);
  if (!config.ok()) return Fail(config.status());
  std::cout << DescribeConfig(*config);
  std::vector<std::string> warnings = AccessWarnings(*config);
  if (std::optional<std::string> open = AdminApiWarning(*config)) warnings.push_back(*open);
  if (connect) {
    ConnectReport found = Connect(*config);
    for (const std::string& line : found.ready) std::cout << line << "\n";
    warnings.insert(warnings.end(), found.warnings.begin(), found.warnings.end());
  }
  for (const std::string& warning : warnings) {
    std::cout << "warning: " << warning << "\n";
  }
  return 0;
}

int Explain(const std::string& config_path, const std::string& key, const std::string& server,
            const std::string& tool) {
  auto config = LoadOrExplain(config_path);
  if (!config.ok()) return Fail(config.status());
  auto principal = IdentifyCaller(config->keys, key);
  if (!principal.ok()) return Fail(KeyRefused(principal.status()));
  std::cout << "principal: " << (principal->name.empty() ? "anonymous" : principal->name) << "\n"
            << ExplainDecision(*config, *principal, server, tool);
  return 0;
}

int PrintTools(const std::string& config_path, const std::string& format,
               const std::optional<std::string>& key) {
  auto config = LoadOrExplain(config_path);
  if (!config.ok()) return Fail(config.status());
  auto principal = IdentifyCaller(config->keys, key);
  if (!principal.ok()) return Fail(KeyRefused(principal.status()));
  Gateway gateway(std::move(config).value());
  gateway.upstreams().Start();
  gateway.upstreams().WaitForStartup();
  const Catalog& catalog = gateway.catalog();
  protocol::Json tools = catalog.Tools();
  if (key) {  // without --key: everything, as before
    Access access(gateway.config().permissions, std::move(principal).value());
    auto resolve = [&catalog](std::string_view name) { return catalog.ResolveTool(name); };
    tools = access.Filter(tools, "name", resolve);
  }
  gateway.upstreams().Stop();
  protocol::Json out = format == "openai" ? ToOpenAiFunctions(tools) : protocol::Json{{"tools", tools}};
  std::cout << out.dump(2, ' ', false, protocol::Json::error_handler_t::replace) << "\n";
  return 0;
}

int PrintKeyHash(const std::optional<std::string>& key) {
  std::string text;
  if (key) {
    text = *key;
  } else if (!std::getline(std::cin, text)) {
    return Fail(protocol::Status(protocol::StatusCode::kInvalidArgument, "no key on stdin"));
  }
  if (text.empty()) {
    return Fail(protocol::Status(protocol::StatusCode::kInvalidArgument, "the key is empty"));
  }
  std::cout << policy::HashKey(text) << "\n";
  return 0;
}

}  // namespace mcpgw::proxy
