#pragma once

#include "policy/permissions.h"
#include "protocol/status.h"
#include "proxy/routing/catalog.h"
#include "proxy/routing/methods.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::proxy {

// What one caller may see and do (README "Permissions"). Decides with policy::Decide on real
// names: the server behind any alias, the upstream's own tool or prompt name, and for resources
// and resource templates the URI (or uriTemplate text) as the item name. Borrows the
// permissions, which must outlive it; immutable, so any thread may use it.
class Access {
 public:
  Access(const policy::Permissions& permissions, policy::Principal principal);

  const policy::Principal& principal() const { return principal_; }

  // Whether the caller may list every item (no policy applies to it and permissions.default is
  // read or more), so that lists need no filtering.
  bool ReadsEverything() const { return uniform_level_ >= policy::Level::kRead; }

  // Whether nothing the caller gets can depend on who asks: it is anonymous, no policy exists at
  // all and permissions.default lets it read everything, so every other caller sees the same
  // (a cacheScope of "public", README "Caching").
  bool SeesSharedView() const;

  // Whether the caller may list `item` of `server` (level read or more).
  bool MayRead(std::string_view server, std::string_view item) const;

  // The items of a merged list (tools, prompts, resources or templates) the caller may read.
  // `key` is the field naming an item ("name", "uri", "uriTemplate"); `resolve` leads an
  // exposed name back to its route. Items it cannot resolve are left out.
  using Resolver = std::function<protocol::Result<Route>(std::string_view)>;
  protocol::Json Filter(const protocol::Json& items, const char* key,
                        const Resolver& resolve) const;

  // Ok when the caller has the level `method` needs on the routed item. An item it may not read
  // fails exactly as an unknown one would (UnknownItem: kInvalidArgument "Unknown tool: NAME",
  // with the name the caller used); one it may read but below that level fails
  // kPermissionDenied "Permission denied" with detail {server, tool, level}.
  protocol::Status Check(const RequestMethod& method, const protocol::Json& params,
                         const Route& route) const;

 private:
  // The caller's level on one item.
  policy::Level LevelOn(std::string_view server, std::string_view item) const;

  const policy::Permissions& permissions_;
  const policy::Principal principal_;
  // The caller's level on every item when no policy applies to it (found once, not per item and
  // request); nullopt when a policy applies (nullopt compares below every level).
  const std::optional<policy::Level> uniform_level_;
};

}  // namespace mcpgw::proxy
