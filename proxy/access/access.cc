#include "proxy/access/access.h"

#include "policy/decide.h"

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;
using protocol::Status;
using protocol::StatusCode;

std::string StringAt(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// The error an unknown item gets from the Catalog, for the name the caller used.
Status UnknownItem(const std::string& method, const Json& params) {
  std::string what;
  if (method == "tools/call") {
    what = "tool: " + StringAt(params, "name");
  } else if (method == "prompts/get") {
    what = "prompt: " + StringAt(params, "name");
  } else if (method == "completion/complete") {
    const Json ref = params.value("ref", Json::object());
    what = StringAt(ref, "type") == "ref/prompt" ? "prompt: " + StringAt(ref, "name")
                                                 : "resource: " + StringAt(ref, "uri");
  } else {
    what = "resource: " + StringAt(params, "uri");
  }
  return {StatusCode::kInvalidArgument, "Unknown " + what};
}

// The level a method needs: unsubscribing only stops news about an item the caller may see.
Level NeededLevel(const std::string& method) {
  return method == "resources/unsubscribe" ? Level::kRead : Level::kExecute;
}

}  // namespace

Access::Access(const policy::Permissions& permissions, policy::Principal principal)
    : permissions_(permissions),
      principal_(std::move(principal)),
      uniform_level_(policy::UniformLevel(permissions_, principal_)) {}

Level Access::LevelOn(std::string_view server, std::string_view item) const {
  if (uniform_level_) return *uniform_level_;
  return policy::Decide(permissions_, principal_, server, item).level;
}

bool Access::MayRead(std::string_view server, std::string_view item) const {
  return LevelOn(server, item) >= Level::kRead;
}

bool Access::MayAdminister(std::string_view server) const {
  return policy::Decide(permissions_, principal_, server, "*").level >= Level::kAdmin;
}

bool Access::MayAdministerGateway() const { return MayAdminister("*"); }

Json Access::Filter(const Json& items, const char* key, const Resolver& resolve) const {
  Json kept = Json::array();
  for (const Json& item : items) {
    protocol::Result<Route> route = resolve(StringAt(item, key));
    if (route.ok() && MayRead(route->server, route->name)) kept.push_back(item);
  }
  return kept;
}

Status Access::Check(const std::string& method, const Json& params, const Route& route) const {
  Level level = LevelOn(route.server, route.name);
  if (level < Level::kRead) return UnknownItem(method, params);
  if (level >= NeededLevel(method)) return Status::Ok();
  return {StatusCode::kPermissionDenied,
          "Permission denied",
          {{"server", route.server},
           {"tool", route.name},
           {"level", std::string(policy::LevelName(level))}}};
}

}  // namespace mcpgw::proxy
