#pragma once

#include <cstddef>
#include <string_view>

namespace mcpgw::policy {

// Matches text against a glob: `*` is any run of characters (also none), `?` exactly one, every
// other character itself, case-sensitively. Linear time; never backtracks exponentially.
bool GlobMatch(std::string_view pattern, std::string_view text);

// How specific a pattern is: a pattern without wildcards beats any glob, and among globs more
// literal characters beat fewer.
struct GlobSpecificity {
  bool literal = false;
  std::size_t literal_chars = 0;
};
GlobSpecificity SpecificityOf(std::string_view pattern);

}  // namespace mcpgw::policy
