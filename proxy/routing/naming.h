#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// How the gateway names what its upstreams offer: exposed tool and prompt names, and the URI
// templates that route resource reads. Pure functions and values: any thread.
namespace mcpgw::proxy {

// True for the characters an exposed name may hold: [A-Za-z0-9_-] (OpenAI and Claude function
// names allow nothing else).
bool IsNameChar(char c);

// Returns name with every byte outside [A-Za-z0-9_-] replaced by '_' (so a multi-byte UTF-8
// character becomes several '_').
std::string SanitizeName(std::string_view name);

// FNV-1a, 64 bits: a hash that is the same on every run and platform (unlike std::hash).
std::uint64_t Fnv1a64(std::string_view bytes);

// Returns name unchanged when it has at most max_length bytes. Otherwise truncates it and appends
// "_" and 8 lowercase hex digits (the high 32 bits of Fnv1a64 of the whole name), so the result
// has exactly max_length bytes. Deterministic.
std::string ShortenName(std::string_view name, std::size_t max_length);

// The exposed name of an upstream's tool or prompt: <server><separator><original>, with the
// original sanitized, shortened past max_length. Server names and the separator are taken as
// configured (the config validates them).
std::string ExposedName(std::string_view server, std::string_view original,
                        std::string_view separator, std::size_t max_length);

// The exposed name of an item of a server with "prefix": false: the original, sanitized and
// shortened past max_length exactly as after a prefix; an already valid name stays unchanged.
std::string UnprefixedName(std::string_view original, std::size_t max_length);

// A resource URI template (RFC 6570), parsed once, matched against URIs. The matching is a simple
// reading of the RFC, enough to route a URI to the server that lists the template:
//   {var}, {a,b}                 one or more characters other than '/'
//   {+var}, {#var}               one or more characters of any kind
//   {/var} {.var} {;var} {?var} {&var}   zero or more characters of any kind
// Everything outside braces must match literally; an unclosed '{' is literal text.
class UriTemplate {
 public:
  explicit UriTemplate(std::string_view text);

  // True when uri could be an expansion of this template. Linear in the length of uri for each
  // part of the template, so a hostile URI cannot make it backtrack.
  bool Matches(std::string_view uri) const;

 private:
  enum class PartKind { kLiteral, kSegment, kAny, kOptional };
  struct Part {
    PartKind kind;
    std::string literal;  // kLiteral only
  };
  // Given the prefix lengths of uri the earlier parts can match, returns those after part.
  static std::vector<bool> Step(const Part& part, std::string_view uri,
                                const std::vector<bool>& from);
  static PartKind KindOf(std::string_view expression);

  std::vector<Part> parts_;
};

}  // namespace mcpgw::proxy
