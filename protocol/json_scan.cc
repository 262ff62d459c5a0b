#include "protocol/json_scan.h"

#include <nlohmann/json.hpp>

namespace mcpgw::protocol {
namespace {

constexpr std::string_view kSpace = " \t\r\n";
constexpr std::size_t npos = std::string_view::npos;
constexpr std::size_t kMaxIdBytes = 1024;  // longer ids are not looked for
constexpr std::size_t kMaxIntegerChars = 21;

// The index just past the string literal that opens at text[start], or npos when it is cut off.
std::size_t StringEnd(std::string_view text, std::size_t start) {
  for (std::size_t i = start + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return npos;
}

std::string_view TrimLeft(std::string_view text) {
  std::size_t start = text.find_first_not_of(kSpace);
  return start == npos ? std::string_view() : text.substr(start);
}

std::string_view TrimRight(std::string_view text) {
  std::size_t last = text.find_last_not_of(kSpace);
  return last == npos ? std::string_view() : text.substr(0, last + 1);
}

// A string or integer literal at the start of text, ended by whitespace, ',' or '}'; else null.
Json ReadIdValue(std::string_view text) {
  std::size_t end = 0;
  if (text.starts_with('"')) {
    end = StringEnd(text, 0);
    if (end == npos || end > kMaxIdBytes) return nullptr;
  } else {
    end = text.find_first_not_of("-0123456789");
    if (end == 0 || end == npos || end > kMaxIntegerChars) return nullptr;
    if (std::string_view(" \t\r\n,}").find(text[end]) == npos) return nullptr;
  }
  Json id = Json::parse(text.substr(0, end), nullptr, /*allow_exceptions=*/false);
  return id.is_string() || id.is_number_integer() ? id : Json();
}

// The value after a key: `: value`.
Json ValueAfterKey(std::string_view rest) {
  rest = TrimLeft(rest);
  if (!rest.starts_with(':')) return nullptr;
  return ReadIdValue(TrimLeft(rest.substr(1)));
}

// Where the string or integer literal that ends text begins; npos when text ends otherwise.
std::size_t LiteralStartFromEnd(std::string_view text) {
  if (text.empty()) return npos;
  std::size_t floor = text.size() > kMaxIdBytes ? text.size() - kMaxIdBytes : 0;
  if (text.back() != '"') {
    std::size_t start = text.find_last_not_of("-0123456789");
    start = start == npos ? 0 : start + 1;
    return start < text.size() && text.size() - start <= kMaxIntegerChars ? start : npos;
  }
  for (std::size_t i = text.size() - 1; i-- > floor;) {
    if (text[i] != '"') continue;
    std::size_t backslashes = 0;
    while (i - backslashes > 0 && text[i - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return i;
  }
  return npos;
}

}  // namespace

bool NestedDeeperThan(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      i = StringEnd(text, i);
      if (i == npos) return false;
      --i;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

bool StartsWithArray(std::string_view text) { return TrimLeft(text).starts_with('['); }

Json FindTopLevelId(std::string_view text) {
  text = TrimLeft(text);
  if (!text.starts_with('{')) return nullptr;
  std::size_t depth = 0;
  bool expect_key = false;  // the next string at depth 1 is a member's name
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      std::size_t end = StringEnd(text, i);
      if (end == npos) return nullptr;
      if (depth == 1 && expect_key && text.substr(i, end - i) == "\"id\"") {
        return ValueAfterKey(text.substr(end));
      }
      expect_key = false;
      i = end - 1;
    } else if (c == '[' || c == '{') {
      expect_key = ++depth == 1;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return nullptr;
    } else if (c == ',') {
      expect_key = depth == 1;
    }
  }
  return nullptr;
}

Json FindTrailingId(std::string_view tail) {
  std::string_view rest = TrimRight(tail);
  if (!rest.ends_with('}')) return nullptr;
  rest = TrimRight(rest.substr(0, rest.size() - 1));
  std::size_t start = LiteralStartFromEnd(rest);
  if (start == npos) return nullptr;
  Json id = ReadIdValue(tail.substr(start));
  rest = TrimRight(rest.substr(0, start));
  if (!rest.ends_with(':')) return nullptr;
  rest = TrimRight(rest.substr(0, rest.size() - 1));
  if (!rest.ends_with("\"id\"")) return nullptr;
  rest = TrimRight(rest.substr(0, rest.size() - 4));
  return rest.ends_with(',') || rest.ends_with('{') ? id : Json();
}

}  // namespace mcpgw::protocol
