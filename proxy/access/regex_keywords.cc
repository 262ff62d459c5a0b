#include "proxy/access/regex_keywords.h"

#include <re2/re2.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using Context = std::vector<std::string>;
using Subschemas = std::vector<std::unique_ptr<valijson::Schema>>;

bool IsHex4(const std::string& text, std::size_t at) {
  if (at + 4 > text.size()) return false;
  for (std::size_t i = at; i < at + 4; ++i) {
    if (std::isxdigit(static_cast<unsigned char>(text[i])) == 0) return false;
  }
  return true;
}

// ECMAScript's `\uXXXX` is RE2's `\x{XXXX}`; every other escape is copied as it is.
std::string ToRe2Syntax(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      if (pattern[i + 1] == 'u' && IsHex4(pattern, i + 2)) {
        out += "\\x{" + pattern.substr(i + 2, 4) + "}";
        i += 5;
      } else {
        out += pattern.substr(i++, 2);
      }
      continue;
    }
    out += pattern[i];
  }
  return out;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool IsDayOfMonth(int year, int month, int day) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && day == 29) return IsLeapYear(year);
  return day <= kDays[month - 1];
}

// The regexes valijson uses for these formats (RFC 3339's full-date, full-time, date-time), whose
// first three groups are year, month and day.
constexpr char kDate[] = R"((\d+)-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01]))";
constexpr char kTime[] =
    R"(([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d))";

// A year too long for int does not match: it is no date a tool can use.
bool MatchesDate(const std::string& text, const RE2& regex) {
  int year = 0;
  int month = 0;
  int day = 0;
  return RE2::FullMatch(text, regex, &year, &month, &day) && IsDayOfMonth(year, month, day);
}

bool MatchesFormat(const std::string& format, const std::string& text) {
  static const RE2 kDateRegex(kDate);
  static const RE2 kTimeRegex(kTime);
  static const RE2 kDateTimeRegex(std::string(kDate) + "[Tt]" + kTime);
  if (format == "date") return MatchesDate(text, kDateRegex);
  if (format == "time") return RE2::FullMatch(text, kTimeRegex);
  return MatchesDate(text, kDateTimeRegex);
}

// Base of the keywords below: valijson copies a constraint into its own storage.
template <typename Derived>
class Keyword : public valijson::constraints::PolyConstraint {
 private:
  Constraint* cloneInto(void* memory) const override {
    return new (memory) Derived(static_cast<const Derived&>(*this));
  }
  std::size_t sizeOf() const override { return sizeof(Derived); }
};

bool Fail(valijson::ValidationResults* results, const Context& context, const std::string& why) {
  if (results != nullptr) results->pushError(context, why);
  return false;
}

class PatternKeyword : public Keyword<PatternKeyword> {
 public:
  explicit PatternKeyword(std::shared_ptr<const RE2> regex) : regex_(std::move(regex)) {}

  bool validate(const valijson::adapters::Adapter& target, const Context& context,
                valijson::ValidationResults* results) const override {
    std::string text;
    if (!target.isString() || !target.getString(text)) return true;
    if (RE2::PartialMatch(text, *regex_)) return true;
    return Fail(results, context, "Failed to match regex specified by 'pattern' constraint.");
  }

 private:
  std::shared_ptr<const RE2> regex_;
};

class FormatKeyword : public Keyword<FormatKeyword> {
 public:
  explicit FormatKeyword(std::string format) : format_(std::move(format)) {}

  bool validate(const valijson::adapters::Adapter& target, const Context& context,
                valijson::ValidationResults* results) const override {
    std::string text;
    if (!target.isString() || !target.getString(text)) return true;
    if (MatchesFormat(format_, text)) return true;
    return Fail(results, context, "String should be a valid " + format_);
  }

 private:
  std::string format_;
};

// properties + patternProperties + additionalProperties, minus "properties" itself (valijson
// still checks that): see kPatternPropertiesKeyword.
class PatternPropertiesKeyword : public Keyword<PatternPropertiesKeyword> {
 public:
  struct Pattern {
    std::shared_ptr<const RE2> regex;
    std::size_t subschema;
  };
  PatternPropertiesKeyword(const Subschemas* subschemas, std::vector<Pattern> patterns,
                           std::vector<std::string> known, std::optional<std::size_t> additional)
      : subschemas_(subschemas),
        patterns_(std::move(patterns)),
        known_(std::move(known)),
        additional_(additional) {}

  bool validate(const valijson::adapters::Adapter& target, const Context& context,
                valijson::ValidationResults* results) const override {
    // Every value mcpgw validates is nlohmann JSON; other adapters only carry property names.
    const auto* object = dynamic_cast<const valijson::adapters::NlohmannJsonAdapter*>(&target);
    if (object == nullptr || !object->isObject()) return true;
    bool valid = true;
    for (const auto& [name, value] : object->asObject()) {
      valid = CheckMember(name, value, context, results) && valid;
      if (!valid && results == nullptr) return false;
    }
    return valid;
  }

 private:
  bool CheckMember(const std::string& name, const valijson::adapters::NlohmannJsonAdapter& value,
                   const Context& context, valijson::ValidationResults* results) const {
    Context member = context;
    member.push_back("[" + name + "]");
    bool valid = true;
    bool matched = false;
    for (const Pattern& pattern : patterns_) {
      if (!RE2::PartialMatch(name, *pattern.regex)) continue;
      matched = true;
      valid = Check(pattern.subschema, value, member, results,
                    "Failed to validate against schema associated with property name '" + name +
                        "'.") &&
              valid;
    }
    if (matched || !additional_ || IsKnown(name)) return valid;
    return Check(*additional_, value, member, results,
                 "Object contains a property that could not be validated using 'properties' or "
                 "'additionalProperties' constraints: '" + name + "'.") &&
           valid;
  }

