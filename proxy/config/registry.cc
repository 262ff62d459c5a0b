#include "proxy/config/registry.h"

#include "protocol/log.h"
#include "proxy/config/reader.h"
#include "proxy/config/state_file.h"

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::Status;

std::filesystem::path BaseDir(const std::string& config_path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(config_path, error);
  return (error ? std::filesystem::path(config_path) : absolute).parent_path();
}

Result<Json> ReadConfigDocument(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return Status(protocol::StatusCode::kInvalidArgument,
                  fmt::format("cannot read config {}: {}", path, std::strerror(errno)));
  }
  std::stringstream text;
  text << file.rdbuf();
  return ParseJsonText(text.str());
}

// Validates file + overlay as one config. A file that is not an object with an object
// "mcpServers" gets the overlay only once ParseConfig is happy with its shape.
Result<Config> Compose(const Json& file, const ConfigOverlay& overlay, const EnvLookup& env,
                       const std::filesystem::path& base_dir) {
  bool applicable =
      file.is_object() && file.contains("mcpServers") && file["mcpServers"].is_object();
  Json doc = applicable ? ApplyOverlay(file, overlay) : file;
  return ParseConfig(doc.dump(), env, base_dir);
}

// The file without the parts a reload applies live.
Json RestartOnlyParts(Json file) {
  if (file.is_object()) {
    file.erase("mcpServers");
    file.erase("aliases");
  }
  return file;
}

}  // namespace

Result<LayeredConfig> LoadLayeredConfig(const std::string& config_path, const EnvLookup& env) {
  Result<Json> file = ReadConfigDocument(config_path);
  if (!file.ok()) return file.status();
  Result<ConfigOverlay> overlay = ReadStateFile(StatePathFor(config_path));
  if (!overlay.ok()) return overlay.status();
  Result<Config> config = Compose(*file, *overlay, env, BaseDir(config_path));
  if (!config.ok()) return config.status();
  return LayeredConfig{*std::move(file), *std::move(overlay), *std::move(config)};
}

Registry::Registry(Target& target, std::string config_path, LayeredConfig loaded, EnvLookup env)
    : target_(target),
      config_path_(std::move(config_path)),
      state_path_(StatePathFor(config_path_)),
      env_(std::move(env)),
      started_with_(loaded.file),
      file_(std::move(loaded.file)),
      overlay_(std::move(loaded.overlay)) {}

Status Registry::Change(const std::string& who, const std::string& what, const Edit& edit) {
  std::lock_guard lock(mutex_);
  ConfigOverlay next = overlay_;
  if (Status edited = edit(target_.Servers(), next); !edited.ok()) return edited;
  Result<Config> config = Compose(file_, next, env_, BaseDir(config_path_));
  if (!config.ok()) return config.status();
  if (Status written = WriteStateFile(state_path_, next); !written.ok()) return written;
  overlay_ = std::move(next);
  target_.Apply(*config);
  log::Event(log::Level::kInfo, "admin_change", {{"principal", who}, {"change", what}},
             "admin: {} {}", who, what);
  return Status::Ok();
}

Status Registry::Reload(const std::string& who) {
  std::lock_guard lock(mutex_);
  Result<LayeredConfig> loaded = LoadLayeredConfig(config_path_, env_);
  if (!loaded.ok()) {
    log::Event(log::Level::kError, "reload",
               {{"principal", who}, {"outcome", "rejected"}, {"error", loaded.status().message()}},
               "reload by {} rejected, keeping the running config: {}", who,
               loaded.status().message());
    return loaded.status();
  }
  if (RestartOnlyParts(loaded->file) != RestartOnlyParts(started_with_)) {
    log::Warn(
        "reload: settings outside mcpServers and aliases (gateway, keys, policies, "
        "permissions, audit) changed; they take effect after a restart");
  }
  file_ = std::move(loaded->file);
  overlay_ = std::move(loaded->overlay);
  upstream::ServerDiff diff = target_.Apply(loaded->config);
  log::Event(log::Level::kInfo, "reload",
             {{"principal", who},
              {"outcome", "applied"},
              {"added", diff.added},
              {"changed", diff.changed},
              {"removed", diff.removed},
              {"unchanged", diff.unchanged.size()}},
             "reload by {}: added [{}], changed [{}], removed [{}], {} unchanged", who,
             fmt::join(diff.added, ", "), fmt::join(diff.changed, ", "),
             fmt::join(diff.removed, ", "), diff.unchanged.size());
  return Status::Ok();
}

}  // namespace mcpgw::proxy
