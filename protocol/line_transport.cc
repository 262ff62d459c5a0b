#include "protocol/line_transport.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace mcpgw::protocol {

LineTransport::LineTransport(int read_fd, int write_fd, std::size_t max_message_bytes,
                             Ownership ownership, std::size_t max_json_depth)
    : read_fd_(read_fd),
      write_fd_(write_fd),
      ownership_(ownership),
      framer_(
          max_message_bytes,
          [this, max_json_depth](std::string_view line) {
            ready_.push_back(ParseFrame(line, max_json_depth));
          },
          [this, max_message_bytes](std::string_view head, std::string_view tail) {
            Json id = FindTopLevelId(head);
            if (id.is_null()) id = FindTrailingId(tail);
            ready_.push_back(Status(StatusCode::kTooLarge,
                                    "message exceeds " + std::to_string(max_message_bytes) +
                                        " bytes",
                                    std::move(id)));
          }) {
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
}

LineTransport::~LineTransport() {
  Close();
  for (int fd : wake_pipe_) {
    if (fd >= 0) close(fd);
  }
  if (ownership_ == Ownership::kOwned) {
    if (read_fd_ >= 0) close(read_fd_);
    if (write_fd_ >= 0 && write_fd_ != read_fd_) close(write_fd_);
  }
}

bool LineTransport::ReadMore() {
  char buffer[64 * 1024];
  while (!closed_ && !stop_receiving_) {
    pollfd fds[2] = {{read_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (poll(fds, wake_pipe_[0] >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[1].revents != 0) return false;
    ssize_t n = read(read_fd_, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    framer_.Feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    return true;
  }
  return false;
}

Result<Message> LineTransport::Receive() {
  Result<Frame> frame = ReceiveFrame();
  if (!frame.ok()) return frame.status();  // a batch that failed whole fails here too
  if (frame->batch) {
    return Status(StatusCode::kInvalidMessage, "a JSON-RPC message must be a JSON object");
  }
  return std::move(frame->entries.front());
}

Result<Frame> LineTransport::ReceiveFrame() {
  while (ready_.empty()) {
    if (input_ended_ || !ReadMore()) {
      input_ended_ = true;
      return Status(StatusCode::kClosed, "end of stream");
    }
  }
  Result<Frame> next = std::move(ready_.front());
  ready_.pop_front();
  return next;
}

Status LineTransport::Send(const Message& message) { return SendLine(Serialize(message)); }

Status LineTransport::SendLine(std::string_view line) {
  std::string framed;
  framed.reserve(line.size() + 1);
  framed.append(line).push_back('\n');
  std::lock_guard lock(write_mutex_);
  if (closed_) return Status(StatusCode::kClosed, "transport closed");
  std::string_view rest = framed;
  while (!rest.empty()) {
    ssize_t n = write(write_fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status(StatusCode::kClosed, "write failed: peer closed");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

void LineTransport::Close() {
  if (closed_.exchange(true)) return;
  WakeReceiver();
}

void LineTransport::StopReceiving() {
  if (stop_receiving_.exchange(true)) return;
  WakeReceiver();
}

void LineTransport::WakeReceiver() {
  if (wake_pipe_[1] >= 0) {
    char byte = 0;
    [[maybe_unused]] ssize_t n = write(wake_pipe_[1], &byte, 1);
  }
}

}  // namespace mcpgw::protocol
