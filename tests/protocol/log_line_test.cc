#include "protocol/log_line.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

namespace mcpgw::log {
namespace {

// 2026-11-24T23:20:01.123Z
const auto kTime = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795562401123));

int Newlines(const std::string& line) {
  return static_cast<int>(std::count(line.begin(), line.end(), '\n'));
}

}  // namespace

TEST_CASE("A plain text line keeps today's form") {
  CHECK(RenderLine(Format::kText, kTime, Level::kInfo, {}, nullptr, "listening on http://x/mcp") ==
        "2026-11-24T23:20:01Z mcpgw info: listening on http://x/mcp\n");
}

TEST_CASE("A text event puts the server in front and the other fields after as key=value") {
  Fields fields = {{"server", "fs"},
                   {"command", "npx"},
                   {"args", {"-y", "a b"}},
                   {"pid", 42},
                   {"principal", "gateway"}};
  CHECK(RenderLine(Format::kText, kTime, Level::kInfo, "spawn", fields, "started") ==
        "2026-11-24T23:20:01Z mcpgw info: [fs] started command=npx args=[\"-y\",\"a b\"] pid=42 "
        "principal=gateway\n");
}

TEST_CASE("A text field value with a space, quote or newline is quoted and stays on one line") {
  Fields fields = {{"server", "fs"}, {"action", "say \"hi\"\nnext=line"}, {"empty", ""}};
  std::string line = RenderLine(Format::kText, kTime, Level::kWarn, "admin_change", fields, "a\nb");
  CHECK(Newlines(line) == 1);
  CHECK(line ==
        "2026-11-24T23:20:01Z mcpgw warn: [fs] a\\nb action=\"say \\\"hi\\\"\\nnext=line\" "
        "empty=\"\"\n");
}

TEST_CASE("A JSON line is one object with ts, level, msg, the event and its fields") {
  Fields fields = {
      {"server", "fs"}, {"from", "connecting"}, {"to", "ready"}, {"principal", "gateway"}};
  std::string line =
      RenderLine(Format::kJson, kTime, Level::kInfo, "state_change", fields, "ready");
  REQUIRE(Newlines(line) == 1);
  REQUIRE(line.back() == '\n');
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  REQUIRE(parsed.is_object());
  CHECK(parsed == nlohmann::json{{"ts", "2026-11-24T23:20:01.123Z"},
                                 {"level", "info"},
                                 {"msg", "ready"},
                                 {"event", "state_change"},
                                 {"server", "fs"},
                                 {"from", "connecting"},
                                 {"to", "ready"},
                                 {"principal", "gateway"}});
  CHECK(line.starts_with(
      "{\"ts\":\"2026-11-24T23:20:01.123Z\",\"level\":\"info\",\"msg\":\"ready\""));
}

TEST_CASE("A JSON line without an event has only ts, level and msg") {
  std::string line = RenderLine(Format::kJson, kTime, Level::kError, {}, nullptr, "boom");
  CHECK(line == "{\"ts\":\"2026-11-24T23:20:01.123Z\",\"level\":\"error\",\"msg\":\"boom\"}\n");
}

TEST_CASE("A JSON field with a newline or quote stays on one line and reads back the same") {
  Fields fields = {{"server", "a\"b\nc"}};
  std::string line =
      RenderLine(Format::kJson, kTime, Level::kInfo, "upstream_stderr", fields, "x\ny\r");
  REQUIRE(Newlines(line) == 1);
  auto parsed = nlohmann::json::parse(line);
  CHECK(parsed["server"] == "a\"b\nc");
  CHECK(parsed["msg"] == "x\ny\r");
}

TEST_CASE("A field never replaces ts, level, msg or event") {
  Fields fields = {{"level", "debug"}, {"msg", "forged"}, {"event", "other"}, {"ts", "then"}};
  auto parsed = nlohmann::json::parse(
      RenderLine(Format::kJson, kTime, Level::kWarn, "reload", fields, "real"));
  CHECK(parsed["level"] == "warn");
  CHECK(parsed["msg"] == "real");
  CHECK(parsed["event"] == "reload");
  CHECK(parsed["ts"] == "2026-11-24T23:20:01.123Z");
}

TEST_CASE("Invalid UTF-8 in a JSON line is replaced, not thrown about") {
  std::string line = RenderLine(Format::kJson, kTime, Level::kInfo, {}, nullptr, "bad \xff byte");
  CHECK(nlohmann::json::parse(line)["msg"] == "bad \xef\xbf\xbd byte");
}

}  // namespace mcpgw::log
