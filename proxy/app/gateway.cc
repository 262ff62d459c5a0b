#include "proxy/app/gateway.h"

#include "protocol/log.h"
#include "proxy/session/client_requests.h"

namespace mcpgw::proxy {
namespace {

// The separator and length limit are fixed at start; aliases and exposure come from `registry`.
NamingRules NamingRulesOf(const Config& config, const Config& registry) {
  return {config.gateway.separator, config.gateway.max_tool_name_length, registry.aliases,
          registry.exposure};
}

void Merge(CatalogChanges& into, const CatalogChanges& more) {
  for (auto list : {&CatalogChanges::tools, &CatalogChanges::prompts, &CatalogChanges::resources}) {
    (into.*list).insert((into.*list).end(), (more.*list).begin(), (more.*list).end());
  }
}

}  // namespace

Gateway::Gateway(Config config, upstream::ConnectionFactory open)
    : config_(std::move(config)),
      catalog_(NamingRulesOf(config_, config_)),
      upstreams_(config_.servers, this, config_.gateway.startup_timeout,
                 config_.gateway.shutdown_grace, std::move(open)),
      client_capabilities_(EveryRelayableCapability()) {}

Gateway::~Gateway() { upstreams_.Stop(); }

// The new and replaced servers get their metrics before they start, so that their first state
// is counted; the retired ones leave the Catalog before their replacements can offer anything.
upstream::ServerDiff Gateway::Apply(const Config& next) {
  return upstreams_.Apply(next.servers, [&](const upstream::ServerDiff& diff) {
    for (const auto* names : {&diff.added, &diff.changed}) {
      for (const std::string& name : *names) metrics_.AddServer(name);
    }
    CatalogChanges changes;
    for (const auto* names : {&diff.removed, &diff.changed}) {
      for (const std::string& name : *names) {
        arguments_.Update(name, nullptr);
        Merge(changes, catalog_.Update(name, nullptr));
      }
    }
    Merge(changes, catalog_.SetRules(NamingRulesOf(config_, next)));
    BroadcastChanges(changes);
  });
}

void Gateway::OnOfferChanged(const std::string& server) {
  upstream::UpstreamPtr upstream = upstreams_.Find(server);
  if (upstream == nullptr) return;
  std::shared_ptr<const upstream::Offer> offer = upstream->offer();
  arguments_.Update(server, offer.get());  // first, so that a newly routable tool is checked
  BroadcastChanges(catalog_.Update(server, std::move(offer)));
}

void Gateway::BroadcastChanges(const CatalogChanges& changes) {
  using protocol::MakeNotification;
  auto tell = [this](const char* method, const std::vector<Route>& changed) {
    if (!changed.empty()) hub_.ListChanged(MakeNotification(method), changed);
  };
  tell("notifications/tools/list_changed", changes.tools);
  tell("notifications/prompts/list_changed", changes.prompts);
  tell("notifications/resources/list_changed", changes.resources);
}

// The upstream logs its own state changes (only it knows the state it left); /metrics shows them.
// A (re)connected upstream has forgotten the sessions' subscriptions and log level.
void Gateway::OnStateChanged(const std::string& server, upstream::State state) {
  metrics_.SetUpstreamState(server, state);
  if (state == upstream::State::kReady) hub_.UpstreamReady(server);
}

void Gateway::OnNotification(const std::string& server, const protocol::Message& notification) {
  hub_.FromUpstream(server, notification);
}

}  // namespace mcpgw::proxy

namespace mcpgw::proxy {

void Gateway::ServeOneClient(const protocol::Json& client_capabilities) {
  std::lock_guard lock(client_mutex_);
  client_capabilities_ = RelayableCapabilities(client_capabilities);
  one_client_ = true;
}

protocol::Json Gateway::ClientCapabilities(const std::string&) {
  std::lock_guard lock(client_mutex_);
  return client_capabilities_;
}

upstream::Withdraw Gateway::OnRequest(const std::string& server, protocol::Message request,
                                      upstream::ReplyHandler reply) {
  bool one_client = false;
  {
    std::lock_guard lock(client_mutex_);
    one_client = one_client_;
  }
  if (one_client) {
    if (auto relayed = hub_.RelayToOnlyMember(server, request, reply)) return *relayed;
  }
  log::Warn("[{}] refused the server's {} request: no call of one client caused it", server,
            request.method);
  reply(protocol::Status(protocol::StatusCode::kUnavailable,
                         "the gateway cannot tell which client this " + request.method +
                             " request is for: send it on the stream of the request that caused it"));
  return nullptr;
}

}  // namespace mcpgw::proxy
