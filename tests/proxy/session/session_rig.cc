#include "tests/proxy/session/session_rig.h"

namespace mcpgw::proxy::testing {

SessionRig::SessionRig(Config config, upstream::ConnectionFactory open,
                       const std::vector<RigClient>& clients)
    : gateway_(std::make_unique<Gateway>(std::move(config), std::move(open))) {
  gateway_->upstreams().Start();
  gateway_->upstreams().WaitForStartup();
  for (const RigClient& client : clients) {
    sessions_.push_back(std::make_unique<Session>(gateway_->session_services(), client.sink,
                                                      client.principal));
  }
}

SessionRig::~SessionRig() {
  gateway_->upstreams().Stop();
  sessions_.clear();
}

}  // namespace mcpgw::proxy::testing
