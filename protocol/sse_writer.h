#pragma once

#include <string>
#include <string_view>

namespace mcpgw::protocol {

// Formats one server-sent event (WHATWG HTML "event stream interpretation"), the writing side
// of SseParser: an "event:" line when `event` is not empty, an "id:" line when `id` is not
// empty, one "data:" line per line of `data` (so data with newlines still arrives whole), and
// the blank line that dispatches it. Pure; any thread.
std::string FormatSseEvent(std::string_view event, std::string_view data, std::string_view id = {});

// A priming event: an "id:" line, a "retry:" line (the milliseconds a client waits before it
// reconnects) and an empty "data:" line. It gives the client an event id to resume the stream
// from before any message was sent. Pure; any thread.
std::string FormatSsePrimingEvent(std::string_view id, long retry_ms);

// A comment line (": text"), which a client ignores; used as a keep-alive. Pure; any thread.
std::string FormatSseComment(std::string_view text);

}  // namespace mcpgw::protocol
