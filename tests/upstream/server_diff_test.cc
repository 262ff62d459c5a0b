#include "upstream/server_diff.h"

#include <doctest/doctest.h>

namespace mcpgw::upstream {
namespace {

ServerConfig Server(std::string name, std::string command, bool enabled = true) {
  ServerConfig server;
  server.name = std::move(name);
  server.command = std::move(command);
  server.enabled = enabled;
  return server;
}

using Names = std::vector<std::string>;

TEST_CASE("DiffServers sorts servers into unchanged, changed, removed and added") {
  std::vector<ServerConfig> before = {Server("a", "a"), Server("b", "b"), Server("c", "c")};
  std::vector<ServerConfig> next = {Server("a", "a"), Server("b", "b2"), Server("d", "d")};
  ServerDiff diff = DiffServers(before, next);
  CHECK(diff.unchanged == Names{"a"});
  CHECK(diff.changed == Names{"b"});
  CHECK(diff.removed == Names{"c"});
  CHECK(diff.added == Names{"d"});
}

TEST_CASE("DiffServers counts only enabled servers as running") {
  std::vector<ServerConfig> before = {Server("a", "a"), Server("b", "b", false)};
  std::vector<ServerConfig> next = {Server("a", "a", false), Server("b", "b")};
  ServerDiff diff = DiffServers(before, next);
  CHECK(diff.removed == Names{"a"});
  CHECK(diff.added == Names{"b"});
  CHECK(diff.changed.empty());
  CHECK(diff.unchanged.empty());
}

TEST_CASE("DiffServers sees a changed setting of any kind, secrets included") {
  ServerConfig with_token = Server("h", "");
  with_token.auth.token = "one";
  ServerConfig other_token = with_token;
  other_token.auth.token = "two";
  CHECK(DiffServers({with_token}, {other_token}).changed == Names{"h"});
  CHECK(DiffServers({with_token}, {with_token}).unchanged == Names{"h"});
}

}  // namespace
}  // namespace mcpgw::upstream
