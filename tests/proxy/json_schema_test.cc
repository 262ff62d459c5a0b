// Runs the official JSON Schema test suite, as Debian packages it (json-schema-test-suite), through
// proxy::JsonSchema for every draft-07 keyword the README claims is checked.
#include "proxy/json_schema.h"

#include <doctest/doctest.h>

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

}  // namespace
}  // namespace mcpgw::proxy
