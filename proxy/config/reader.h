#pragma once

// Typed, path-aware reading of JSON config objects, with ${VAR} expansion. Used by config.cc and
// the *_config.cc readers; nothing here knows the config's schema.

#include "protocol/status.h"
#include "proxy/config/config.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::proxy {

// The largest duration in milliseconds a config field takes, and how a field says so.
inline constexpr std::int64_t kMaxMillis = std::numeric_limits<std::int32_t>::max();
inline constexpr std::string_view kPositiveMillis = "a positive integer (at most 2147483647)";

inline bool IsNonEmpty(std::string_view s) { return !s.empty(); }

// A relative path from the config resolved against the config file's directory (left as
// written when base_dir is empty).
std::string ResolveCwd(const std::string& cwd, const std::filesystem::path& base_dir);

// kInvalidArgument with the message "PATH: WHAT".
protocol::Status InvalidAt(std::string_view path, std::string_view what);

// "a.b" from ("a", "b"); "b" from ("", "b").
std::string JoinPath(std::string_view path, std::string_view key);

// Expands ${VAR} references in one string value (see reader.cc for the rules). On
// failure the status is InvalidAt(path, ...) naming the unset variable or the bad reference.
protocol::Result<std::string> ExpandVariables(std::string_view raw, std::string_view path,
                                              const EnvLookup& env);

// Ok when every key of `object` is in `allowed`, else "PATH.KEY: unknown key (expected ...)".
protocol::Status CheckKeys(const protocol::Json& object, std::string_view path,
                           const std::vector<std::string_view>& allowed);

// Parses JSON text. Never throws. Fails with "invalid JSON: ... line L, column C ..." for bad
// syntax and with "PATH: key appears twice in one object" for a repeated key.
protocol::Result<protocol::Json> ParseJsonText(std::string_view text);

// Reads members of one JSON object into typed fields. A reader leaves its target alone when
// the member is absent; after the first error every reader does nothing and status() reports
// it. With expand false, strings are checked for shape only and kept as written. Borrows
// `object` and `env`, which must outlive it; one thread at a time.
class FieldReader {
 public:
  using Check = bool (*)(std::string_view);

  FieldReader(const protocol::Json& object, std::string path, const EnvLookup& env,
              bool expand = true);

  const protocol::Status& status() const { return status_; }
  std::string PathOf(std::string_view key) const { return JoinPath(path_, key); }

  // A string; when `check` rejects it the error is "must be <rule>".
  void String(std::string_view key, std::string& out, Check check = nullptr,
              std::string_view rule = {});
  void StringList(std::string_view key, std::vector<std::string>& out);
  void StringMap(std::string_view key, std::map<std::string, std::string>& out);
  void Bool(std::string_view key, bool& out);
  // An integer in [min, max]; nullopt when absent or invalid (then "must be <rule>").
  std::optional<std::int64_t> Integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      std::string_view rule);

 private:
  const protocol::Json* Find(std::string_view key) const;
  protocol::Result<std::string> ToString(const protocol::Json& value,
                                         const std::string& path) const;
  void Take(protocol::Status status);

  const protocol::Json& object_;
  std::string path_;
  const EnvLookup& env_;
  bool expand_;
  protocol::Status status_;
};

}  // namespace mcpgw::proxy
