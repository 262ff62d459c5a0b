#include "proxy/observe/audit_log.h"

#include "proxy/config/config.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;
using protocol::Status;

// alice (team eng, org acme): execute on fs/read_file by rule 0, everything else denied.
policy::Permissions AlicePermissions() {
  policy::Permissions permissions;
  permissions.policies["dev"] = {Level::kDeny, {{"fs", "read_file", Level::kExecute}}};
  permissions.key_policies["alice"] = "dev";
  return permissions;
}

struct TempAudit {
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("mcpgw-audit-test-" + std::to_string(::getpid()) + ".jsonl");
  TempAudit() { std::filesystem::remove(file); }
  ~TempAudit() { std::filesystem::remove(file); }
  AuditSettings Settings(bool arguments = false, bool results = false) const {
    return {true, file.string(), arguments, results};
  }
  std::vector<Json> Lines() const {
    std::vector<Json> lines;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
    return lines;
  }
};

const policy::Principal kAlice{"alice", "eng", "acme"};
const Json kCall = {{"name", "fs__read_file"}, {"arguments", {{"path", "secret-path"}}}};

TEST_CASE("An audited call writes one line with who, what, the decision and the outcome") {
  TempAudit temp;
  policy::Permissions permissions = AlicePermissions();
  {
    AuditLog log(temp.Settings());
    auto entry = log.Begin(permissions, kAlice, "tools/call", kCall);
    REQUIRE(entry);
    entry->Decide({"fs", "read_file"});
    entry->Finish(Json{{"content", Json::array()}});
    entry->Finish(Json::object());  // a second answer writes nothing
  }
  std::vector<Json> lines = temp.Lines();
  REQUIRE(lines.size() == 1);
  const Json& line = lines[0];
  CHECK(line["principal"] == "alice");
  CHECK(line["team"] == "eng");
  CHECK(line["org"] == "acme");
  CHECK(line["server"] == "fs");
  CHECK(line["method"] == "tools/call");
  CHECK(line["item"] == "read_file");
  CHECK(line["decision"] == "execute");
  CHECK(line["rule"] == "policies.dev.rules[0]");
  CHECK(line["outcome"] == "ok");
  CHECK(line["latency_ms"].is_number_integer());
  CHECK(line["time"].get<std::string>().size() == 24);  // 2025-01-31T12:34:56.789Z
  CHECK(!line.contains("arguments"));
  CHECK(!line.contains("result"));
  std::ifstream raw(temp.file);
  std::string text((std::istreambuf_iterator<char>(raw)), {});
  CHECK(text.find("secret-path") == std::string::npos);
}

TEST_CASE("Arguments and results are in the line only when the config asks for them") {
  TempAudit temp;
  policy::Permissions permissions = AlicePermissions();
  {
    AuditLog log(temp.Settings(true, true));
    auto entry = log.Begin(permissions, kAlice, "tools/call", kCall);
    entry->Decide({"fs", "read_file"});
    entry->Finish(Json{{"content", Json::array()}, {"isError", true}});
  }
  std::vector<Json> lines = temp.Lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["arguments"] == Json{{"path", "secret-path"}});
  CHECK(lines[0]["result"]["isError"] == true);
  CHECK(lines[0]["outcome"] == "tool_error");
}

