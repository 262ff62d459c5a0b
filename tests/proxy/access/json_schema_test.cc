// Runs the official JSON Schema test suite, as Debian packages it (json-schema-test-suite), through
// proxy::JsonSchema for every draft-07 keyword the README claims is checked.
#include "proxy/access/json_schema.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;

const std::filesystem::path kSuiteDir = "/usr/share/json-schema-test-suite/tests/draft7";

// One file per keyword; the README's "Argument validation" section lists the same.
// clang-format off
const std::vector<std::string> kClaimedKeywords = {
    "type", "enum", "const", "properties", "required", "additionalProperties",
    "patternProperties", "propertyNames", "minProperties", "maxProperties", "dependencies",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
    "maxLength", "pattern", "items", "additionalItems", "minItems", "maxItems", "uniqueItems",
    "contains", "allOf", "anyOf", "oneOf", "not", "if-then-else", "boolean_schema", "default",
    "definitions", "ref", "optional/format/date", "optional/format/time",
    "optional/format/date-time"};
// clang-format on

// Test groups (file, group description) that fail on purpose: they need a $ref to another
// document (the draft-07 meta-schema, or a relative ref against "$id"), which mcpgw never fetches.
const std::set<std::pair<std::string, std::string>> kKnownExceptions = {
    {"definitions", "invalid definition"},
    {"ref", "remote ref, containing refs itself"},
    {"ref", "Recursive references between schemas"},
};

struct Tally {
  int passed = 0;
  int failed = 0;
  int known = 0;
};

void RunGroup(const std::string& keyword, const Json& group, Tally& tally) {
  const std::string description = group["description"].get<std::string>();
  std::vector<std::string> notes;
  auto schema = JsonSchema::Compile(group["schema"], notes);
  for (const Json& test : group["tests"]) {
    bool valid = schema.ok() && (*schema)->Validate(test["data"]).empty();
    if (valid == test["valid"].get<bool>()) {
      ++tally.passed;
    } else if (kKnownExceptions.count({keyword, description}) > 0) {
      ++tally.known;
    } else {
      ++tally.failed;
      FAIL_CHECK(keyword << ": " << description << " / " << test["description"].get<std::string>());
    }
  }
}

TEST_CASE("JsonSchema passes the draft-07 JSON Schema test suite for every claimed keyword") {
  REQUIRE_MESSAGE(std::filesystem::is_directory(kSuiteDir),
                  "the JSON Schema test suite is missing at "
                      << kSuiteDir.string()
                      << ": install the Debian package json-schema-test-suite (scripts/setup.sh)");
  Tally tally;
  std::string keywords;
  for (const std::string& keyword : kClaimedKeywords) {
    std::ifstream file(kSuiteDir / (keyword + ".json"));
    REQUIRE_MESSAGE(file.good(), "suite file missing for keyword " << keyword);
    for (const Json& group : Json::parse(file)) RunGroup(keyword, group, tally);
    keywords += (keywords.empty() ? "" : ", ") + keyword;
  }
  MESSAGE("json-schema-test-suite: " << tally.passed << " passed, " << tally.failed << " failed, "
                                     << tally.known
                                     << " known exceptions (draft7; keywords: " << keywords << ")");
  CHECK(tally.failed == 0);
  CHECK(tally.passed > 400);
}

// The regular-expression keywords run on RE2 (proxy/access/regex_keywords.h).

std::shared_ptr<const JsonSchema> MustCompile(const Json& schema, std::vector<std::string>& notes) {
  auto compiled = JsonSchema::Compile(schema, notes);
  REQUIRE_MESSAGE(compiled.ok(), compiled.status().message());
  return *compiled;
}

std::shared_ptr<const JsonSchema> MustCompile(const Json& schema) {
  std::vector<std::string> notes;
  return MustCompile(schema, notes);
}

std::vector<std::string> Paths(const std::vector<SchemaViolation>& violations) {
  std::vector<std::string> paths;
  for (const SchemaViolation& violation : violations) paths.push_back(violation.path);
  return paths;
}

