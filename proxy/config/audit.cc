#include "proxy/config/audit.h"

#include "proxy/config/reader.h"

#include <nlohmann/json.hpp>

namespace mcpgw::proxy {
namespace {


}  // namespace

protocol::Status ParseAudit(const protocol::Json& doc, const EnvLookup& env,
                            const std::filesystem::path& base_dir, AuditSettings& out) {
  auto audit = doc.find("audit");
  if (audit == doc.end()) return protocol::Status::Ok();
  if (!audit->is_object()) return InvalidAt("audit", "must be an object");
  protocol::Status keys =
      CheckKeys(*audit, "audit", {"file", "include_arguments", "include_results"});
  if (!keys.ok()) return keys;
  FieldReader f(*audit, "audit", env);
  f.String("file", out.file, IsNonEmpty, "a non-empty path");
  f.Bool("include_arguments", out.include_arguments);
  f.Bool("include_results", out.include_results);
  if (!f.status().ok()) return f.status();
  std::filesystem::path file(out.file);
  if (!out.file.empty() && file.is_relative() && !base_dir.empty()) {
    out.file = (base_dir / file).lexically_normal().string();
  }
  out.enabled = true;
  return protocol::Status::Ok();
}

}  // namespace mcpgw::proxy
