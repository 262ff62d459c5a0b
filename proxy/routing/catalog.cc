#include "proxy/routing/catalog.h"

#include "protocol/log.h"
#include "proxy/routing/naming.h"
#include "proxy/routing/resource_uri.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;
using upstream::Offer;

// Tools or prompts: the merged list and the maps that lead back from it. Only kept items are in
// the maps, so an item dropped for a name clash or hidden by its server's exposure cannot be
// reached by any spelling.
struct NamedList {
  Json items = Json::array();
  std::unordered_map<std::string, Route> by_exposed;
  // server -> the item's name under it (its rename, else its real name) -> its real name
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> names;
};

struct TemplateRoute {
  UriTemplate pattern;
  std::string server;
};

struct ResourceIndex {
  Json resources = Json::array();
  Json templates = Json::array();
  std::unordered_map<std::string, std::string> by_uri;       // listed URI -> server
  std::unordered_map<std::string, std::string> by_template;  // uriTemplate text -> server
  std::vector<TemplateRoute> patterns;                       // in list order
  std::set<std::string> servers;  // the servers that serve resources (capability or a list)
};

// Warnings about dropped items. Kept in the snapshot so that each is logged once, not again on
// every rebuild while the clash lasts.
using Drops = std::set<std::string>;

const Json& ArrayOrEmpty(const Json& list) {
  static const Json kEmpty = Json::array();
  return list.is_array() ? list : kEmpty;
}

