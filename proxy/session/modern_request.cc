#include "proxy/session/modern_request.h"

#include "protocol/era.h"
#include "proxy/session/log_levels.h"

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Status;
using protocol::StatusCode;

namespace {

constexpr int kInvalidParams = -32602;

Json ServerInfo() { return {{"name", "mcpgw"}, {"version", MCPGW_VERSION}}; }

Status Malformed(const std::string& what) {
  return ModernError(kInvalidParams, "Invalid params: _meta." + what);
}

}  // namespace

Status ModernError(int code, std::string message, Json data) {
  Json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return Status(StatusCode::kRemote, std::move(message), std::move(error));
}

protocol::Result<ModernRequest> ReadModernRequest(const Json& params) {
  std::optional<std::string> version = protocol::DeclaredVersion(params);
  if (!version) return Malformed(std::string(protocol::kMetaProtocolVersion) + " is required");
  const Json& meta = params["_meta"];
  ModernRequest request;
  request.version = *std::move(version);
  if (!protocol::ServesModernRevision(request.version)) {
    return ModernError(protocol::kUnsupportedProtocolVersion, "Unsupported protocol version",
                       {{"supported", protocol::SupportedRevisions()},
                        {"requested", request.version}});
  }
  auto capabilities = meta.find(protocol::kMetaClientCapabilities);
  if (capabilities == meta.end() || !capabilities->is_object()) {
    return Malformed(std::string(protocol::kMetaClientCapabilities) + " must be an object");
  }
  request.client_capabilities = *capabilities;
  if (auto info = meta.find(protocol::kMetaClientInfo); info != meta.end()) {
    if (!info->is_object()) {
      return Malformed(std::string(protocol::kMetaClientInfo) + " must be an object");
    }
    request.client_info = *info;
  }
  if (auto level = meta.find(protocol::kMetaLogLevel); level != meta.end()) {
    if (!level->is_string() || !LogLevelRank(level->get<std::string>())) {
      return Malformed(std::string(protocol::kMetaLogLevel) + " must be one of " +
                       kLogLevelChoices);
    }
    request.log_level = level->get<std::string>();
  }
  return request;
}

void StripClientMeta(Json& params) {
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return;
  for (const char* key : {protocol::kMetaProtocolVersion, protocol::kMetaClientCapabilities,
                          protocol::kMetaClientInfo}) {
    meta->erase(key);
  }
  if (meta->empty()) params.erase(meta);
}

void MarkModernResult(Json& result) {
  if (!result.is_object()) return;
  if (!result.contains("resultType")) result["resultType"] = "complete";
  Json& meta = result["_meta"];
  if (!meta.is_object()) meta = Json::object();
  meta[protocol::kMetaServerInfo] = ServerInfo();
}

std::string MarkModernResultText(const std::string& object_text) {
  Json fields = Json::object();
  fields["resultType"] = "complete";
  fields["_meta"] = {{protocol::kMetaServerInfo, ServerInfo()}};
  std::string text = fields.dump();  // {"_meta":{...},"resultType":"complete"}
  if (object_text == "{}") return text;
  text.back() = ',';
  return text + object_text.substr(1);
}

}  // namespace mcpgw::proxy
