#include "proxy/session/hub_upstreams.h"

#include "protocol/log.h"

namespace mcpgw::proxy {

std::vector<std::string> HubUpstreams::Names() const {
  std::vector<std::string> names;
  for (const upstream::UpstreamPtr& upstream : upstreams_.Running()) {
    names.push_back(upstream->name());
  }
  return names;
}

void HubUpstreams::Send(const std::string& server, const std::string& method,
                        protocol::Json params) {
  upstream::UpstreamPtr upstream = upstreams_.Find(server);
  if (upstream == nullptr || upstream->state() != upstream::State::kReady) return;
  if (method == "logging/setLevel" && !upstream->offer()->capabilities.contains("logging")) return;
  upstream->Call(method, std::move(params), [server, method](protocol::Result<protocol::Json> r) {
    if (!r.ok()) log::Debug("[{}] {} failed: {}", server, method, r.status().message());
  });
}

}  // namespace mcpgw::proxy