const std::string* StringField(const Json& item, const char* key) {
  if (!item.is_object()) return nullptr;
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// A server's overrides; for a server without any, everything as offered.
const Exposure& ExposureOf(const NamingRules& rules, const std::string& server) {
  static const Exposure kAsOffered;
  auto it = rules.exposure.find(server);
  return it == rules.exposure.end() ? kAsOffered : it->second;
}

// kind is "tool" or "prompt"; exposure is the server's overrides for that kind; prefixed is its
// "prefix". An unprefixed server's items are reached by their exposed names only: they are left
// out of list.names, so that no server or alias prefix leads to them.
void AddNamed(NamedList& list, const std::string& server, const Json& item,
              const ItemExposure& exposure, bool prefixed, const NamingRules& rules,
              std::string_view kind, Drops& drops) {
  const std::string* original = StringField(item, "name");
  if (original == nullptr) {
    drops.insert(fmt::format("dropping a {} of server '{}' that has no name", kind, server));
    return;
  }
  std::optional<Json> shown = Expose(exposure, item);
  if (!shown) return;
  std::string name = (*shown)["name"].get<std::string>();
  std::string exposed = prefixed
                            ? ExposedName(server, name, rules.separator, rules.max_name_length)
                            : UnprefixedName(name, rules.max_name_length);
  auto [it, inserted] = list.by_exposed.try_emplace(exposed, Route{server, *original});
  if (!inserted) {
    drops.insert(
        fmt::format("dropping {} '{}' of server '{}': its name '{}' is taken by '{}' of "
                    "server '{}'",
                    kind, *original, server, exposed, it->second.name, it->second.server));
    return;
  }
  if (prefixed) list.names[server].emplace(std::move(name), *original);
  (*shown)["name"] = std::move(exposed);
  list.items.push_back(*std::move(shown));
}

// The key an item is found by: the canonical form of its "uri", so that a request is routed by the
// spelling it is decided on; a "uriTemplate" that is no URI (say, "{+base}/x") keeps its text.
Result<std::string> IndexKey(const std::string& value, const char* key) {
  Result<std::string> canonical = CanonicalUri(value);
  if (!canonical.ok() && std::string_view(key) == "uriTemplate") return value;
  return canonical;
}

// Adds an entry keyed by IndexKey(item[key]) ("uri" or "uriTemplate") unless another server has
// it. Returns the key when it was added.
std::optional<std::string> AddKeyed(std::unordered_map<std::string, std::string>& index,
                                    Json& list, const std::string& server, const Json& item,
                                    const char* key, Drops& drops) {
  const std::string* value = StringField(item, key);
  if (value == nullptr) {
    drops.insert(fmt::format("dropping a resource of server '{}' that has no {}", server, key));
    return std::nullopt;
  }
  Result<std::string> indexed = IndexKey(*value, key);
  if (!indexed.ok()) {
    drops.insert(fmt::format("dropping resource '{}' of server '{}': {}", *value, server,
                             indexed.status().message()));
    return std::nullopt;
  }
  auto [it, inserted] = index.try_emplace(*indexed, server);
  if (!inserted) {
    drops.insert(fmt::format("dropping resource '{}' of server '{}': server '{}' lists it first",
                             *value, server, it->second));
    return std::nullopt;
  }
  list.push_back(item);
  return *std::move(indexed);
}

void AddResources(ResourceIndex& index, const std::string& server, const Offer& offer,
                  Drops& drops) {
  if (offer.capabilities.contains("resources") || !ArrayOrEmpty(offer.resources).empty() ||
      !ArrayOrEmpty(offer.resource_templates).empty()) {
    index.servers.insert(server);
  }
  for (const Json& item : ArrayOrEmpty(offer.resources)) {
    AddKeyed(index.by_uri, index.resources, server, item, "uri", drops);
  }
  for (const Json& item : ArrayOrEmpty(offer.resource_templates)) {
    auto text = AddKeyed(index.by_template, index.templates, server, item, "uriTemplate", drops);
    if (text) index.patterns.push_back({UriTemplate(*text), server});
  }
}

// The server a call names by prefix: a server with items in list, or an alias of one.
const std::string* ServerFor(const NamedList& list, std::string_view prefix,
                             const NamingRules& rules) {
  std::string name(prefix);
  auto it = list.names.find(name);
  if (auto alias = rules.aliases.find(name);
      it == list.names.end() && alias != rules.aliases.end()) {
    it = list.names.find(alias->second);
  }
  return it == list.names.end() ? nullptr : &it->first;
}

// Reads exposed as <prefix><separator><rest>, where prefix names a server (or an alias of one)
// and rest is the item's name under that server or the tail of an exposed name of that server.
std::optional<Route> ResolveSplit(const NamedList& list, std::string_view prefix,
                                  std::string_view rest, const NamingRules& rules) {
  const std::string* server = ServerFor(list, prefix, rules);
  if (server == nullptr) return std::nullopt;
  std::string name(rest);
  const auto& names = list.names.at(*server);
  if (auto it = names.find(name); it != names.end()) return Route{*server, it->second};
  auto it = list.by_exposed.find(*server + rules.separator + name);
  if (it != list.by_exposed.end() && it->second.server == *server) return it->second;
  return std::nullopt;
}

// kind is "tool" or "prompt".
Result<Route> ResolveNamed(const NamedList& list, std::string_view exposed,
                           const NamingRules& rules, std::string_view kind) {
  if (auto it = list.by_exposed.find(std::string(exposed)); it != list.by_exposed.end()) {
    return it->second;
  }
  // Server names may end in '_', so try every place the separator occurs, leftmost first.
  const std::string& separator = rules.separator;
  for (std::size_t at = exposed.find(separator); at != std::string_view::npos;
       at = exposed.find(separator, at + 1)) {
    auto route =
        ResolveSplit(list, exposed.substr(0, at), exposed.substr(at + separator.size()), rules);
    if (route) return *std::move(route);
  }
  return Status(StatusCode::kInvalidArgument, fmt::format("Unknown {}: {}", kind, exposed));
}

// Routes uri by its canonical form, which is also the route's name: what is decided and forwarded.
Result<Route> ResolveUri(const ResourceIndex& index, std::string_view uri) {
  Result<std::string> canonical = CanonicalUri(uri);
  if (!canonical.ok()) {  // a uriTemplate that is no URI is still named by its text
    auto it = index.by_template.find(std::string(uri));
    if (it == index.by_template.end()) return canonical.status();
    return Route{it->second, it->first};
  }
  const std::string& key = *canonical;
  if (auto it = index.by_uri.find(key); it != index.by_uri.end()) return Route{it->second, key};
  // completion/complete names a template by its uriTemplate text.
  if (auto it = index.by_template.find(key); it != index.by_template.end()) {
    return Route{it->second, key};
  }
  for (const TemplateRoute& route : index.patterns) {
    if (route.pattern.Matches(key)) return Route{route.server, key};
  }
  // A URI nobody lists or templates (a resource the upstream makes on the fly, or one it lists
  // later) can only be the one resource server's, when there is one.
  if (index.servers.size() == 1) return Route{*index.servers.begin(), key};
  return Status(StatusCode::kInvalidArgument, "Unknown resource: " + std::string(uri),
                {{"uri", uri}});
}

// The items that differ between two versions of a merged list, keyed by `key` ("name", "uri",
// "uriTemplate"): each one added, removed or changed, as `route` leads to it in the version
// that has it (a removed item in `before`).
template <typename RouteIn>
std::vector<Route> ChangedItems(const Json& before, const Json& after, const char* key,
                                RouteIn before_route, RouteIn after_route) {
  auto by_key = [key](const Json& list) {
    std::unordered_map<std::string, const Json*> items;
    for (const Json& item : list) {
      if (const std::string* name = StringField(item, key)) items.emplace(*name, &item);
    }
    return items;
  };
  const auto old_items = by_key(before);
  const auto new_items = by_key(after);
  // The same item is the same text leading to the same server and real name.
  auto same = [&](const std::string& name, const Json& old_item, const Json& new_item) {
    if (old_item != new_item) return false;
    Result<Route> was = before_route(name);
    Result<Route> is = after_route(name);
    return was.ok() && is.ok() && was->server == is->server && was->name == is->name;
  };
  std::vector<Route> changed;
  auto add_differing = [&](const auto& from, const auto& other, const auto& route_of) {
    for (const auto& [name, item] : from) {
      auto match = other.find(name);
      if (match != other.end() && same(name, *match->second, *item)) continue;
      if (Result<Route> route = route_of(name); route.ok()) changed.push_back(*std::move(route));
    }
  };
  add_differing(old_items, new_items, before_route);
  add_differing(new_items, old_items, after_route);
  auto tied = [](const Route& route) { return std::tie(route.server, route.name); };
  std::sort(changed.begin(), changed.end(),
            [&tied](const Route& a, const Route& b) { return tied(a) < tied(b); });
  changed.erase(std::unique(changed.begin(), changed.end(),
                            [&tied](const Route& a, const Route& b) { return tied(a) == tied(b); }),
                changed.end());
  return changed;
}

// Whether a server's offer takes part in a merged list: it declares the feature or lists items.
bool Serves(const Offer& offer, CatalogList list) {
  switch (list) {
    case CatalogList::kTools:
      return offer.capabilities.contains("tools") || !ArrayOrEmpty(offer.tools).empty();
    case CatalogList::kPrompts:
      return offer.capabilities.contains("prompts") || !ArrayOrEmpty(offer.prompts).empty();
    case CatalogList::kResources:
    case CatalogList::kResourceTemplates:
      return offer.capabilities.contains("resources") || !ArrayOrEmpty(offer.resources).empty() ||
             !ArrayOrEmpty(offer.resource_templates).empty();
  }
  return false;
}

std::int64_t ListTtl(const Offer& offer, CatalogList list) {
  switch (list) {
    case CatalogList::kTools:
      return offer.tools_ttl_ms;
    case CatalogList::kPrompts:
      return offer.prompts_ttl_ms;
    case CatalogList::kResources:
      return offer.resources_ttl_ms;
    case CatalogList::kResourceTemplates:
      return offer.resource_templates_ttl_ms;
  }
  return 0;
}

// What is left of a hint of ttl_ms given at `received`, never below 0.
std::int64_t Remaining(std::int64_t ttl_ms, std::chrono::steady_clock::time_point received) {
  const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - received);
  return std::max<std::int64_t>(0, ttl_ms - age.count());
}

}  // namespace

