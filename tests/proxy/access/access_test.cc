#include "proxy/access/access.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;
using protocol::StatusCode;

const RequestMethod& Method(std::string_view name) { return *FindMethod(name); }

// alice: execute on fs/read_file, read on fs/list_*, nothing else.
policy::Permissions AlicePermissions() {
  policy::Permissions permissions;
  permissions.default_level = Level::kExecute;
  permissions.policies["dev"] = {Level::kDeny,
                                 {{"fs", "read_file", Level::kExecute},
                                  {"fs", "list_*", Level::kRead},
                                  {"fs", "file:///pub/*", Level::kExecute}}};
  permissions.key_policies["alice"] = "dev";
  return permissions;
}

TEST_CASE("Access lets a caller execute, read, or not see an item, by its real name") {
  policy::Permissions permissions = AlicePermissions();
  Access alice(permissions, {"alice", "", ""});
  CHECK(alice.Check(Method("tools/call"), {{"name", "f__read_file"}}, {"fs", "read_file"}).ok());
  protocol::Status denied =
      alice.Check(Method("tools/call"), {{"name", "f__list_dir"}}, {"fs", "list_dir"});
  CHECK(denied.code() == StatusCode::kPermissionDenied);
  CHECK(denied.message() == "Permission denied");
  CHECK(denied.detail() == Json{{"server", "fs"}, {"tool", "list_dir"}, {"level", "read"}});
  protocol::Status hidden =
      alice.Check(Method("tools/call"), {{"name", "f__write"}}, {"fs", "write"});
  CHECK(hidden.code() == StatusCode::kInvalidArgument);
  CHECK(hidden.message() == "Unknown tool: f__write");  // the name the caller used
}

TEST_CASE("Access hides prompts, resources and completion refs like unknown ones") {
  policy::Permissions permissions = AlicePermissions();
  Access alice(permissions, {"alice", "", ""});
  CHECK(alice.Check(Method("prompts/get"), {{"name", "p"}}, {"fs", "p"}).message() ==
        "Unknown prompt: p");
  CHECK(alice.Check(Method("resources/read"), {{"uri", "file:///etc/x"}}, {"fs", "file:///etc/x"})
            .message() == "Unknown resource: file:///etc/x");
  CHECK(alice.Check(Method("resources/read"), {{"uri", "file:///pub/a"}}, {"fs", "file:///pub/a"})
            .ok());
  Json ref = {{"ref", {{"type", "ref/prompt"}, {"name", "q"}}}};
  CHECK(alice.Check(Method("completion/complete"), ref, {"fs", "q"}).message() ==
        "Unknown prompt: q");
}

TEST_CASE("Access lets a caller who may read an item unsubscribe from it, not subscribe") {
  policy::Permissions permissions = AlicePermissions();
  Access alice(permissions, {"alice", "", ""});
  const Json params = {{"uri", "list_dir"}};
  CHECK(alice.Check(Method("resources/unsubscribe"), params, {"fs", "list_dir"}).ok());
  CHECK(alice.Check(Method("resources/subscribe"), params, {"fs", "list_dir"}).code() ==
        StatusCode::kPermissionDenied);
}

TEST_CASE("Access::Filter keeps only the items the caller may read") {
  policy::Permissions permissions = AlicePermissions();
  Access alice(permissions, {"alice", "", ""});
  Json tools = Json::array({{{"name", "fs__read_file"}},
                            {{"name", "fs__list_dir"}},
                            {{"name", "fs__write"}},
                            {{"name", "gone"}}});
  auto resolve = [](std::string_view name) -> protocol::Result<Route> {
    if (!name.starts_with("fs__")) return protocol::Status(StatusCode::kInvalidArgument, "x");
    return Route{"fs", std::string(name.substr(4))};
  };
  CHECK(alice.Filter(tools, "name", resolve) ==
        Json::array({{{"name", "fs__read_file"}}, {{"name", "fs__list_dir"}}}));
  Access anonymous(permissions, {});
  CHECK(anonymous.Filter(tools, "name", resolve).size() == 3);  // default execute
}

}  // namespace
}  // namespace mcpgw::proxy