  bool IsKnown(const std::string& name) const {
    return std::find(known_.begin(), known_.end(), name) != known_.end();
  }

  // Validates value against subschema index; a failure that says nothing more (a `false`
  // schema) is reported as why, at the member.
  bool Check(std::size_t index, const valijson::adapters::NlohmannJsonAdapter& value,
             const Context& context, valijson::ValidationResults* results,
             const std::string& why) const {
    const valijson::Schema* schema = (*subschemas_)[index].get();
    if (schema == nullptr) return true;  // not compiled: never after ParseWithRegexKeywords
    valijson::Validator validator;
    valijson::ValidationResults inner;
    if (validator.validate(*schema, value, results != nullptr ? &inner : nullptr)) return true;
    if (results == nullptr) return false;
    if (inner.numErrors() == 0) results->pushError(context, why);
    valijson::ValidationResults::Error error;
    while (inner.popError(error)) {  // "<root>" of the inner run is this member
      Context where = context;
      auto from = error.context.empty() ? error.context.end() : error.context.begin() + 1;
      where.insert(where.end(), from, error.context.end());
      results->pushError(where, error.description);
    }
    return false;
  }

  const Subschemas* subschemas_;
  std::vector<Pattern> patterns_;
  std::vector<std::string> known_;
  std::optional<std::size_t> additional_;
};

// ToDraft7 wrote the keywords' values; a schema's own were stripped. Bad values still throw
// (as valijson does for its own keywords), never crash.
std::string StringOf(const valijson::adapters::Adapter& value) {
  std::string text;
  if (!value.isString() || !value.getString(text)) throw std::runtime_error("expected a string");
  return text;
}

std::shared_ptr<const RE2> RegexOf(const valijson::adapters::Adapter& value) {
  auto regex = CompileRegex(StringOf(value));
  if (regex == nullptr) throw std::runtime_error("regex does not compile");
  return regex;
}

class PatternBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    return new PatternKeyword(RegexOf(value));
  }
};

class FormatBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    std::string format = StringOf(value);
    if (!IsCheckedFormat(format)) throw std::runtime_error("unknown format " + format);
    return new FormatKeyword(std::move(format));
  }
};

class PatternPropertiesBuilder : public valijson::ConstraintBuilder {
 public:
  explicit PatternPropertiesBuilder(const Subschemas* subschemas) : subschemas_(subschemas) {}

  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    const auto* spec = dynamic_cast<const valijson::adapters::NlohmannJsonAdapter*>(&value);
    if (spec == nullptr || !spec->isObject()) throw std::runtime_error("expected an object");
    const auto object = spec->asObject();
    std::vector<PatternPropertiesKeyword::Pattern> patterns;
    for (const auto& pattern : Member(object, "patterns").asArray()) {
      const auto pair = pattern.asArray();
      if (pair.size() != 2) throw std::runtime_error("expected [regex, index]");
      patterns.push_back({RegexOf(*pair.begin()), Index(*++pair.begin())});
    }
    std::vector<std::string> known;
    for (const auto& name : Member(object, "known").asArray()) known.push_back(StringOf(name));
    std::optional<std::size_t> additional;
    if (object.find("additional") != object.end()) additional = Index(Member(object, "additional"));
    return new PatternPropertiesKeyword(subschemas_, std::move(patterns), std::move(known),
                                        additional);
  }

 private:
  static valijson::adapters::NlohmannJsonAdapter Member(
      const valijson::adapters::NlohmannJsonObject& object, const std::string& name) {
    auto found = object.find(name);
    if (found == object.end()) throw std::runtime_error("missing " + name);
    return found->second;
  }

  std::size_t Index(const valijson::adapters::NlohmannJsonAdapter& index) const {
    if (!index.isInteger() || index.getInteger() < 0 ||
        static_cast<std::size_t>(index.getInteger()) >= subschemas_->size()) {
      throw std::runtime_error("subschema index out of range");
    }
    return static_cast<std::size_t>(index.getInteger());
  }

  const Subschemas* subschemas_;
};

void Parse(const Json& document, valijson::Schema& schema, const Subschemas* subschemas) {
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  parser.addConstraintBuilder(kPatternKeyword, new PatternBuilder);  // the parser owns builders
  parser.addConstraintBuilder(kFormatKeyword, new FormatBuilder);
  parser.addConstraintBuilder(kPatternPropertiesKeyword, new PatternPropertiesBuilder(subschemas));
  parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(document), schema);
}

}  // namespace

std::shared_ptr<const RE2> CompileRegex(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);  // a bad pattern is reported by the caller, once
  options.set_never_capture(true);
  auto regex = std::make_shared<const RE2>(ToRe2Syntax(pattern), options);
  return regex->ok() ? regex : nullptr;
}

bool IsCheckedFormat(std::string_view format) {
  return format == "date" || format == "time" || format == "date-time";
}

void ParseWithRegexKeywords(const Json& draft7, valijson::Schema& root, Subschemas& subschemas) {
  const std::size_t count = draft7.is_object() && draft7.contains(kSubschemasKeyword)
                                ? draft7[kSubschemasKeyword].size()
                                : 0;
  subschemas.clear();
  subschemas.resize(count);
  Parse(draft7, root, &subschemas);
  // Each entry is parsed from the whole document entered by a $ref, so that its own "#/..."
  // references resolve as they would in place.
  Json entry = draft7;
  for (std::size_t i = 0; i < count; ++i) {
    entry["$ref"] = "#/" + std::string(kSubschemasKeyword) + "/" + std::to_string(i);
    auto schema = std::make_unique<valijson::Schema>();
    Parse(entry, *schema, &subschemas);
    subschemas[i] = std::move(schema);
  }
}

}  // namespace mcpgw::proxy
