#include "proxy/access/caller.h"

namespace mcpgw::proxy {
namespace {

using protocol::Status;
using protocol::StatusCode;

Status Refused(std::string why) { return {StatusCode::kPermissionDenied, std::move(why)}; }

}  // namespace

protocol::Result<policy::Principal> IdentifyCaller(const std::vector<policy::KeyEntry>& keys,
                                                   const std::optional<std::string>& key) {
  std::optional<policy::Principal> caller = policy::Identify(keys, key);  // nullopt: a key refused
  if (!caller) return Refused(key->empty() ? "empty API key" : "invalid API key");
  return *std::move(caller);
}

protocol::Result<std::optional<std::string>> PresentedKey(
    const std::optional<std::string>& authorization, const std::optional<std::string>& api_key) {
  std::optional<std::string> bearer;
  if (authorization) {
    constexpr std::string_view kScheme = "Bearer ";
    if (!authorization->starts_with(kScheme)) {
      return Refused("Authorization must be \"Bearer KEY\"");
    }
    bearer = authorization->substr(kScheme.size());
  }
  if (bearer && api_key && *bearer != *api_key) {
    return Refused("Authorization and X-API-Key give different keys");
  }
  return bearer ? bearer : api_key;
}

}  // namespace mcpgw::proxy
