#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace mcpgw::upstream {

// Reads a child's stderr on its own thread and hands each line to a sink (by default the
// gateway's log, prefixed with "[server] "), so a chatty child never blocks on a full pipe.
class StderrDrain {
 public:
  using LineSink = std::function<void(std::string_view line)>;

  // Takes ownership of fd. The sink is called on the drain thread only.
  StderrDrain(int fd, LineSink sink);
  // Stops: passes on what is already buffered, then joins the thread and closes fd. Returns
  // promptly even when a grandchild still holds the pipe open.
  ~StderrDrain();
  StderrDrain(const StderrDrain&) = delete;
  StderrDrain& operator=(const StderrDrain&) = delete;

  // The sink that logs each line at info level as "[server] line".
  static LineSink LogAs(std::string server);

 private:
  void Run();
  bool ReadChunk();  // false at end of stream or on error

  int fd_;
  int wake_pipe_[2] = {-1, -1};
  LineSink sink_;
  std::string partial_;
  std::thread thread_;
};

}  // namespace mcpgw::upstream
