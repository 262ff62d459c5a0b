#pragma once

#include "protocol/log.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>

// How one log line looks, in either format (README "Logs"). Pure: no I/O, no clock.
namespace mcpgw::log {

// The whole line, ending in "\n", with no other newline in it: a newline or carriage return in
// the text or a field is escaped. `event` may be empty (a plain line); `fields`
// is an object, or null for none. Invalid UTF-8 is replaced, never thrown about.
std::string RenderLine(Format format, std::chrono::system_clock::time_point time, Level level,
                       std::string_view event, const Fields& fields, std::string_view text);

}  // namespace mcpgw::log
