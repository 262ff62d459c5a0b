#pragma once

// The caching hints (ttlMs, cacheScope) of the results a modern client may cache: server/discover,
// the merged lists and resources/read (README "Caching"). They tell the truth about the gateway's
// answer: fresh no longer than every upstream it was made from says, and "public" only when it
// cannot depend on who asks. Pure functions over their arguments; any thread.

#include "protocol/json_rpc.h"
#include "proxy/access/access.h"
#include "proxy/routing/catalog.h"

#include <cstdint>
#include <string>

namespace mcpgw::proxy {

struct CacheHints {
  std::int64_t ttl_ms = 0;  // never negative
  bool shared = false;      // cacheScope "public"; else "private"
};

// A merged list's: fresh while every upstream serving it says so (Catalog::FreshForMs), shared
// only when the caller sees what everyone sees (Access::SeesSharedView).
CacheHints ListHints(const Catalog& catalog, CatalogList list, const Access& access);

// server/discover's: likewise over every upstream's discover hint.
CacheHints DiscoverHints(const Catalog& catalog, const Access& access);

// resources/read's: the upstream's own ttlMs (0 when it gave none, a negative one counts as 0)
// and its cacheScope, "private" when it gave none or the caller's view is not the shared one.
CacheHints ReadHints(const protocol::Json& upstream_result, const Access& access);

// What a retried request (params with inputResponses or requestState: a multi round-trip
// request) gets: its result depends on inputs outside any cache key, so it is stale at once and
// private.
bool IsRetry(const protocol::Json& params);
inline constexpr CacheHints kRetryHints{};

// Sets result's ttlMs and cacheScope to hints. Not for an input_required result, which carries
// none.
void AddCacheHints(protocol::Json& result, const CacheHints& hints);
// The same for a result already serialized as one JSON object's text (a list answered from the
// Catalog's shared text): the fields go in right after its opening brace.
std::string WithCacheHintsText(const std::string& object_text, const CacheHints& hints);

}  // namespace mcpgw::proxy
