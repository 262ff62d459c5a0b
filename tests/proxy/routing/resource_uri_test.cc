#include "proxy/routing/resource_uri.h"

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::proxy {
namespace {

std::string Canonical(const std::string& uri) {
  auto canonical = CanonicalUri(uri);
  REQUIRE_MESSAGE(canonical.ok(), uri << ": " << canonical.status().message());
  return *canonical;
}

bool Refused(const std::string& uri) {
  auto canonical = CanonicalUri(uri);
  return !canonical.ok() && canonical.status().code() == protocol::StatusCode::kInvalidArgument &&
         canonical.status().message().starts_with("Invalid resource URI: ");
}

TEST_CASE("CanonicalUri keeps a URI that is already canonical") {
  for (const char* uri : {"file:///pub/readme.md", "test://static/resource/1", "urn:isbn:0451450523",
                          "https://example.com/a/b?x=1&y=%2F#frag", "file:///", "mailto:a@b.c"}) {
    CHECK(Canonical(uri) == uri);
  }
}

TEST_CASE("CanonicalUri removes dot segments as RFC 3986 5.2.4 and its 5.4 examples do") {
  // remove_dot_segments' own examples, and the normal examples of 5.4.1 resolved against
  // http://a/b/c/d;p?q, written as the merged path they give.
  CHECK(Canonical("http://a/b/c/./../../g") == "http://a/g");
  CHECK(Canonical("http://a/b/c/./g") == "http://a/b/c/g");
  CHECK(Canonical("http://a/b/c/g/") == "http://a/b/c/g/");
  CHECK(Canonical("http://a/b/c/.") == "http://a/b/c/");
  CHECK(Canonical("http://a/b/c/./") == "http://a/b/c/");
  CHECK(Canonical("http://a/b/c/..") == "http://a/b/");
  CHECK(Canonical("http://a/b/c/../") == "http://a/b/");
  CHECK(Canonical("http://a/b/c/../g") == "http://a/b/g");
  CHECK(Canonical("http://a/b/c/../..") == "http://a/");
  CHECK(Canonical("http://a/b/c/../../g") == "http://a/g");
  CHECK(Canonical("http://a/b/c/g;x=1/./y") == "http://a/b/c/g;x=1/y");
  CHECK(Canonical("http://a/b/c/g;x=1/../y") == "http://a/b/c/y");
  CHECK(Canonical("http://a/b/c/g.") == "http://a/b/c/g.");
  CHECK(Canonical("http://a/b/c/.g") == "http://a/b/c/.g");
  CHECK(Canonical("http://a/b/c/..g") == "http://a/b/c/..g");
  CHECK(Canonical("http://a/b/c/g?y/./x") == "http://a/b/c/g?y/./x");  // the query is no path
  CHECK(Canonical("http://a/b/c/g#s/../x") == "http://a/b/c/g#s/../x");
  CHECK(Canonical("file:///pub/../pub/private/key") == "file:///pub/private/key");
  CHECK(Canonical("file:///pub/./private/key") == "file:///pub/private/key");
}

TEST_CASE("CanonicalUri refuses a path that climbs above its root") {
  CHECK(Refused("file:///pub/../../etc/shadow"));
  CHECK(Refused("file:///.."));
  CHECK(Refused("http://a/b/c/../../../g"));  // 5.4.2 would drop the extra "..": refused here
  CHECK(Refused("file:///pub/%2e%2E/%2E%2e/etc/shadow"));  // encoded dots are dots
}

TEST_CASE("CanonicalUri collapses runs of slashes in a hierarchical path") {
  CHECK(Canonical("file:///pub//private/key") == "file:///pub/private/key");
  CHECK(Canonical("file:////pub///private//") == "file:///pub/private/");
  CHECK(Canonical("test://static//resource/1") == "test://static/resource/1");
  CHECK(Canonical("urn:a//b") == "urn:a//b");  // not hierarchical: left alone
}

TEST_CASE("CanonicalUri decodes escapes of unreserved characters only, in uppercase hex else") {
  CHECK(Canonical("file:///pub/%70rivate/key") == "file:///pub/private/key");
  CHECK(Canonical("file:///%41%7a%30%2D%2e%5F%7E") == "file:///Az0-._~");
  CHECK(Canonical("file:///a%20b%3f%c3%a9") == "file:///a%20b%3F%C3%A9");
  CHECK(Canonical("https://h/p?q=%7e%2f#%61") == "https://h/p?q=~%2F#a");
  CHECK(Canonical("file:///pub/%2E/private") == "file:///pub/private");
}

TEST_CASE("CanonicalUri lowercases the scheme and the host, not the path or the user") {
  CHECK(Canonical("FILE:///Pub/Key") == "file:///Pub/Key");
  CHECK(Canonical("HTTPS://User@Example.COM:8080/A?B#C") == "https://User@example.com:8080/A?B#C");
  CHECK(Canonical("Test://%53tatic/x") == "test://static/x");
}

TEST_CASE("CanonicalUri refuses what has no one spelling") {
  CHECK(Refused("pub/private/key"));       // no scheme
  CHECK(Refused("/pub/private/key"));      // no scheme
  CHECK(Refused("1file:///x"));            // not a scheme
  CHECK(Refused("file:///pub/%7"));        // short escape
  CHECK(Refused("file:///pub/%"));         // bare %
  CHECK(Refused("file:///pub/%zz/key"));   // not hex
  CHECK(Refused("file:///pub/x?%g1"));     // in the query too
  CHECK(Refused("file://h%4/pub"));        // in the authority too
  CHECK(Refused("file:///pub/private%2Fkey"));  // an encoded slash
  CHECK(Refused("file:///pub/private%5ckey"));  // an encoded backslash
  CHECK(Refused("file:///pub/key%00.txt"));     // an encoded NUL
  CHECK(Refused("file:///pub\\..\\private"));   // a backslash
  CHECK(Refused("file:///pub/\nkey"));          // a control character
  CHECK(Refused("urn:a/../b"));                 // dots in a path that is not hierarchical
  CHECK(Refused(""));
}

}  // namespace
}  // namespace mcpgw::proxy
