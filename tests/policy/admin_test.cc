#include "policy/admin.h"

#include <doctest/doctest.h>

namespace mcpgw::policy {
namespace {

// ops: admin on every tool of db, admin on one tool of fs only, read elsewhere.
Permissions OpsPermissions() {
  Permissions permissions;
  permissions.default_level = Level::kRead;
  permissions.policies["ops"] = {Level::kRead,
                                 {{"db", "*", Level::kAdmin}, {"fs", "restart", Level::kAdmin}}};
  permissions.policies["root"] = {Level::kAdmin, {}};
  permissions.key_policies = {{"ops", "ops"}, {"root", "root"}};
  return permissions;
}

}  // namespace

TEST_CASE("A server is administered with admin on its tool \"*\", not on some of its tools") {
  const Permissions permissions = OpsPermissions();
  const Principal ops{"ops", "", ""};
  CHECK(MayAdminister(permissions, ops, "db"));
  CHECK_FALSE(MayAdminister(permissions, ops, "fs"));  // admin on "restart" only
  CHECK_FALSE(MayAdminister(permissions, ops, "web"));
  CHECK_FALSE(MayAdminister(permissions, Principal{}, "db"));  // permissions.default is read
}

TEST_CASE("The gateway is administered with admin on tool \"*\" of server \"*\"") {
  const Permissions permissions = OpsPermissions();
  CHECK_FALSE(MayAdministerGateway(permissions, {"ops", "", ""}));  // admin on db only
  CHECK(MayAdministerGateway(permissions, {"root", "", ""}));       // the policy default
  Permissions open = permissions;
  open.default_level = Level::kAdmin;
  CHECK(MayAdministerGateway(open, Principal{}));
  CHECK(MayAdminister(open, Principal{}, "anything"));
}

}  // namespace mcpgw::policy
