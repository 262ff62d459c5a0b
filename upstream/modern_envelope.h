#pragma once

#include "protocol/json_rpc.h"
#include "upstream/connection.h"

#include <mutex>
#include <string>

namespace mcpgw::upstream {

// What every request to a modern upstream carries in params._meta (the modern revision has no
// initialize to say it once): the revision, the client capabilities, the gateway's identity, and
// the log level a client asked for with logging/setLevel. Any thread.
class ModernEnvelope {
 public:
  ModernEnvelope(std::string revision, protocol::Json client_capabilities);

  const std::string& revision() const { return revision_; }

  // params with the envelope merged into its _meta (whatever _meta already held, a
  // progressToken say, stays); null params become an object. `client_capabilities`, when not
  // null, replaces the gateway's own (a modern client's, for its call).
  protocol::Json Stamp(protocol::Json params,
                       const protocol::Json& client_capabilities = nullptr) const;

  // From now on, requests carry io.modelcontextprotocol/logLevel = level.
  void SetLogLevel(std::string level);

 private:
  const std::string revision_;
  const protocol::Json client_capabilities_;
  mutable std::mutex mutex_;
  std::string log_level_;  // guarded by mutex_; empty: none asked for
};

// The params of the gateway's server/discover probe for revision.
protocol::Json DiscoverParams(const std::string& revision, protocol::Json client_capabilities);

// The gateway's clientInfo (name "mcpgw", its version).
protocol::Json GatewayClientInfo();

// The HTTP headers a modern request needs besides the body (Streamable HTTP, "Standard Request
// Headers"): MCP-Protocol-Version from its _meta, Mcp-Method, and Mcp-Name (params.name of
// tools/call and prompts/get, params.uri of resources/read), a value that is not plain visible
// ASCII sent as =?base64?…?=. Empty for a message that declares no modern revision.
HeaderList ModernHeaders(const protocol::Message& message);

}  // namespace mcpgw::upstream