std::optional<std::string> NameUnderServer(const NamingRules& rules, const std::string& exposed,
                                           const std::string& server) {
  if (!ExposureOf(rules, server).prefix) return exposed;
  const std::string& separator = rules.separator;
  if (exposed.starts_with(server + separator)) {
    return exposed.substr(server.size() + separator.size());
  }
  for (const auto& [alias, target] : rules.aliases) {
    if (target == server && exposed.starts_with(alias + separator)) {
      return exposed.substr(alias.size() + separator.size());
    }
  }
  return std::nullopt;
}

struct Catalog::Snapshot {
  NamingRules rules;  // the rules it was built with; readers resolve by them
  NamedList tools;
  NamedList prompts;
  ResourceIndex resources;
  Drops drops;
  std::map<std::string, Held> offers;  // what it was built from: the caching hints' source
  // ListResultText's texts, by CatalogList, each made by the first request that needs it.
  mutable std::once_flag text_once[4];
  mutable std::shared_ptr<const std::string> text[4];
};

Catalog::Catalog(NamingRules rules) : rules_(std::move(rules)), snapshot_(Build()) {}

Catalog::~Catalog() = default;

CatalogChanges Catalog::Update(const std::string& server,
                               std::shared_ptr<const upstream::Offer> offer) {
  std::lock_guard update_lock(update_mutex_);
  if (offer) {
    offers_[server] = {std::move(offer), std::chrono::steady_clock::now()};
  } else {
    offers_.erase(server);
  }
  return Rebuild();
}

