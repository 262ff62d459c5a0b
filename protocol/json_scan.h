#pragma once

#include "protocol/status.h"

#include <cstddef>
#include <string_view>

namespace mcpgw::protocol {

// Linear scans of JSON text from the network that build no value and never recurse, so they are
// safe on text that is too deep, too large or not JSON at all. Thread-safe (no state).

// The nesting every parse site accepts unless configured otherwise (gateway.max_json_depth).
inline constexpr std::size_t kDefaultMaxJsonDepth = 64;

// True when arrays and objects in text nest deeper than max_depth ("[]" is depth 1). Brackets
// inside strings do not count. Stops at the first bracket past the limit.
bool NestedDeeperThan(std::string_view text, std::size_t max_depth);

// True when the first character of text after whitespace is '[': a JSON-RPC batch, if anything.
bool StartsWithArray(std::string_view text);

// The "id" member of the top-level object in text, when it is a string or an integer, else
// null. Reads only as far as needed, so it works on text that is cut short, too deep or not
// valid JSON after the id.
Json FindTopLevelId(std::string_view text);

// The id of a top-level object whose last member is "id", read from the end of its text (only
// the tail of a message may be at hand: the order JSON.stringify gives {result, jsonrpc, id});
// null when the tail does not end that way.
Json FindTrailingId(std::string_view tail);

}  // namespace mcpgw::protocol
