#include "proxy/access/json_schema.h"

#include "protocol/log.h"
#include "proxy/access/regex_keywords.h"
#include "proxy/access/schema_compat.h"
#include "proxy/access/schema_cycles.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/validator.hpp>

#include <exception>
#include <set>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

struct JsonSchema::Compiled {
  valijson::Schema schema;
  std::vector<std::unique_ptr<valijson::Schema>> subschemas;  // schema's keywords point here
};

namespace {

// valijson names each step "[name]" or "[index]" after a "<root>"; a JSON pointer escapes ~ and /.
std::string Pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& step : context) {
    if (step.size() < 2 || step.front() != '[' || step.back() != ']') continue;
    pointer += '/';
    for (char c : step.substr(1, step.size() - 2)) {
      pointer += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    }
  }
  return pointer;
}

// valijson follows a failing property or item with a summary at its parent ("Failed to validate
// item #0 in array."); the deeper violation says it better.
bool IsSummaryOfDeeper(const SchemaViolation& violation, const std::set<std::string>& paths) {
  const std::string& message = violation.message;
  if (!message.starts_with("Failed to validate item #") &&
      !message.starts_with("Failed to validate against schema associated with property name")) {
    return false;
  }
  auto next = paths.lower_bound(violation.path + "/");
  return next != paths.end() && next->starts_with(violation.path + "/");
}

std::vector<SchemaViolation> Violations(const valijson::ValidationResults& results) {
  std::vector<SchemaViolation> all;
  std::set<std::string> paths;
  for (const auto& error : results) {
    all.push_back({Pointer(error.context), error.description});
    paths.insert(all.back().path);
  }
  std::vector<SchemaViolation> violations;
  std::set<std::pair<std::string, std::string>> seen;  // composite keywords repeat errors
  for (SchemaViolation& violation : all) {
    if (IsSummaryOfDeeper(violation, paths)) continue;
    if (seen.emplace(violation.path, violation.message).second) {
      violations.push_back(std::move(violation));
    }
  }
  return violations;
}

}  // namespace

JsonSchema::JsonSchema(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}

JsonSchema::~JsonSchema() = default;

Result<std::shared_ptr<const JsonSchema>> JsonSchema::Compile(const Json& schema,
                                                              std::vector<std::string>& notes) {
  const Json draft7 = ToDraft7(schema, notes);
  if (std::optional<std::string> loop = FindSameValueLoop(draft7)) {
    return Status(StatusCode::kInvalidArgument,
                  "schema not understood: it applies " + *loop + " to a value within itself");
  }
  auto compiled = std::make_unique<Compiled>();
  try {  // the third-party edge: valijson reports a schema it cannot parse by throwing
    ParseWithRegexKeywords(draft7, compiled->schema, compiled->subschemas);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInvalidArgument, std::string("schema not understood: ") + e.what());
  }
  return std::shared_ptr<const JsonSchema>(new JsonSchema(std::move(compiled)));
}

std::vector<SchemaViolation> JsonSchema::Validate(const Json& value) const {
  valijson::Validator validator;  // per call: it is not thread-safe
  valijson::ValidationResults results;
  bool valid = true;
  try {
    valid = validator.validate(compiled_->schema, valijson::adapters::NlohmannJsonAdapter(value),
                               &results);
  } catch (const std::exception& e) {
    log::Debug("json schema: validation stopped early: {}", e.what());
  }
  std::vector<SchemaViolation> violations = Violations(results);
  // A `false` schema fails without saying why.
  if (!valid && violations.empty()) violations.push_back({"", "no value is allowed here"});
  return violations;
}

}  // namespace mcpgw::proxy
