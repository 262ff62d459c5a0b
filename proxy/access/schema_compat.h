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
// - "pattern", "patternProperties" (with the "additionalProperties" beside it) and "format" become
//   the private keywords of regex_keywords.h, checked with RE2; a regex RE2 cannot compile is
//   dropped (with its patternProperties' "additionalProperties"), a format not checked is dropped.
// Each rewrite that leaves something unchecked adds a line to notes. Values under "enum", "const",
// "default" and "examples" are data, not schemas, and are left alone. Pure; never throws on any
// JSON input.
protocol::Json ToDraft7(const protocol::Json& schema, std::vector<std::string>& notes);

}  // namespace mcpgw::proxy