CatalogChanges Catalog::SetRules(NamingRules rules) {
  std::lock_guard update_lock(update_mutex_);
  rules_ = std::move(rules);
  return Rebuild();
}

NamingRules Catalog::rules() const { return Current()->rules; }

CatalogChanges Catalog::Rebuild() {
  std::shared_ptr<const Snapshot> next = Build();
  std::shared_ptr<const Snapshot> previous = Current();
  for (const std::string& warning : next->drops) {
    if (previous->drops.count(warning) == 0) log::Warn("catalog: {}", warning);
  }
  auto named = [](const Snapshot& in, const NamedList& list, std::string_view kind) {
    return [&in, &list, kind](std::string_view name) {
      return ResolveNamed(list, name, in.rules, kind);
    };
  };
  auto uri = [](const Snapshot& in) {
    return [&in](std::string_view name) { return ResolveUri(in.resources, name); };
  };
  CatalogChanges changes;
  changes.tools = ChangedItems(previous->tools.items, next->tools.items, "name",
                               named(*previous, previous->tools, "tool"),
                               named(*next, next->tools, "tool"));
  changes.prompts = ChangedItems(previous->prompts.items, next->prompts.items, "name",
                                 named(*previous, previous->prompts, "prompt"),
                                 named(*next, next->prompts, "prompt"));
  changes.resources = ChangedItems(previous->resources.resources, next->resources.resources, "uri",
                                   uri(*previous), uri(*next));
  for (Route& route : ChangedItems(previous->resources.templates, next->resources.templates,
                                   "uriTemplate", uri(*previous), uri(*next))) {
    changes.resources.push_back(std::move(route));
  }
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(next);
  return changes;
}

