#include "proxy/routing/resource_uri.h"

#include <cctype>
#include <optional>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

Status Refuse(std::string_view uri, std::string_view why) {
  return {StatusCode::kInvalidArgument,
          "Invalid resource URI: " + std::string(why) + ": " + std::string(uri)};
}

bool IsUnreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Decodes escapes of unreserved characters, uppercases the hex of the others; nullopt when an
// escape is malformed.
std::optional<std::string> NormalizeEscapes(std::string_view part) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] != '%') {
      out += part[i];
      continue;
    }
    if (i + 2 >= part.size()) return std::nullopt;
    const int high = HexValue(part[i + 1]);
    const int low = HexValue(part[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    const char decoded = static_cast<char>(high * 16 + low);
    out += IsUnreserved(decoded) ? std::string(1, decoded)
                                 : std::string{'%', kHex[high], kHex[low]};
    i += 2;
  }
  return out;
}

bool IsSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
}

// The length of uri's scheme (before the ':'), or 0 when it has none.
std::size_t SchemeLength(std::string_view uri) {
  if (uri.empty() || std::isalpha(static_cast<unsigned char>(uri[0])) == 0) return 0;
  std::size_t end = 1;
  while (end < uri.size() && IsSchemeChar(uri[end])) ++end;
  return end < uri.size() && uri[end] == ':' ? end : 0;
}

bool HasForbiddenCharacter(std::string_view uri) {
  for (char c : uri) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '\\') return true;
  }
  return false;
}

// userinfo@host:port with the host (and port) lowercased; the userinfo keeps its case.
std::string LowerHost(const std::string& authority) {
  const std::size_t at = authority.rfind('@');
  if (at == std::string::npos) return Lower(authority);
  return authority.substr(0, at + 1) + Lower(std::string_view(authority).substr(at + 1));
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) return segments;
    start = slash + 1;
  }
}

// §5.2.4 remove_dot_segments on a path starting with "/" without empty segments inside; nullopt
// when a ".." would climb above the root.
std::optional<std::string> RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> kept;
  bool ends_as_directory = false;
  for (std::string_view segment : Segments(path.substr(1))) {
    ends_as_directory = segment == "." || segment == "..";
    if (segment == "..") {
      if (kept.empty()) return std::nullopt;
      kept.pop_back();
    } else if (segment != ".") {
      kept.push_back(segment);
    }
  }
  std::string out;
  for (std::string_view segment : kept) out += "/" + std::string(segment);
  if (out.empty() || ends_as_directory) out += "/";
  return out;
}

std::string CollapseSlashes(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c != '/' || out.empty() || out.back() != '/') out += c;
  }
  return out;
}

bool HasDotSegment(std::string_view path) {
  for (std::string_view segment : Segments(path)) {
    if (segment == "." || segment == "..") return true;
  }
  return false;
}

// The path, normalized; the error says why it cannot be.
Result<std::string> NormalizePath(std::string_view uri, std::string path, bool hierarchical) {
  for (const char* encoded : {"%2F", "%5C", "%00"}) {
    if (path.find(encoded) != std::string::npos) return Refuse(uri, "encoded / or \\ or NUL in path");
  }
  if (!hierarchical) {
    if (HasDotSegment(path)) return Refuse(uri, "dot segment in a non-hierarchical path");
    return path;
  }
  if (path.empty()) return path;
  std::optional<std::string> clean = RemoveDotSegments(CollapseSlashes(path));
  if (!clean) return Refuse(uri, "\"..\" above the root");
  return *std::move(clean);
}

struct Parts {
  std::string scheme;
  std::optional<std::string> authority;
  std::string path;
  std::string rest;  // "?query#fragment", as much as there is
};

Parts Split(std::string_view uri, std::size_t scheme_length) {
  Parts parts{Lower(uri.substr(0, scheme_length)), std::nullopt, "", ""};
  std::string_view tail = uri.substr(scheme_length + 1);
  if (tail.starts_with("//")) {
    const std::size_t end = tail.find_first_of("/?#", 2);
    parts.authority = std::string(tail.substr(2, end - 2));
    tail = end == std::string_view::npos ? std::string_view() : tail.substr(end);
  }
  const std::size_t end = tail.find_first_of("?#");
  parts.path = std::string(tail.substr(0, end));
  if (end != std::string_view::npos) parts.rest = std::string(tail.substr(end));
  return parts;
}

}  // namespace

Result<std::string> CanonicalUri(std::string_view uri) {
  const std::size_t scheme_length = SchemeLength(uri);
  if (scheme_length == 0) return Refuse(uri, "no scheme");
  if (HasForbiddenCharacter(uri)) return Refuse(uri, "control character or backslash");
  Parts parts = Split(uri, scheme_length);
  std::optional<std::string> authority;
  if (parts.authority && !(authority = NormalizeEscapes(*parts.authority))) {
    return Refuse(uri, "malformed percent-escape");
  }
  std::optional<std::string> path = NormalizeEscapes(parts.path);
  std::optional<std::string> rest = NormalizeEscapes(parts.rest);
  if (!path || !rest) return Refuse(uri, "malformed percent-escape");
  const bool hierarchical = parts.authority.has_value() || path->starts_with('/');
  Result<std::string> clean_path = NormalizePath(uri, *std::move(path), hierarchical);
  if (!clean_path.ok()) return clean_path.status();
  std::string canonical = parts.scheme + ":";
  if (authority) canonical += "//" + LowerHost(*authority);
  return canonical + *clean_path + *rest;
}

}  // namespace mcpgw::proxy
