#pragma once

#include "protocol/status.h"
#include "proxy/routing/exposure.h"
#include "upstream/upstream.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::proxy {

struct NamingRules {
  std::string separator = "__";
  std::size_t max_name_length = 64;
  std::map<std::string, std::string> aliases;  // alias -> server name
  // Server name -> which of its tools and prompts clients see, under which names; a server
  // that is absent shows everything as offered.
  std::map<std::string, Exposure> exposure;
};

// Where an exposed name leads: the upstream and the item's own name (or URI) there.
struct Route {
  std::string server;
  std::string name;
};

// What an exposed name would be called under `server` if that server offered it: for a
// prefixed server, what follows its name (or an alias of it) and the separator, nullopt when
// exposed does not start so; for an unprefixed server, exposed itself. Pure; any thread.
std::optional<std::string> NameUnderServer(const NamingRules& rules, const std::string& exposed,
                                           const std::string& server);

// The merged lists, each the answer to one list method.
enum class CatalogList { kTools, kPrompts, kResources, kResourceTemplates };

// Which merged lists an update changed, and in each the routes of the items added, removed or
// changed: only those list_changed notifications go out, and only to callers who may read one
// of those items (a change of items a caller cannot see changes nothing it sees).
struct CatalogChanges {
  std::vector<Route> tools;
  std::vector<Route> prompts;
  std::vector<Route> resources;  // resources or resource templates
  bool any() const { return !tools.empty() || !prompts.empty() || !resources.empty(); }
};

// The merged view of every upstream's offer, and the one owner of naming: tools and prompts are
// exposed as <server><separator><name> (as <name> alone for a server whose exposure says
// prefix: false), sanitized and shortened deterministically past max_name_length, never two
// with one name (the first, servers by name and items in their upstream's order, keeps it; the
// others are dropped with a warning), where name is the item's rename or else its own; an item
// its server's exposure hides is in no list and resolves as unknown. Resource URIs are kept as
// given and routed by URI. Thread-safe: readers get an immutable snapshot, updates swap it.
class Catalog {
 public:
  explicit Catalog(NamingRules rules);
  ~Catalog();

  // Replaces one server's items with those in offer, or removes them when offer is null, and
  // rebuilds the merged view. Returns which merged lists differ from before: an identical
  // refresh reports nothing. Any thread; updates run one at a time and never block readers.
  CatalogChanges Update(const std::string& server, std::shared_ptr<const upstream::Offer> offer);

  // Replaces the naming rules (aliases, exposure) and rebuilds the merged view; returns which
  // merged lists changed. Any thread; runs one at a time with Update, never blocks readers.
  CatalogChanges SetRules(NamingRules rules);
  // A copy of the rules the current view was built with. Any thread.
  NamingRules rules() const;

  // The merged lists (arrays of the upstreams' item objects with exposed names), in a
  // deterministic order: servers by name, items in the order their upstream gave them.
  protocol::Json Tools() const;
  protocol::Json Prompts() const;
  protocol::Json Resources() const;
  protocol::Json ResourceTemplates() const;

  // A list method's whole result, e.g. {"tools":[...]}, as JSON text: serialized once per change
  // of the catalog and then shared, so that answering a list costs neither a copy nor a dump.
  // Any thread.
  std::shared_ptr<const std::string> ListResultText(CatalogList list) const;

  // How long from now, in milliseconds, a merged list stays fresh by its upstreams' caching
  // hints (Offer::tools_ttl_ms, ...): the smallest hint of the servers that serve that list, each
  // less the time since the Catalog got it, never below 0; 0 as soon as one gave none (a legacy
  // server). DiscoverFreshForMs is the same over every server's discover_ttl_ms. Any thread.
  std::int64_t FreshForMs(CatalogList list) const;
  std::int64_t DiscoverFreshForMs() const;
  // The servers serving `list` whose copy has outlived the positive ttlMs they gave with it:
  // theirs is to be fetched again. Any thread.
  std::vector<std::string> ExpiredCopies(CatalogList list) const;

  // Maps an exposed name back to the server and the item's real name. Accepts the server name or
  // any alias as prefix, and shortened names; after a prefix, the item's name under the server
  // (its rename, not its real name, when it has one). An unprefixed server's items are reached
  // by their exposed names only. Fails with kInvalidArgument "Unknown tool: NAME" (or
  // "Unknown prompt: NAME").
  protocol::Result<Route> ResolveTool(std::string_view exposed) const;
  protocol::Result<Route> ResolvePrompt(std::string_view exposed) const;
  // Routes a resource URI by its canonical form (resource_uri.h), which is the route's name: an
  // exact listed URI first (listed URIs are indexed canonical too), then the servers' URI
  // templates, and last the one server that serves resources when only one does (so that a URI
  // it makes on the fly can be read and subscribed to). Fails with kInvalidArgument: "Invalid
  // resource URI: why: URI" when it has no canonical form, "Unknown resource: URI" (data.uri) when
  // no server has it.
  protocol::Result<Route> ResolveResource(std::string_view uri) const;

  // The current view's warnings about dropped items (name clashes, items without a name or with
  // an unusable URI), sorted; each was logged once when it first appeared. Any thread.
  std::vector<std::string> Warnings() const;

 private:
  struct Snapshot;
  // Builds the merged view of offers_ from scratch. The caller holds update_mutex_.
  std::shared_ptr<const Snapshot> Build() const;
  // Builds, logs new drop warnings, swaps the snapshot and reports what changed. The caller
  // holds update_mutex_.
  CatalogChanges Rebuild();
  // The snapshot readers work on; never null.
  std::shared_ptr<const Snapshot> Current() const;

  NamingRules rules_;        // guarded by update_mutex_ (readers use the snapshot's copy)
  std::mutex update_mutex_;  // serializes Update and SetRules: guards rules_, offers_, rebuild
  // By server name: each offer and when the Catalog got it (the age of its caching hints).
  struct Held {
    std::shared_ptr<const upstream::Offer> offer;
    std::chrono::steady_clock::time_point received;
  };
  std::map<std::string, Held> offers_;
  mutable std::mutex mutex_;                  // guards the pointer swap only
  std::shared_ptr<const Snapshot> snapshot_;  // guarded by mutex_
};

}  // namespace mcpgw::proxy
