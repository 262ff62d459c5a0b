#include "proxy/config/state_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace mcpgw::proxy {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mcpgw-state-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST_CASE("The state file sits beside the config") {
  CHECK(StatePathFor("conf/team.json") == "conf/team.json.state.json");
}

TEST_CASE("A missing state file is an empty overlay") {
  TempDir dir;
  auto overlay = ReadStateFile((dir.path / "none.json.state.json").string());
  REQUIRE(overlay.ok());
  CHECK(*overlay == ConfigOverlay{});
}

TEST_CASE("The state file round-trips an overlay, with mode 0600 and no temporary left") {
  TempDir dir;
  std::string path = (dir.path / "gw.json.state.json").string();
  ConfigOverlay overlay;
  overlay.PutServer("memory", {{"command", "mcp-server-memory"}, {"env", {{"T", "${TOKEN}"}}}});
  overlay.RemoveAlias("old");
  REQUIRE(WriteStateFile(path, overlay).ok());
  overlay.SetEnabled("memory", false);
  REQUIRE(WriteStateFile(path, overlay).ok());  // replaces the first
  auto back = ReadStateFile(path);
  REQUIRE(back.ok());
  CHECK(*back == overlay);
  struct stat info {};
  REQUIRE(stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

TEST_CASE("A state file that is not valid JSON fails naming the file") {
  TempDir dir;
  std::string path = (dir.path / "gw.json.state.json").string();
  std::ofstream(path) << "{ nope";
  auto overlay = ReadStateFile(path);
  REQUIRE_FALSE(overlay.ok());
  CHECK(overlay.status().message().starts_with(path + ": invalid JSON"));
}

}  // namespace
}  // namespace mcpgw::proxy
