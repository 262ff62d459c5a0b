#include "policy/glob.h"

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::policy {

TEST_CASE("GlobMatch handles * and ? and nothing else, case-sensitively") {
  struct Case {
    const char* pattern;
    std::string text;
    bool matches;
  };
  const Case cases[] = {
      {"*", "", true},
      {"*", "anything", true},
      {"read_file", "read_file", true},
      {"read_file", "read_files", false},
      {"delete_*", "delete_rows", true},
      {"delete_*", "delete_", true},
      {"delete_*", "undelete_rows", false},
      {"*_file", "read_file", true},
      {"*_file*", "write_file_v2", true},
      {"?", "a", true},
      {"?", "", false},
      {"read_?ile", "read_file", true},
      {"read_?ile", "read_ile", false},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "aXbY", false},
      {"Filesystem", "filesystem", false},
      {"[ab]", "a", false},     // brackets are literal
      {"[ab]", "[ab]", true},
      {"*a*a*a*a*a*b", std::string(60, 'a'), false},  // no exponential backtracking
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.text);
    CHECK(GlobMatch(c.pattern, c.text) == c.matches);
  }
}

TEST_CASE("SpecificityOf ranks literal patterns above globs, then by literal characters") {
  CHECK(SpecificityOf("read_file").literal);
  CHECK(SpecificityOf("read_file").literal_chars == 9);
  CHECK_FALSE(SpecificityOf("read_*").literal);
  CHECK(SpecificityOf("read_*").literal_chars == 5);
  CHECK(SpecificityOf("*").literal_chars == 0);
}

}  // namespace mcpgw::policy
