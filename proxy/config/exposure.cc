#include "proxy/config/exposure.h"

#include "proxy/config/reader.h"
#include "proxy/routing/naming.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string_view>
#include <utility>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Status;

// A new name is what a client will see after the server prefix, so it takes only the
// characters an exposed name may hold; it is shortened with the prefix like any other name.
bool IsNewName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), IsNameChar);
}

// Every new name is valid and given once: two items renamed alike would clash in every list.
Status CheckRenames(const std::map<std::string, std::string>& rename, const std::string& path) {
  std::map<std::string_view, std::string_view> taken;  // new name -> real name
  for (const auto& [real, renamed] : rename) {
    std::string at = JoinPath(path, real);
    if (!IsNewName(renamed)) return InvalidAt(at, "must be a non-empty name of A-Z a-z 0-9 _ -");
    auto [first, inserted] = taken.try_emplace(renamed, real);
    if (!inserted) {
      return InvalidAt(
          at, fmt::format("\"{}\" is already the new name of \"{}\"", renamed, first->second));
    }
  }
  return Status::Ok();
}

Status ParseItemExposure(const Json& object, const std::string& path, const EnvLookup& env,
                         ItemExposure& out) {
  if (!object.is_object()) return InvalidAt(path, "must be an object");
  Status keys = CheckKeys(object, path, {"allow", "deny", "rename", "description"});
  if (!keys.ok()) return keys;
  FieldReader f(object, path, env);
  if (object.contains("allow")) f.StringList("allow", out.allow.emplace());
  f.StringList("deny", out.deny);
  f.StringMap("rename", out.rename);
  f.StringMap("description", out.description);
  if (!f.status().ok()) return f.status();
  return CheckRenames(out.rename, f.PathOf("rename"));
}

}  // namespace

Status ParseExposure(const std::string& server, const Json& entry, const EnvLookup& env,
                     std::map<std::string, Exposure>& out) {
  std::string path = JoinPath("mcpServers", server);
  Exposure exposure;
  bool given = false;
  for (auto [key, items] : {std::pair{"tools", &exposure.tools}, {"prompts", &exposure.prompts}}) {
    auto object = entry.find(key);
    if (object == entry.end()) continue;
    if (Status s = ParseItemExposure(*object, JoinPath(path, key), env, *items); !s.ok()) return s;
    given = true;
  }
  if (entry.contains("prefix")) {
    FieldReader f(entry, path, env);
    f.Bool("prefix", exposure.prefix);
    if (!f.status().ok()) return f.status();
    given = true;
  }
  if (given) out[server] = std::move(exposure);
  return Status::Ok();
}

}  // namespace mcpgw::proxy
