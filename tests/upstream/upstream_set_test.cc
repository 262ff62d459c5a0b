#include "upstream/upstream_set.h"

#include "tests/upstream/upstream_test_support.h"

namespace mcpgw::upstream::testing {
namespace {

using namespace std::chrono_literals;
using NameList = std::vector<std::string>;

ServerConfig Fixture(std::string name, std::vector<std::string> flags = {}, bool enabled = true) {
  ServerConfig server = FaultyServer(std::move(flags));
  server.name = std::move(name);
  server.enabled = enabled;
  return server;
}

NameList RunningNames(const UpstreamSet& set) {
  NameList names;
  for (const UpstreamPtr& upstream : set.Running()) names.push_back(upstream->name());
  return names;
}

NameList ServerNames(const UpstreamSet& set) {
  NameList names;
  for (const ServerConfig& server : set.Servers()) names.push_back(server.name);
  return names;
}

}  // namespace

TEST_CASE("UpstreamSet runs the enabled servers, lists every server and stops them all") {
  UpstreamSet set({Fixture("a"), Fixture("b"), Fixture("off", {}, false)}, nullptr, 20s, 2s);
  CHECK(RunningNames(set) == NameList{"a", "b"});
  CHECK(ServerNames(set) == NameList{"a", "b", "off"});
  CHECK(set.Find("off") == nullptr);
  CHECK_FALSE(set.StartupSettled());
  set.Start();
  set.WaitForStartup();
  CHECK(set.StartupSettled());
  UpstreamPtr a = set.Find("a");
  REQUIRE(a != nullptr);
  CHECK(a->state() == State::kReady);
  CHECK(set.Find("b")->state() == State::kReady);
  set.Stop();
  CHECK(a->state() == State::kStopped);
  CHECK(set.Find("b")->state() == State::kStopped);
}

TEST_CASE(
    "UpstreamSet::Apply keeps unchanged upstreams, replaces changed ones, stops removed ones") {
  UpstreamSet set({Fixture("change"), Fixture("drop"), Fixture("keep")}, nullptr, 20s, 2s);
  set.Start();
  set.WaitForStartup();
  UpstreamPtr kept = set.Find("keep");
  UpstreamPtr changed = set.Find("change");
  UpstreamPtr dropped = set.Find("drop");
  bool before_start_ran = false;
  ServerDiff diff = set.Apply(
      {Fixture("add"), Fixture("change", {"--paginate"}), Fixture("keep")},
      [&](const ServerDiff& seen) {
        before_start_ran = true;
        CHECK(seen.added == NameList{"add"});
        // The new set is in place; its new upstreams have not started: no first attempt ends.
        CHECK(set.Find("drop") == nullptr);
        REQUIRE(set.Find("add") != nullptr);
        CHECK(set.Find("add")->WaitForFirstAttempt(Clock::now() + 2s) == State::kConnecting);
      });
  CHECK(before_start_ran);
  CHECK(diff.added == NameList{"add"});
  CHECK(diff.changed == NameList{"change"});
  CHECK(diff.removed == NameList{"drop"});
  CHECK(diff.unchanged == NameList{"keep"});
  CHECK(RunningNames(set) == NameList{"add", "change", "keep"});
  CHECK(ServerNames(set) == NameList{"add", "change", "keep"});
  CHECK(set.Find("keep") == kept);
  CHECK(set.Find("change") != changed);
  CHECK(set.Find("add")->WaitForFirstAttempt(Clock::now() + 20s) == State::kReady);
  CHECK(set.Find("change")->WaitForFirstAttempt(Clock::now() + 20s) == State::kReady);
  CHECK(WaitUntil([&] { return dropped->state() == State::kStopped; }));
  CHECK(WaitUntil([&] { return changed->state() == State::kStopped; }));
  CHECK(kept->state() == State::kReady);
}

TEST_CASE("UpstreamSet::Apply changes nothing once the set is stopped") {
  UpstreamSet set({Fixture("a")}, nullptr, 20s, 2s);
  set.Stop();
  bool before_start_ran = false;
  ServerDiff diff = set.Apply({Fixture("b")}, [&](const ServerDiff&) { before_start_ran = true; });
  CHECK_FALSE(before_start_ran);
  CHECK(diff.added.empty());
  CHECK(diff.removed.empty());
  CHECK(ServerNames(set) == NameList{"a"});
  CHECK(set.Find("b") == nullptr);
}

}  // namespace mcpgw::upstream::testing
