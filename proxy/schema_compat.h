#pragma once

#include "protocol/status.h"

#include <string>
#include <vector>

namespace mcpgw::proxy {

// Rewrites a tool's inputSchema into the draft-07 form the JSON Schema library checks, so that a
// schema never rejects what its own draft accepts and never reaches the network:
// - a "$ref" that does not start with '#' (a remote or relative document) becomes `true`;
// - the 2019-09/2020-12 "prefixItems" (+ "items") become draft-07 "items" (+ "additionalItems"),
//   and "dependentRequired"/"dependentSchemas" become "dependencies";
// - a "pattern" that std::regex cannot compile is dropped.
// With Regexes::kDrop, every keyword that runs std::regex is removed as well ("pattern", "format",
// and "patternProperties" with the "additionalProperties" beside it), for values whose strings are
// too long for std::regex, which recurses per character. Each rewrite adds a line to notes. Values
// under "enum", "const", "default" and "examples" are data, not schemas, and are left alone. Pure;
// never throws on any JSON input.
enum class Regexes { kKeep, kDrop };
protocol::Json ToDraft7(const protocol::Json& schema, std::vector<std::string>& notes,
                        Regexes regexes = Regexes::kKeep);

}  // namespace mcpgw::proxy
