// The bench upstream on stdin/stdout: reads with read(2), answers with one write(2) per line.
#include "bench/upstream_stdio.h"

#include "protocol/json_rpc.h"
#include "protocol/line_framer.h"

#include <unistd.h>

#include <cerrno>

namespace mcpgw::bench {
namespace {

// Writes all of text to fd; false when the fd is closed or broken.
bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int ServeStdio(const UpstreamReplies& replies) {
  bool out_open = true;
  auto reply = [&](std::string line) {
    line += '\n';
    out_open = out_open && WriteAll(STDOUT_FILENO, line);
  };
  protocol::LineFramer framer(
      protocol::kDefaultMaxMessageBytes,
      [&](std::string_view frame) {
        if (std::optional<std::string> answer = replies.Answer(frame)) reply(std::move(*answer));
      },
      [&](std::string_view, std::string_view) {
        reply(protocol::Serialize(protocol::ReplyToUnreadableFrame(
            {protocol::StatusCode::kTooLarge, "message too large"})));
      });
  char buffer[64 * 1024];
  while (out_open) {
    ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n == 0 ? 0 : 1;
    framer.Feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
  return 1;
}

}  // namespace mcpgw::bench