TEST_CASE("Denials, unknown items, bad arguments and outages each get their outcome") {
  TempAudit temp;
  policy::Permissions permissions = AlicePermissions();
  {
    AuditLog log(temp.Settings());
    auto hidden = log.Begin(permissions, kAlice, "tools/call", {{"name", "fs__write_file"}});
    hidden->Decide({"fs", "write_file"});
    hidden->Finish(Status(protocol::StatusCode::kInvalidArgument, "Unknown tool: fs__write_file"));
    auto unknown = log.Begin(permissions, kAlice, "prompts/get", {{"name", "nope"}});
    unknown->Finish(Status(protocol::StatusCode::kInvalidArgument, "Unknown prompt: nope"));
    auto invalid = log.Begin(permissions, kAlice, "tools/call", kCall);
    invalid->Decide({"fs", "read_file"});
    invalid->RejectArguments();
    invalid->Finish(Json{{"isError", true}});
    auto down = log.Begin(permissions, kAlice, "tools/call", kCall);
    down->Decide({"fs", "read_file"});
    down->Finish(Status(protocol::StatusCode::kUnavailable, "upstream 'fs' is not connected"));
  }
  std::vector<Json> lines = temp.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[0]["outcome"] == "denied");
  CHECK(lines[0]["decision"] == "deny");
  CHECK(lines[0]["rule"] == "policies.dev.default");
  CHECK(lines[1]["outcome"] == "error");
  CHECK(lines[1]["code"] == -32602);
  CHECK(lines[1]["item"] == "nope");
  CHECK(lines[1]["server"].is_null());
  CHECK(lines[2]["outcome"] == "invalid_arguments");
  CHECK(lines[3]["outcome"] == "unavailable");
}

TEST_CASE("A request dropped unanswered is logged as cancelled; lists are not audited") {
  TempAudit temp;
  policy::Permissions permissions = AlicePermissions();
  {
    AuditLog log(temp.Settings());
    CHECK(log.Begin(permissions, kAlice, "tools/list", Json::object()) == nullptr);
    auto completion = log.Begin(permissions, kAlice, "completion/complete", Json::object());
    completion->Finish(Json::object());  // only denials of completions are audited
    log.Begin(permissions, kAlice, "resources/read", {{"uri", "file:///a"}});
  }
  std::vector<Json> lines = temp.Lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["outcome"] == "cancelled");
  CHECK(lines[0]["item"] == "file:///a");
}

TEST_CASE("A method audited on denials gets a line for a denial only, never for a drop") {
  TempAudit temp;
  policy::Permissions permissions = AlicePermissions();
  {
    AuditLog log(temp.Settings());
    auto denied = log.Begin(permissions, kAlice, "resources/subscribe", {{"uri", "file:///s"}});
    denied->Decide({"fs", "file:///s"});
    denied->Finish(Status(protocol::StatusCode::kInvalidArgument, "Unknown resource: file:///s"));
    auto dropped = log.Begin(permissions, kAlice, "resources/unsubscribe", {{"uri", "file:///s"}});
    dropped->Decide({"fs", "file:///s"});
  }
  std::vector<Json> lines = temp.Lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["method"] == "resources/subscribe");
  CHECK(lines[0]["outcome"] == "denied");
  CHECK(lines[0]["item"] == "file:///s");
}

TEST_CASE("Without an audit setting nothing is audited") {
  policy::Permissions permissions = AlicePermissions();
  AuditLog log(AuditSettings{});
  CHECK(log.Begin(permissions, kAlice, "tools/call", kCall) == nullptr);
}

TEST_CASE("The audit object turns the log on; its file is relative to the config's directory") {
  auto env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  auto off = ParseConfig(R"({"mcpServers": {}})", env, "/etc/mcpgw");
  REQUIRE(off.ok());
  CHECK(!off->audit.enabled);
  auto on = ParseConfig(R"({"mcpServers": {}, "audit": {"file": "logs/a.jsonl",
                            "include_arguments": true}})",
                        env, "/etc/mcpgw");
  REQUIRE(on.ok());
  CHECK(on->audit.enabled);
  CHECK(on->audit.file == "/etc/mcpgw/logs/a.jsonl");
  CHECK(on->audit.include_arguments);
  CHECK(!on->audit.include_results);
  auto stderr_only = ParseConfig(R"({"mcpServers": {}, "audit": {}})", env, "/etc/mcpgw");
  REQUIRE(stderr_only.ok());
  CHECK(stderr_only->audit.file.empty());
  auto bad = ParseConfig(R"({"mcpServers": {}, "audit": {"files": "x"}})", env, "/etc/mcpgw");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().starts_with("audit.files: unknown key"));
}

TEST_CASE("Audit times are ISO-8601 UTC with milliseconds") {
  auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
  CHECK(AuditTime(when) == "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace mcpgw::proxy
