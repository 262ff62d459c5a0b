// mcp_probe's stdio transport: one write(2) per request line, poll(2)-bounded reads.
#include "bench/probe_stdio.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace mcpgw::bench {
namespace {

using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

// Milliseconds left until deadline, rounded up, at least 0.
int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

Result<Message> StdioProbe::Request(const std::string& method, protocol::Json params,
                                    Clock::time_point deadline) {
  protocol::Json id = next_id_++;
  if (Status status = WriteLine(protocol::MakeRequest(id, method, std::move(params))); !status.ok())
    return status;
  while (true) {
    Result<std::string> line = ReadLine(deadline);
    if (!line.ok()) return line.status();
    Result<Message> message = protocol::ParseMessage(*line);
    if (message.ok() && message->is_response() && message->id == id) return std::move(*message);
  }
}

Status StdioProbe::Notify(const std::string& method, protocol::Json params) {
  return WriteLine(protocol::MakeNotification(method, std::move(params)));
}

Status StdioProbe::WriteLine(const Message& message) {
  std::string line = protocol::Serialize(message) + "\n";
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = write(to_child_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status(StatusCode::kClosed, "the server's stdin is closed");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> StdioProbe::ReadLine(Clock::time_point deadline) {
  std::size_t scanned = 0;
  while (true) {
    std::size_t newline = buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    scanned = buffer_.size();
    pollfd readable{from_child_, POLLIN, 0};
    int ready = poll(&readable, 1, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Status(StatusCode::kClosed, "cannot poll the server's stdout");
    if (ready == 0) return Status(StatusCode::kTimeout, "no answer in time");
    char chunk[64 * 1024];
    ssize_t n = read(from_child_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status(StatusCode::kClosed, "the server closed its stdout");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace mcpgw::bench
