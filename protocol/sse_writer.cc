#include "protocol/sse_writer.h"

namespace mcpgw::protocol {
namespace {

// Field values end at a line break; a stray CR or LF in event or id would split the field.
std::string OneLine(std::string_view value) {
  std::string line(value);
  for (char& c : line) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return line;
}

}  // namespace

std::string FormatSseEvent(std::string_view event, std::string_view data, std::string_view id) {
  std::string out;
  if (!event.empty()) out += "event: " + OneLine(event) + "\n";
  if (!id.empty()) out += "id: " + OneLine(id) + "\n";
  std::size_t start = 0;
  while (true) {
    std::size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out += data.substr(start, end == std::string_view::npos ? end : end - start);
    out += "\n";
    if (end == std::string_view::npos) break;
    start = end + (data.substr(end, 2) == "\r\n" ? 2 : 1);
  }
  return out + "\n";
}

std::string FormatSsePrimingEvent(std::string_view id, long retry_ms) {
  return "id: " + OneLine(id) + "\nretry: " + std::to_string(retry_ms) + "\ndata: \n\n";
}

std::string FormatSseComment(std::string_view text) { return ": " + OneLine(text) + "\n\n"; }

}  // namespace mcpgw::protocol
