#include "proxy/access/access.h"

#include "policy/decide.h"
#include "protocol/json_field.h"

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;
using protocol::Status;
using protocol::StatusCode;

}  // namespace

Access::Access(const policy::Permissions& permissions, policy::Principal principal)
    : permissions_(permissions),
      principal_(std::move(principal)),
      uniform_level_(policy::UniformLevel(permissions_, principal_)) {}

Level Access::LevelOn(std::string_view server, std::string_view item) const {
  if (uniform_level_) return *uniform_level_;
  return policy::Decide(permissions_, principal_, server, item).level;
}

bool Access::SeesSharedView() const {
  return principal_.name.empty() && permissions_.policies.empty() &&
         permissions_.key_policies.empty() && permissions_.team_policies.empty() &&
         permissions_.org_policies.empty() && permissions_.default_level >= Level::kRead;
}

bool Access::MayRead(std::string_view server, std::string_view item) const {
  return LevelOn(server, item) >= Level::kRead;
}

Json Access::Filter(const Json& items, const char* key, const Resolver& resolve) const {
  Json kept = Json::array();
  for (const Json& item : items) {
    protocol::Result<Route> route = resolve(protocol::StringOr(item, key));
    if (route.ok() && MayRead(route->server, route->name)) kept.push_back(item);
  }
  return kept;
}

Status Access::Check(const RequestMethod& method, const Json& params, const Route& route) const {
  Level level = LevelOn(route.server, route.name);
  if (level < Level::kRead) return UnknownItem(method, params);
  if (level >= method.needs) return Status::Ok();
  return {StatusCode::kPermissionDenied,
          "Permission denied",
          {{"server", route.server},
           {"tool", route.name},
           {"level", std::string(policy::LevelName(level))}}};
}

}  // namespace mcpgw::proxy
