#include "proxy/routing/naming.h"

#include <fmt/format.h>

#include <algorithm>

namespace mcpgw::proxy {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string SanitizeName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (!IsNameChar(c)) c = '_';
  }
  return out;
}

std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string ShortenName(std::string_view name, std::size_t max_length) {
  if (name.size() <= max_length) return std::string(name);
  std::string suffix = fmt::format("_{:08x}", Fnv1a64(name) >> 32);
  std::string out(name.substr(0, max_length - std::min(max_length, suffix.size())));
  out += suffix;
  out.resize(std::min(out.size(), max_length));  // only bites when max_length < suffix size
  return out;
}

std::string ExposedName(std::string_view server, std::string_view original,
                        std::string_view separator, std::size_t max_length) {
  std::string full;
  full.reserve(server.size() + separator.size() + original.size());
  full.append(server).append(separator).append(SanitizeName(original));
  return ShortenName(full, max_length);
}

std::string UnprefixedName(std::string_view original, std::size_t max_length) {
  return ShortenName(SanitizeName(original), max_length);
}

UriTemplate::UriTemplate(std::string_view text) {
  while (!text.empty()) {
    std::size_t open = text.find('{');
    std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      parts_.push_back({PartKind::kLiteral, std::string(text)});
      return;
    }
    if (open > 0) parts_.push_back({PartKind::kLiteral, std::string(text.substr(0, open))});
    parts_.push_back({KindOf(text.substr(open + 1, close - open - 1)), {}});
    text.remove_prefix(close + 1);
  }
}

UriTemplate::PartKind UriTemplate::KindOf(std::string_view expression) {
  char op = expression.empty() ? '\0' : expression.front();
  if (op == '+' || op == '#') return PartKind::kAny;
  if (std::string_view("/.;?&").find(op) != std::string_view::npos) return PartKind::kOptional;
  return PartKind::kSegment;
}

bool UriTemplate::Matches(std::string_view uri) const {
  std::vector<bool> reachable(uri.size() + 1, false);  // [i]: the parts so far match uri[0, i)
  reachable[0] = true;
  for (const Part& part : parts_) reachable = Step(part, uri, reachable);
  return reachable[uri.size()];
}

std::vector<bool> UriTemplate::Step(const Part& part, std::string_view uri,
                                    const std::vector<bool>& from) {
  std::vector<bool> to(uri.size() + 1, false);
  if (part.kind == PartKind::kLiteral) {
    for (std::size_t i = 0; i < uri.size(); ++i) {
      if (from[i] && uri.substr(i).starts_with(part.literal)) to[i + part.literal.size()] = true;
    }
    return to;
  }
  bool open = false;  // a value that started at or before q may still run through uri[q]
  for (std::size_t q = 0; q < uri.size(); ++q) {
    if (from[q]) open = true;
    if (part.kind == PartKind::kSegment && uri[q] == '/') open = false;
    to[q + 1] = open;
  }
  if (part.kind == PartKind::kOptional) {
    for (std::size_t i = 0; i <= uri.size(); ++i) to[i] = to[i] || from[i];
  }
  return to;
}

}  // namespace mcpgw::proxy
