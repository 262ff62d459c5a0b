#include "proxy/routing/exposure.h"

#include "policy/glob.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace mcpgw::proxy {
namespace {

using protocol::Json;

bool AnyMatches(const std::vector<std::string>& globs, const std::string& name) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& glob) { return policy::GlobMatch(glob, name); });
}

}  // namespace

bool IsExposed(const ItemExposure& exposure, const std::string& real_name) {
  bool allowed = !exposure.allow || AnyMatches(*exposure.allow, real_name);
  return allowed && !AnyMatches(exposure.deny, real_name);
}

std::optional<Json> Expose(const ItemExposure& exposure, const Json& item) {
  if (!item.is_object()) return std::nullopt;
  auto name = item.find("name");
  if (name == item.end() || !name->is_string()) return std::nullopt;
  const std::string& real_name = name->get_ref<const std::string&>();
  if (!IsExposed(exposure, real_name)) return std::nullopt;
  Json shown = item;
  if (auto it = exposure.rename.find(real_name); it != exposure.rename.end()) {
    shown["name"] = it->second;
  }
  if (auto it = exposure.description.find(real_name); it != exposure.description.end()) {
    shown["description"] = it->second;
  }
  return shown;
}

}  // namespace mcpgw::proxy
