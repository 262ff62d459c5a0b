#include "policy/admin.h"

#include "policy/decide.h"

namespace mcpgw::policy {

bool MayAdminister(const Permissions& permissions, const Principal& who, std::string_view server) {
  return Decide(permissions, who, server, "*").level >= Level::kAdmin;
}

bool MayAdministerGateway(const Permissions& permissions, const Principal& who) {
  return MayAdminister(permissions, who, "*");
}

}  // namespace mcpgw::policy
