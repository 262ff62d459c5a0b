#include "proxy/routing/naming.h"

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::proxy {
namespace {

TEST_CASE("SanitizeName replaces every character outside [A-Za-z0-9_-] with an underscore") {
  CHECK(SanitizeName("read_file-2") == "read_file-2");
  CHECK(SanitizeName("files.read all") == "files_read_all");
  CHECK(SanitizeName("a/b:c") == "a_b_c");
  CHECK(SanitizeName("caf\xc3\xa9") == "caf__");  // each byte of a UTF-8 character
}

TEST_CASE("Fnv1a64 gives the published FNV-1a values on every platform") {
  CHECK(Fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(Fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(Fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("ShortenName leaves a name that fits unchanged") {
  CHECK(ShortenName("github__create_issue", 64) == "github__create_issue");
  CHECK(ShortenName(std::string(64, 'x'), 64) == std::string(64, 'x'));
}

TEST_CASE("ShortenName truncates a long name to exactly the limit and appends a hash") {
  std::string long_name = "server__" + std::string(100, 'a');
  std::string shortened = ShortenName(long_name, 64);
  CHECK(shortened.size() == 64);
  CHECK(shortened.starts_with("server__aaaa"));
  CHECK(shortened[55] == '_');
  CHECK(shortened.substr(56) == "a2f1514e");  // high 32 bits of Fnv1a64(long_name)
  CHECK(ShortenName(long_name, 64) == shortened);
}

TEST_CASE("ShortenName gives different names to long names that share their first bytes") {
  std::string base(80, 'q');
  CHECK(ShortenName(base + "1", 64) != ShortenName(base + "2", 64));
}

TEST_CASE("ShortenName never exceeds a limit smaller than the hash suffix") {
  CHECK(ShortenName("abcdefghijklmnop", 5).size() == 5);
}

TEST_CASE("ExposedName joins server, separator and the sanitized original") {
  CHECK(ExposedName("fs", "read_file", "__", 64) == "fs__read_file");
  CHECK(ExposedName("fs", "read.file", "__", 64) == "fs__read_file");
  CHECK(ExposedName("fs", "read", "-", 64) == "fs-read");
  std::string shortened = ExposedName("fs", std::string(70, 'r'), "__", 64);
  CHECK(shortened.size() == 64);
  CHECK(shortened.starts_with("fs__rrr"));
}

TEST_CASE("UriTemplate matches literal templates only exactly") {
  UriTemplate plain("file:///etc/hosts");
  CHECK(plain.Matches("file:///etc/hosts"));
  CHECK_FALSE(plain.Matches("file:///etc/hosts2"));
  CHECK_FALSE(plain.Matches("file:///etc/host"));
}

TEST_CASE("UriTemplate simple variables match one path segment") {
  UriTemplate item("test://static/resource/{id}");
  CHECK(item.Matches("test://static/resource/42"));
  CHECK_FALSE(item.Matches("test://static/resource/"));
  CHECK_FALSE(item.Matches("test://static/resource/4/2"));
  CHECK_FALSE(item.Matches("test://other/resource/42"));
  UriTemplate two("repo://{owner}/{name}/issues");
  CHECK(two.Matches("repo://acme/gw/issues"));
  CHECK_FALSE(two.Matches("repo://acme/issues"));
}

TEST_CASE("UriTemplate reserved variables match across slashes") {
  UriTemplate path("file:///{+path}");
  CHECK(path.Matches("file:///srv/data/a.txt"));
  CHECK_FALSE(path.Matches("file:///"));
}

TEST_CASE("UriTemplate optional expansions may match nothing") {
  UriTemplate query("search://items{?q,limit}");
  CHECK(query.Matches("search://items"));
  CHECK(query.Matches("search://items?q=x&limit=3"));
  UriTemplate segments("api://v1{/rest}");
  CHECK(segments.Matches("api://v1"));
  CHECK(segments.Matches("api://v1/a/b"));
}

TEST_CASE("UriTemplate treats an unclosed brace as literal text") {
  UriTemplate odd("x://{unclosed");
  CHECK(odd.Matches("x://{unclosed"));
  CHECK_FALSE(odd.Matches("x://value"));
}

TEST_CASE("UriTemplate matching a long hostile URI stays fast") {
  UriTemplate many("{a}{b}{c}{d}{e}x");
  CHECK_FALSE(many.Matches(std::string(100000, 'a')));
}

}  // namespace
}  // namespace mcpgw::proxy
