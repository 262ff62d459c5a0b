#pragma once

// The config's top-level "audit" object (README "Audit log").

#include "protocol/status.h"
#include "proxy/config/config.h"

#include <filesystem>

namespace mcpgw::proxy {

// Reads "audit" of the config document into `out`: absent leaves the audit log off; present
// turns it on, writing to "file" (relative to base_dir, the config file's directory) or, without
// one, to stderr. Never throws. On failure the status is kInvalidArgument and its message starts
// with the JSON path at fault, e.g. "audit.file: must be a non-empty path". Any thread.
protocol::Status ParseAudit(const protocol::Json& doc, const EnvLookup& env,
                            const std::filesystem::path& base_dir, AuditSettings& out);

}  // namespace mcpgw::proxy
