#include "proxy/config/reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::Status;

bool IsVariableStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsVariableChar(char c) { return IsVariableStart(c) || (c >= '0' && c <= '9'); }

bool IsVariableName(std::string_view s) {
  return !s.empty() && IsVariableStart(s[0]) && std::all_of(s.begin(), s.end(), IsVariableChar);
}

// Integers beyond int64 saturate, so they fail any range check; 5.0 is not an integer.
std::optional<std::int64_t> AsInt64(const Json& value) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (!value.is_number_integer()) return std::nullopt;
  if (value.is_number_unsigned()) return std::min(value.get<std::uint64_t>(), kMax);
  return value.get<std::int64_t>();
}

// Appends the value of the `${NAME}` that starts at raw[at] and moves `at` past its `}`.
Status AppendVariable(std::string_view raw, std::size_t& at, std::string_view path,
                      const EnvLookup& env, std::string& out) {
  std::size_t end = raw.find('}', at + 2);
  std::string_view name = end == std::string_view::npos ? "" : raw.substr(at + 2, end - at - 2);
  if (!IsVariableName(name)) {
    return InvalidAt(path,
                     "malformed ${...}: write ${NAME} with NAME of [A-Za-z_][A-Za-z0-9_]*,"
                     " or $${ for a literal ${");
  }
  std::optional<std::string> value = env(name);
  if (!value) return InvalidAt(path, fmt::format("environment variable {} is not set", name));
  out += *value;
  at = end + 1;
  return Status::Ok();
}

}  // namespace

Status InvalidAt(std::string_view path, std::string_view what) {
  return Status(protocol::StatusCode::kInvalidArgument, fmt::format("{}: {}", path, what));
}

std::string ResolveCwd(const std::string& cwd, const std::filesystem::path& base_dir) {
  std::filesystem::path path(cwd);
  if (cwd.empty() || path.is_absolute() || base_dir.empty()) return cwd;
  std::filesystem::path full = (base_dir / path).lexically_normal();
  if (!full.has_filename() && full.has_relative_path()) full = full.parent_path();  // "a/b/"
  return full.string();
}

std::string JoinPath(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

// ${VAR} expansion, applied to every string value (never to keys):
// - `${NAME}`, NAME = [A-Za-z_][A-Za-z0-9_]*, is replaced by the variable's value; an unset
//   variable is an error (set but empty is fine). No defaults (`${X:-y}`), no nesting.
// - `$${` is the escape for a literal `${`.
// - Any other `$` stays as written, so "pa$$word" and "$HOME" are kept literally.
// - A `${` that does not form a reference is an error rather than silently kept.
Result<std::string> ExpandVariables(std::string_view raw, std::string_view path,
                                    const EnvLookup& env) {
  std::string out;
  for (std::size_t i = 0; i < raw.size();) {
    if (raw.substr(i, 3) == "$${") {
      out += "${";
      i += 3;
    } else if (raw.substr(i, 2) != "${") {
      out += raw[i++];
    } else if (Status status = AppendVariable(raw, i, path, env, out); !status.ok()) {
      return status;
    }
  }
  return out;
}

Status CheckKeys(const Json& object, std::string_view path,
                 const std::vector<std::string_view>& allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return InvalidAt(JoinPath(path, key),
                       fmt::format("unknown key (expected one of: {})", fmt::join(allowed, ", ")));
    }
  }
  return Status::Ok();
}

// nlohmann keeps the last of two equal keys silently, so a callback tracks the keys of each open
// object. Exceptions are caught here, at the third-party edge, for the line and column they carry.
Result<Json> ParseJsonText(std::string_view text) {
  std::vector<std::pair<std::set<std::string>, std::string>> open;  // keys seen, current key
  std::string duplicate;
  auto track = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) open.emplace_back();
    if (event == Json::parse_event_t::object_end) open.pop_back();
    if (event != Json::parse_event_t::key) return true;
    open.back().second = parsed.get<std::string>();
    if (!open.back().first.insert(open.back().second).second && duplicate.empty()) {
      for (const auto& object : open) duplicate = JoinPath(duplicate, object.second);
    }
    return true;
  };
  try {
    Json doc = Json::parse(text.begin(), text.end(), track);
    if (!duplicate.empty()) return InvalidAt(duplicate, "key appears twice in one object");
    return doc;
  } catch (const Json::parse_error& error) {
    std::string_view what = error.what();
    what.remove_prefix(std::min(what.size(), what.find("] ") + 2));  // "[json.exception…] "
    return Status(protocol::StatusCode::kInvalidArgument, fmt::format("invalid JSON: {}", what));
  }
}

FieldReader::FieldReader(const Json& object, std::string path, const EnvLookup& env, bool expand)
    : object_(object), path_(std::move(path)), env_(env), expand_(expand) {}

void FieldReader::String(std::string_view key, std::string& out, Check check,
                         std::string_view rule) {
  const Json* value = Find(key);
  if (!value) return;
  Result<std::string> text = ToString(*value, PathOf(key));
  if (!text.ok()) return Take(text.status());
  if (check && !check(*text)) return Take(InvalidAt(PathOf(key), fmt::format("must be {}", rule)));
  out = std::move(text).value();
}

void FieldReader::StringList(std::string_view key, std::vector<std::string>& out) {
  const Json* value = Find(key);
  if (!value) return;
  if (!value->is_array()) return Take(InvalidAt(PathOf(key), "must be an array of strings"));
  std::vector<std::string> list;
  for (std::size_t i = 0; i < value->size(); ++i) {
    Result<std::string> text = ToString((*value)[i], fmt::format("{}[{}]", PathOf(key), i));
    if (!text.ok()) return Take(text.status());
    list.push_back(std::move(text).value());
  }
  out = std::move(list);
}

void FieldReader::StringMap(std::string_view key, std::map<std::string, std::string>& out) {
  const Json* value = Find(key);
  if (!value) return;
  if (!value->is_object()) return Take(InvalidAt(PathOf(key), "must be an object of strings"));
  std::map<std::string, std::string> map;
  for (const auto& [name, item] : value->items()) {
    Result<std::string> text = ToString(item, JoinPath(PathOf(key), name));
    if (!text.ok()) return Take(text.status());
    map[name] = std::move(text).value();
  }
  out = std::move(map);
}

void FieldReader::Bool(std::string_view key, bool& out) {
  const Json* value = Find(key);
  if (!value) return;
  if (!value->is_boolean()) return Take(InvalidAt(PathOf(key), "must be true or false"));
  out = value->get<bool>();
}

std::optional<std::int64_t> FieldReader::Integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max, std::string_view rule) {
  const Json* value = Find(key);
  if (!value) return std::nullopt;
  std::optional<std::int64_t> number = AsInt64(*value);
  if (!number || *number < min || *number > max) {
    Take(InvalidAt(PathOf(key), fmt::format("must be {}", rule)));
    return std::nullopt;
  }
  return number;
}

const Json* FieldReader::Find(std::string_view key) const {
  if (!status_.ok()) return nullptr;
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

Result<std::string> FieldReader::ToString(const Json& value, const std::string& path) const {
  if (!value.is_string()) return InvalidAt(path, "must be a string");
  if (!expand_) return value.get<std::string>();
  return ExpandVariables(value.get_ref<const std::string&>(), path, env_);
}

void FieldReader::Take(Status status) {
  if (status_.ok()) status_ = std::move(status);
}

}  // namespace mcpgw::proxy
