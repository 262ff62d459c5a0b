#pragma once

#include "protocol/status.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}
namespace valijson {
class Schema;
}

namespace mcpgw::proxy {

// The JSON Schema keywords that take a regular expression ("pattern", "patternProperties") or
// that valijson checks with one ("format"), checked with RE2 instead of the library's std::regex:
// RE2 runs in time linear in the input and never recurses per character, so an upstream's
// `^(a+)+$` cannot cost a core for seconds, nor a long string overflow the stack.
//
// ToDraft7 writes these private keywords in their place (and strips any a schema brings along);
// ParseWithRegexKeywords teaches valijson to check them:
// - kPatternKeyword: the "pattern" text, a partial match on strings;
// - kFormatKeyword: one of the formats IsCheckedFormat accepts, on strings;
// - kPatternPropertiesKeyword: {"patterns": [[regex, index]...], "known": [names in
//   "properties"], "additional": index (absent: any)} for an object: each member whose name a
//   regex matches is checked against subschema `index`; a member neither named in "properties"
//   nor matched is checked against "additional" (the node's former "additionalProperties");
// - kSubschemasKeyword, at the root only: the array those indexes point into.
inline constexpr char kPatternKeyword[] = "x-mcpgw-pattern";
inline constexpr char kFormatKeyword[] = "x-mcpgw-format";
inline constexpr char kPatternPropertiesKeyword[] = "x-mcpgw-pattern-properties";
inline constexpr char kSubschemasKeyword[] = "x-mcpgw-subschemas";

// pattern, an ECMAScript regular expression as JSON Schema uses them, compiled by RE2 after
// translating `\uXXXX`; null when RE2 cannot compile it (lookaround, backreferences, and other
// syntax RE2 lacks). Pure; any thread.
std::shared_ptr<const re2::RE2> CompileRegex(const std::string& pattern);

// Whether format is one the validator checks: "date", "time", "date-time".
bool IsCheckedFormat(std::string_view format);

// Compiles draft7 (ToDraft7's output) into root, and each kSubschemasKeyword entry into
// subschemas (same indexes), with the private keywords above checked by RE2. The compiled
// schemas point into subschemas: keep it alive and unchanged as long as root. Throws what valijson
// throws on a schema it cannot parse.
void ParseWithRegexKeywords(const protocol::Json& draft7, valijson::Schema& root,
                            std::vector<std::unique_ptr<valijson::Schema>>& subschemas);

}  // namespace mcpgw::proxy
