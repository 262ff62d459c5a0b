#include "proxy/session/cache_hints.h"

#include <algorithm>

namespace mcpgw::proxy {

using protocol::Json;

CacheHints ListHints(const Catalog& catalog, CatalogList list, const Access& access) {
  return {catalog.FreshForMs(list), access.SeesSharedView()};
}

CacheHints DiscoverHints(const Catalog& catalog, const Access& access) {
  return {catalog.DiscoverFreshForMs(), access.SeesSharedView()};
}

CacheHints ReadHints(const Json& upstream_result, const Access& access) {
  CacheHints hints;
  if (!upstream_result.is_object()) return hints;
  auto ttl = upstream_result.find("ttlMs");
  if (ttl != upstream_result.end() && ttl->is_number_integer()) {
    hints.ttl_ms = std::max<std::int64_t>(0, ttl->get<std::int64_t>());
  }
  auto scope = upstream_result.find("cacheScope");
  hints.shared = scope != upstream_result.end() && *scope == "public" && access.SeesSharedView();
  return hints;
}

bool IsRetry(const Json& params) {
  return params.is_object() &&
         (params.contains("inputResponses") || params.contains("requestState"));
}

void AddCacheHints(Json& result, const CacheHints& hints) {
  result["ttlMs"] = hints.ttl_ms;
  result["cacheScope"] = hints.shared ? "public" : "private";
}

}  // namespace mcpgw::proxy

namespace mcpgw::proxy {

std::string WithCacheHintsText(const std::string& object_text, const CacheHints& hints) {
  Json fields = Json::object();
  AddCacheHints(fields, hints);
  std::string text = fields.dump();  // {"cacheScope":"...","ttlMs":N}
  if (object_text == "{}") return text;
  text.back() = ',';
  return text + object_text.substr(1);
}

}  // namespace mcpgw::proxy
