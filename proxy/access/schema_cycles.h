#pragma once

#include "protocol/status.h"

#include <optional>
#include <string>

namespace mcpgw::proxy {

// Finds a loop of subschemas that all apply to the same value: a `$ref` chain that comes back to
// itself (`a` -> `b` -> `a`), or a schema that reaches itself through `$ref`, `allOf`, `anyOf`,
// `oneOf`, `not`, `if`/`then`/`else` or the schema form of `dependencies` without descending
// into the value. The schema library would recurse without end on such a schema (when compiling
// it, or when validating any value against it), so an upstream could end the process with one.
// Returns where the loop is entered (its `$ref` text or a JSON pointer), or nullopt. Local `$ref`s
// (`#`, `#/json/pointer`) only: the others are gone by then (ToDraft7). Iterative; pure.
std::optional<std::string> FindSameValueLoop(const protocol::Json& schema);

}  // namespace mcpgw::proxy
