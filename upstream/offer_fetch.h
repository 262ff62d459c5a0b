#pragma once

#include "upstream/upstream.h"

#include <cstdint>
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

// Copies capabilities, serverInfo, instructions and protocolVersion of an initialize result into
// offer. Fails with kInvalidMessage when the result is malformed or names a revision the gateway
// does not speak.
protocol::Status ApplyInitializeResult(const protocol::Json& result, Offer& offer);

// Copies capabilities, _meta's serverInfo, instructions and ttlMs of a DiscoverResult into offer,
// which becomes modern on revision. Fails with kInvalidMessage when the result is malformed.
protocol::Status ApplyDiscoverResult(const protocol::Json& result, const std::string& revision,
                                     Offer& offer);

// The ttlMs caching hint of a result; 0 when absent, not an integer, or negative.
std::int64_t TtlOf(const protocol::Json& result);

// The lists a server's capabilities declare.
unsigned DeclaredLists(const protocol::Json& capabilities);

// The list a notifications/*/list_changed method refers to; 0 for any other method.
unsigned ListChangedKind(std::string_view method);

// A list gathered from all its pages, and the smallest ttlMs of those pages.
struct ListPages {
  protocol::Json items = protocol::Json::array();
  std::int64_t ttl_ms = 0;
};

// Every item of a list request (tools/list, ...), following nextCursor until it is absent.
// Fails with the first failed page's status, or kInvalidMessage for a page without the array
// named key or for a cursor that repeats.
protocol::Result<ListPages> FetchAllPages(const Requester& request, const std::string& method,
                                          const std::string& key);

// Fetches the lists in kinds into offer. A list that cannot be fetched is logged (as server)
// and left as it was.
void FetchLists(const Requester& request, const std::string& server, unsigned kinds, Offer& offer);

}  // namespace mcpgw::upstream
