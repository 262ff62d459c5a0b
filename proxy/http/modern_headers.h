#pragma once

#include "protocol/json_rpc.h"

#include <httplib.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mcpgw::proxy {

// The checks of a modern POST's headers against its message (README "Protocol eras"): the
// MCP-Protocol-Version header is required and served, and equals the version in _meta;
// Mcp-Method is required and equals the method; Mcp-Name is required for tools/call and
// prompts/get (params.name) and resources/read (params.uri) and equals it, after decoding the
// =?base64?...?= form. nullopt when all agree; else the wire error (kRemote: -32020, or -32022
// for an unserved version) the client gets with HTTP 400.
std::optional<protocol::Status> CheckModernHeaders(const httplib::Request& req,
                                                   const protocol::Message& message);

// The request's Mcp-Param-* headers, names and values as they came.
std::vector<std::pair<std::string, std::string>> ParamHeaders(const httplib::Request& req);

}  // namespace mcpgw::proxy
