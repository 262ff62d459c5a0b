#pragma once

// A request of the modern era (README "Protocol eras"): what its params._meta declares, read
// once when it arrives, and how its answer differs from a legacy one.

#include "protocol/status.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace mcpgw::proxy {

struct ModernRequest {
  std::string version;                                  // a modern revision the gateway serves
  protocol::Json client_capabilities = protocol::Json::object();
  protocol::Json client_info;                           // null when the client gave none
  std::string log_level;                                // empty: the client asked for none
  // Over HTTP, the request's Mcp-Param-* headers, forwarded to HTTP upstreams as they came.
  std::vector<std::pair<std::string, std::string>> forward_headers;
};

// Reads params._meta of a modern request. Fails
// with the wire error the client gets (as kRemote, so that it goes out unchanged): -32022 with
// data.supported for a version the gateway does not serve, -32602 for a missing version or a
// missing or malformed clientCapabilities, clientInfo or logLevel.
protocol::Result<ModernRequest> ReadModernRequest(const protocol::Json& params);

// params._meta without the keys reserved for the client's version, capabilities and identity:
// an upstream gets the gateway's own. The rest (progressToken, the request's logLevel) stays.
void StripClientMeta(protocol::Json& params);

// What every result a modern client gets carries: resultType (complete, unless the result
// says otherwise) and the gateway's serverInfo in _meta.
void MarkModernResult(protocol::Json& result);
// The same for a result already serialized as one JSON object's text (a list answered from the
// Catalog's shared text): the fields go in right after its opening brace.
std::string MarkModernResultText(const std::string& object_text);

// An error of the modern era's own codes, passed to the wire unchanged.
protocol::Status ModernError(int code, std::string message, protocol::Json data = nullptr);

}  // namespace mcpgw::proxy
