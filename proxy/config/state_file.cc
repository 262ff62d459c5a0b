#include "proxy/config/state_file.h"

#include "proxy/config/reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mcpgw::proxy {
namespace {

using protocol::Status;
using protocol::StatusCode;

Status Failed(const std::string& step, const std::string& path) {
  return Status(StatusCode::kInternal,
                fmt::format("cannot {} {}: {}", step, path, std::strerror(errno)));
}

// Writes all of text to fd, retrying short writes.
bool WriteAll(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

Status SyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Failed("open directory", dir);
  int synced = fsync(fd);
  close(fd);
  return synced == 0 ? Status::Ok() : Failed("fsync directory", dir);
}

}  // namespace

std::string StatePathFor(const std::string& config_path) { return config_path + ".state.json"; }

protocol::Result<ConfigOverlay> ReadStateFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    if (errno == ENOENT) return ConfigOverlay{};
    return InvalidAt(path, fmt::format("cannot read: {}", std::strerror(errno)));
  }
  std::stringstream text;
  text << file.rdbuf();
  protocol::Result<protocol::Json> doc = ParseJsonText(text.str());
  if (!doc.ok()) return InvalidAt(path, doc.status().message());
  protocol::Result<ConfigOverlay> overlay = ParseOverlay(*doc);
  if (!overlay.ok()) return InvalidAt(path, overlay.status().message());
  return overlay;
}

Status WriteStateFile(const std::string& path, const ConfigOverlay& overlay) {
  std::filesystem::path target(path);
  std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  std::string temp = path + ".tmp.XXXXXX";
  int fd = mkstemp(temp.data());  // mode 0600
  if (fd < 0) return Failed("create", temp);
  bool written = WriteAll(fd, OverlayToJson(overlay).dump(2) + "\n") && fsync(fd) == 0;
  Status status = written ? Status::Ok() : Failed("write", temp);
  if (close(fd) != 0 && status.ok()) status = Failed("close", temp);
  if (status.ok() && rename(temp.c_str(), path.c_str()) != 0) status = Failed("rename to", path);
  if (!status.ok()) {
    unlink(temp.c_str());
    return status;
  }
  return SyncDirectory(dir);
}

}  // namespace mcpgw::proxy