std::shared_ptr<const Catalog::Snapshot> Catalog::Build() const {
  auto next = std::make_shared<Snapshot>();
  next->rules = rules_;
  next->offers = offers_;
  for (const auto& [server, held] : offers_) {  // std::map: servers by name
    const Offer* offer = held.offer.get();
    const Exposure& exposure = ExposureOf(rules_, server);
    for (const Json& tool : ArrayOrEmpty(offer->tools)) {
      AddNamed(next->tools, server, tool, exposure.tools, exposure.prefix, rules_, "tool",
               next->drops);
    }
    for (const Json& prompt : ArrayOrEmpty(offer->prompts)) {
      AddNamed(next->prompts, server, prompt, exposure.prompts, exposure.prefix, rules_,
               "prompt", next->drops);
    }
    AddResources(next->resources, server, *offer, next->drops);
  }
  return next;
}

std::shared_ptr<const Catalog::Snapshot> Catalog::Current() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

Json Catalog::Tools() const { return Current()->tools.items; }

Json Catalog::Prompts() const { return Current()->prompts.items; }

Json Catalog::Resources() const { return Current()->resources.resources; }

Json Catalog::ResourceTemplates() const { return Current()->resources.templates; }

std::shared_ptr<const std::string> Catalog::ListResultText(CatalogList list) const {
  std::shared_ptr<const Snapshot> snapshot = Current();
  const auto index = static_cast<std::size_t>(list);
  std::call_once(snapshot->text_once[index], [&snapshot, list, index] {
    auto text = [](const char* field, const Json& items) {
      return std::make_shared<const std::string>(
          Json{{field, items}}.dump(-1, ' ', false, Json::error_handler_t::replace));
    };
    switch (list) {
      case CatalogList::kTools:
        snapshot->text[index] = text("tools", snapshot->tools.items);
        break;
      case CatalogList::kPrompts:
        snapshot->text[index] = text("prompts", snapshot->prompts.items);
        break;
      case CatalogList::kResources:
        snapshot->text[index] = text("resources", snapshot->resources.resources);
        break;
      case CatalogList::kResourceTemplates:
        snapshot->text[index] = text("resourceTemplates", snapshot->resources.templates);
        break;
    }
  });
  return snapshot->text[index];
}

std::int64_t Catalog::FreshForMs(CatalogList list) const {
  std::optional<std::int64_t> fresh;
  for (const auto& [server, held] : Current()->offers) {
    if (!Serves(*held.offer, list)) continue;
    const std::int64_t left = Remaining(ListTtl(*held.offer, list), held.received);
    fresh = fresh ? std::min(*fresh, left) : left;
  }
  return fresh.value_or(0);  // a list no server serves may change with the next one to come
}

std::vector<std::string> Catalog::ExpiredCopies(CatalogList list) const {
  std::vector<std::string> expired;
  for (const auto& [server, held] : Current()->offers) {
    const std::int64_t ttl = ListTtl(*held.offer, list);
    if (Serves(*held.offer, list) && ttl > 0 && Remaining(ttl, held.received) == 0) {
      expired.push_back(server);
    }
  }
  return expired;
}

std::int64_t Catalog::DiscoverFreshForMs() const {
  std::optional<std::int64_t> fresh;
  for (const auto& [server, held] : Current()->offers) {
    const std::int64_t left = Remaining(held.offer->discover_ttl_ms, held.received);
    fresh = fresh ? std::min(*fresh, left) : left;
  }
  return fresh.value_or(0);
}

std::vector<std::string> Catalog::Warnings() const {
  const Drops& drops = Current()->drops;
  return {drops.begin(), drops.end()};
}

Result<Route> Catalog::ResolveTool(std::string_view exposed) const {
  std::shared_ptr<const Snapshot> current = Current();
  return ResolveNamed(current->tools, exposed, current->rules, "tool");
}

Result<Route> Catalog::ResolvePrompt(std::string_view exposed) const {
  std::shared_ptr<const Snapshot> current = Current();
  return ResolveNamed(current->prompts, exposed, current->rules, "prompt");
}

Result<Route> Catalog::ResolveResource(std::string_view uri) const {
  return ResolveUri(Current()->resources, uri);
}

}  // namespace mcpgw::proxy
