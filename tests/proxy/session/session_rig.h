#pragma once

#include "proxy/app/gateway.h"
#include "proxy/session/session.h"
#include "upstream/connection.h"

#include <memory>
#include <vector>

namespace mcpgw::proxy::testing {

// One client of a SessionRig: who it is, and where its answers and notifications go.
struct RigClient {
  policy::Principal principal;
  ClientSink sink;
};

// Sessions on a started gateway whose upstreams connect through a factory of the test's (an
// in-memory server, say). The one place in the tests that builds a Session and what stands
// behind it.
class SessionRig {
 public:
  // Builds the gateway for `config`, its upstreams opening their connections through `open`,
  // starts it and waits until every upstream's first attempt has ended; then opens one Session
  // per client, in their order.
  SessionRig(Config config, upstream::ConnectionFactory open,
             const std::vector<RigClient>& clients);
  // Stops the upstreams (calls still waiting fail, and their sessions answer so), then ends the
  // sessions.
  ~SessionRig();
  SessionRig(const SessionRig&) = delete;
  SessionRig& operator=(const SessionRig&) = delete;

  // The session of clients[index].
  Session& session(std::size_t index) { return *sessions_.at(index); }

 private:
  std::unique_ptr<Gateway> gateway_;
  std::vector<std::unique_ptr<Session>> sessions_;
};

}  // namespace mcpgw::proxy::testing
