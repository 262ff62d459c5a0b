#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace mcpgw::protocol {

inline constexpr std::size_t kDefaultMaxMessageBytes = 16 * 1024 * 1024;

// Splits a byte stream into newline-delimited lines (MCP stdio framing). A trailing "\r" is
// dropped and blank lines are skipped. A line longer than the limit is discarded up to its
// newline and reported once, so one oversized message never ends the stream. Not thread-safe.
class LineFramer {
 public:
  // on_line gets each complete line (valid only during the call); on_oversize is called once
  // per discarded line.
  LineFramer(std::size_t max_line_bytes, std::function<void(std::string_view)> on_line,
             std::function<void()> on_oversize);

  // Consumes a chunk of bytes, calling the callbacks for every line it completes.
  void Feed(std::string_view chunk);

 private:
  void Append(std::string_view part);

  std::size_t max_line_bytes_;
  std::function<void(std::string_view)> on_line_;
  std::function<void()> on_oversize_;
  std::string partial_;
  bool discarding_ = false;  // inside an oversized line, waiting for its newline
};

}  // namespace mcpgw::protocol
