#include "policy/glob.h"

namespace mcpgw::policy {

bool GlobMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      // Let the last star swallow one more character and try again from there.
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

GlobSpecificity SpecificityOf(std::string_view pattern) {
  GlobSpecificity specificity{true, 0};
  for (char c : pattern) {
    if (c == '*' || c == '?') {
      specificity.literal = false;
    } else {
      ++specificity.literal_chars;
    }
  }
  return specificity;
}

}  // namespace mcpgw::policy
