#pragma once

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json_fwd.hpp>

#include <string_view>

// Logging for every folder. Lines go to stderr only: in stdio mode stdout carries protocol
// messages and nothing else. Never pass a secret (key, token, header, env value) to these
// functions, as text or as a field.
namespace mcpgw::log {

enum class Level { kDebug, kInfo, kWarn, kError };
// kText: "2026-11-24T23:20:01Z mcpgw info: message key=value ...";
// kJson: {"ts":"2026-11-24T23:20:01.123Z","level":"info","msg":"message","event":...,"key":...}.
enum class Format { kText, kJson };

// An event's structured fields, written in the order given. Include <nlohmann/json.hpp> to make
// them ({{"server", name}, {"attempt", 3}}).
using Fields = nlohmann::ordered_json;

// Both are read on every line; set them once at start-up (main.cc), before other threads log.
void SetLevel(Level level);
void SetFormat(Format format);
Format format();
// False for levels below the one set (default kInfo): check it before building a line.
bool Enabled(Level level);
// Writes one whole line with one write(2), so lines never mix across threads. Safe from any
// thread; a failed write is dropped.
void Write(Level level, std::string_view text);
// Writes one line for an operational event ("spawn", "state_change", "restart", "reload",
// "admin_change", ...) with its fields. The acting principal goes in a "principal" field ("gateway"
// for the gateway's own actions). In text, a "server" field becomes the "[server] " prefix of
// the text, the event's name is left out (the text says it in words) and the other fields follow
// as key=value; in JSON every field is a key (one named ts, level, msg or event is dropped).
void WriteEvent(Level level, std::string_view event, const Fields& fields, std::string_view text);

template <typename... Args>
void Debug(fmt::format_string<Args...> format, Args&&... args) {
  if (Enabled(Level::kDebug))
    Write(Level::kDebug, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void Info(fmt::format_string<Args...> format, Args&&... args) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void Warn(fmt::format_string<Args...> format, Args&&... args) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void Error(fmt::format_string<Args...> format, Args&&... args) {
  Write(Level::kError, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void Event(Level level, std::string_view event, const Fields& fields,
           fmt::format_string<Args...> format, Args&&... args) {
  if (Enabled(level)) {
    WriteEvent(level, event, fields, fmt::format(format, std::forward<Args>(args)...));
  }
}

}  // namespace mcpgw::log
