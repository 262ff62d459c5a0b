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
  // The most of a discarded line's start and end kept for its report (where its id may be).
  static constexpr std::size_t kKeptBytes = 4096;
  using OversizeHandler = std::function<void(std::string_view head, std::string_view tail)>;

  // on_line gets each complete line (valid only during the call); on_oversize is called once
  // per discarded line, when its newline arrives, with up to kKeptBytes of its start and end.
  LineFramer(std::size_t max_line_bytes, std::function<void(std::string_view)> on_line,
             OversizeHandler on_oversize);

  // Consumes a chunk of bytes, calling the callbacks for every line it completes.
  void Feed(std::string_view chunk);

 private:
  void Append(std::string_view part);
  void Deliver(std::string_view line);
  void StartDiscarding(std::string_view part);
  void KeepTail(std::string_view part);
  void EndDiscarding();

  std::size_t max_line_bytes_;
  std::function<void(std::string_view)> on_line_;
  OversizeHandler on_oversize_;
  std::string partial_;
  bool discarding_ = false;  // inside an oversized line, waiting for its newline
  std::string head_;         // the oversized line's start and end, while discarding
  std::string tail_;
};

}  // namespace mcpgw::protocol