double SecondsFor(const JsonSchema& schema, const Json& value, std::size_t& violations) {
  const auto start = std::chrono::steady_clock::now();
  violations = schema.Validate(value).size();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const std::string kEvil = "^(a+)+$";  // exponential for a backtracking engine

TEST_CASE("JsonSchema checks a catastrophic pattern in linear time") {
  auto schema = MustCompile({{"type", "string"}, {"pattern", kEvil}});
  std::size_t violations = 0;
  CHECK(SecondsFor(*schema, std::string(39, 'a') + "b", violations) < 1.0);
  CHECK(violations == 1);
  CHECK(SecondsFor(*schema, std::string(40, 'a'), violations) < 1.0);
  CHECK(violations == 0);
  CHECK(SecondsFor(*schema, std::string(1'000'000, 'a') + "b", violations) < 1.0);
  CHECK(violations == 1);  // a long string neither recurses per character nor is skipped
  CHECK(MustCompile({{"pattern", kEvil}})->Validate(5).empty());  // for strings only
}

TEST_CASE("JsonSchema's pattern is an unanchored search with ECMAScript escapes") {
  CHECK(MustCompile({{"pattern", "b+"}})->Validate("abbc").empty());
  CHECK_FALSE(MustCompile({{"pattern", "^b+$"}})->Validate("abbc").empty());
  CHECK(MustCompile({{"pattern", "^\\u00e9\\d$"}})->Validate("\u00e91").empty());
  CHECK(MustCompile({{"pattern", "^.$"}})->Validate("\u00e9").empty());  // one code point
  CHECK_FALSE(MustCompile({{"pattern", "^\\w+$"}})->Validate("a b").empty());
}

TEST_CASE("JsonSchema checks patternProperties names with RE2, with additionalProperties beside") {
  auto schema = MustCompile({{"type", "object"},
                             {"properties", {{"known", {{"type", "string"}}}}},
                             {"patternProperties", {{kEvil, {{"type", "number"}}}, {"^x-", true}}},
                             {"additionalProperties", false}});
  const std::string evil_name = std::string(39, 'a') + "b";
  std::size_t violations = 0;
  CHECK(SecondsFor(*schema, {{evil_name, 1}}, violations) < 1.0);
  CHECK(violations == 1);  // not matched, so additional: false
  CHECK(Paths(schema->Validate({{evil_name, 1}})) == std::vector<std::string>{"/" + evil_name});
  CHECK(schema->Validate({{"known", "k"}, {"aaaa", 4}, {"x-any", "thing"}}).empty());
  CHECK(Paths(schema->Validate({{"aaaa", "four"}})) == std::vector<std::string>{"/aaaa"});
  CHECK(Paths(schema->Validate({{"known", 1}})) == std::vector<std::string>{"/known"});
}

TEST_CASE("JsonSchema's patternProperties subschemas keep their references") {
  auto by_definition = MustCompile({{"definitions", {{"n", {{"type", "number"}}}}},
                                    {"patternProperties", {{"^a", {{"$ref", "#/definitions/n"}}}}}});
  CHECK(by_definition->Validate({{"ab", 1}}).empty());
  CHECK(Paths(by_definition->Validate({{"ab", "1"}})) == std::vector<std::string>{"/ab"});
  auto recursive = MustCompile({{"type", "object"},
                                {"properties", {{"v", {{"type", "number"}}}}},
                                {"patternProperties", {{"^n", {{"$ref", "#"}}}}}});
  CHECK(recursive->Validate({{"n1", {{"v", 1}, {"n2", {{"v", 2}}}}}}).empty());
  CHECK(Paths(recursive->Validate({{"n1", {{"v", 1}, {"n2", {{"v", "x"}}}}}})) ==
        std::vector<std::string>{"/n1/n2/v"});
  auto with_id = MustCompile({{"$id", "http://example.com/root.json"},
                              {"definitions", {{"s", {{"type", "string"}}}}},
                              {"patternProperties", {{"^s", {{"$ref", "#/definitions/s"}}}}}});
  CHECK(Paths(with_id->Validate({{"s1", 1}})) == std::vector<std::string>{"/s1"});
}

TEST_CASE("JsonSchema checks the formats date, time and date-time") {
  auto date = MustCompile({{"format", "date"}});
  CHECK(date->Validate("2024-02-29").empty());
  CHECK_FALSE(date->Validate("2023-02-29").empty());  // not a leap year
  CHECK_FALSE(date->Validate("2024-04-31").empty());
  CHECK_FALSE(date->Validate("2024-1-01").empty());
  CHECK_FALSE(date->Validate(std::string(1'000'000, '1')).empty());
  auto time = MustCompile({{"format", "time"}});
  CHECK(time->Validate("23:59:60.5+01:00").empty());
  CHECK_FALSE(time->Validate("24:00:00Z").empty());
  CHECK_FALSE(time->Validate("12:00:00").empty());  // an offset is required
  auto date_time = MustCompile({{"format", "date-time"}});
  CHECK(date_time->Validate("2024-07-18t16:52:45.123Z").empty());
  CHECK(date_time->Validate("2024-07-18T16:52:45-02:00").empty());
  CHECK(date_time->Validate(7).empty());  // formats apply to strings only
  CHECK(date_time->Validate("2024-07-18 16:52:45Z").front().message ==
        "String should be a valid date-time");
  CHECK(MustCompile({{"format", "email"}})->Validate("not an email").empty());  // not checked
}

TEST_CASE("JsonSchema skips a pattern RE2 cannot compile, notes it, and checks the rest") {
  std::vector<std::string> notes;
  auto schema = MustCompile({{"type", "object"},
                             {"properties",
                              {{"p", {{"type", "string"}, {"pattern", "^(?!admin)"}}},
                               {"q", {{"type", "string"}, {"pattern", "(a)\\1"}}}}},
                             {"patternProperties", {{"(?<=x)y", {{"type", "number"}}}}},
                             {"additionalProperties", false}},
                            notes);
  CHECK(notes.size() == 4);  // two patterns, one patternProperties entry, its additionalProperties
  CHECK(schema->Validate({{"p", "admin"}, {"q", "ab"}, {"anything", "goes"}}).empty());
  CHECK(Paths(schema->Validate({{"p", 1}})) == std::vector<std::string>{"/p"});
}

TEST_CASE("JsonSchema ignores the private keywords a schema brings itself") {
  auto schema = MustCompile({{"x-mcpgw-pattern", "(["},
                             {"x-mcpgw-format", "date"},
                             {"x-mcpgw-pattern-properties", {{"patterns", {{"a", 99}}}}},
                             {"type", "string"}});
  CHECK(schema->Validate("not a date").empty());
  CHECK_FALSE(schema->Validate(1).empty());
}

}  // namespace
}  // namespace mcpgw::proxy
