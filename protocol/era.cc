#include "protocol/era.h"

#include "protocol/version.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace mcpgw::protocol {

std::optional<std::string> DeclaredVersion(const Json& params) {
  if (!params.is_object()) return std::nullopt;
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return std::nullopt;
  auto version = meta->find(kMetaProtocolVersion);
  if (version == meta->end() || !version->is_string()) return std::nullopt;
  return version->get<std::string>();
}

bool IsModernRefusal(int code) {
  return code == kHeaderMismatch || code == kMissingRequiredClientCapability ||
         code == kUnsupportedProtocolVersion;
}

const char* NamedItemField(std::string_view method) {
  if (method == "tools/call" || method == "prompts/get") return "name";
  if (method == "resources/read") return "uri";
  return nullptr;
}

bool IsModernRevision(std::string_view revision) {
  return revision >= "2026-07-28";
}

bool ServesModernRevision(std::string_view revision) {
  return std::find(kModernRevisions.begin(), kModernRevisions.end(), revision) !=
         kModernRevisions.end();
}

Json SupportedRevisions() {
  Json supported = Json::array();
  for (std::string_view revision : kModernRevisions) supported.push_back(revision);
  for (auto legacy = kSessionRevisions.rbegin(); legacy != kSessionRevisions.rend(); ++legacy) {
    supported.push_back(*legacy);
  }
  return supported;
}

}  // namespace mcpgw::protocol
