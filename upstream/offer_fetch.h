#pragma once

#include "upstream/upstream.h"

#include <functional>
#include <string>
#include <string_view>

namespace mcpgw::upstream {

// Sends one request and blocks for its reply.
using Requester =
    std::function<protocol::Result<protocol::Json>(std::string method, protocol::Json params)>;

// The lists an Offer holds, as bits; kResources covers resources and resource templates.
enum ListKind : unsigned { kTools = 1u, kPrompts = 2u, kResources = 4u };

// The params of the gateway's initialize request: the newest session revision and the client
// capabilities given.
protocol::Json InitializeParams(protocol::Json capabilities);

// Copies capabilities, serverInfo and protocolVersion of an initialize result into offer.
// Fails with kInvalidMessage when the result is malformed or names a revision the gateway does
// not speak; offer is unchanged then.
protocol::Status ApplyInitializeResult(const protocol::Json& result, Offer& offer);

// The lists a server's capabilities declare.
unsigned DeclaredLists(const protocol::Json& capabilities);

// The list a notifications/*/list_changed method refers to; 0 for any other method.
unsigned ListChangedKind(std::string_view method);

// Every item of a list request (tools/list, ...), following nextCursor until it is absent.
// Fails with the first failed page's status, or kInvalidMessage for a page without the array
// named key or for a cursor that repeats.
protocol::Result<protocol::Json> FetchAllPages(const Requester& request, const std::string& method,
                                               const std::string& key);

// Fetches the lists in kinds into offer. A list that cannot be fetched is logged (as server)
// and left as it was.
void FetchLists(const Requester& request, const std::string& server, unsigned kinds, Offer& offer);

}  // namespace mcpgw::upstream
