#include "protocol/log_line.h"

#include <fmt/chrono.h>

#include <algorithm>
#include <ctime>

namespace mcpgw::log {
namespace {

using std::chrono::system_clock;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "?";
}

std::string Dump(const Fields& value) {
  return value.dump(-1, ' ', false, Fields::error_handler_t::replace);
}

// Text keeps the message as written, but one line: a newline inside it would start a fake one.
std::string OneLine(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  for (char c : text) {
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else {
      line += c;
    }
  }
  return line;
}

// A bare word when it reads back unambiguously, else a JSON string or value.
std::string TextValue(const Fields& value) {
  if (!value.is_string()) return Dump(value);
  const auto& text = value.get_ref<const std::string&>();
  bool bare = !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f;
  });
  return bare ? text : Dump(value);
}

std::string RenderText(system_clock::time_point time, Level level, const Fields& fields,
                       std::string_view text) {
  std::string line =
      fmt::format("{:%Y-%m-%dT%H:%M:%S}Z mcpgw {}: ", fmt::gmtime(system_clock::to_time_t(time)),
                  LevelName(level));
  auto server = fields.find("server");
  if (server != fields.end()) {
    line += "[" + OneLine(server->is_string() ? server->get<std::string>() : Dump(*server)) + "] ";
  }
  line += OneLine(text);
  for (const auto& [key, value] : fields.items()) {
    if (key != "server") line += " " + key + "=" + TextValue(value);
  }
  return line + "\n";
}

std::string RenderJson(system_clock::time_point time, Level level, std::string_view event,
                       const Fields& fields, std::string_view text) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()) % 1000;
  Fields line = {{"ts", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z",
                                    fmt::gmtime(system_clock::to_time_t(time)), ms.count())},
                 {"level", LevelName(level)},
                 {"msg", text}};
  if (!event.empty()) line["event"] = event;
  for (const auto& [key, value] : fields.items()) {
    if (!line.contains(key)) line[key] = value;  // a field never overwrites ts, level, msg, event
  }
  return Dump(line) + "\n";
}

}  // namespace

std::string RenderLine(Format format, system_clock::time_point time, Level level,
                       std::string_view event, const Fields& fields, std::string_view text) {
  return format == Format::kJson ? RenderJson(time, level, event, fields, text)
                                 : RenderText(time, level, fields, text);
}

}  // namespace mcpgw::log
