#include "upstream/modern_envelope.h"

#include "protocol/era.h"
#include "upstream/http_support.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#ifndef MCPGW_VERSION
#define MCPGW_VERSION "0.0.0"
#endif

namespace mcpgw::upstream {
namespace {

using protocol::Json;

// Visible ASCII and inner spaces only (RFC 9110 field values, no leading or trailing blank).
bool IsPlainHeaderValue(const std::string& value) {
  if (value.empty() || value.front() == ' ' || value.back() == ' ') return value.empty();
  return std::all_of(value.begin(), value.end(),
                     [](unsigned char c) { return c >= 0x20 && c <= 0x7e; });
}

std::string HeaderValue(const std::string& value) {
  return IsPlainHeaderValue(value) ? value : "=?base64?" + Base64(value) + "?=";
}

}  // namespace

ModernEnvelope::ModernEnvelope(std::string revision, Json client_capabilities)
    : revision_(std::move(revision)), client_capabilities_(std::move(client_capabilities)) {}

Json ModernEnvelope::Stamp(Json params, const Json& client_capabilities) const {
  if (params.is_null()) params = Json::object();
  if (!params.is_object()) return params;
  Json& meta = params["_meta"];
  if (!meta.is_object()) meta = Json::object();
  meta[protocol::kMetaProtocolVersion] = revision_;
  meta[protocol::kMetaClientCapabilities] =
      client_capabilities.is_null() ? client_capabilities_ : client_capabilities;
  meta[protocol::kMetaClientInfo] = GatewayClientInfo();
  std::lock_guard lock(mutex_);
  if (!log_level_.empty()) meta[protocol::kMetaLogLevel] = log_level_;
  return params;
}

void ModernEnvelope::SetLogLevel(std::string level) {
  std::lock_guard lock(mutex_);
  log_level_ = std::move(level);
}

Json DiscoverParams(const std::string& revision, Json client_capabilities) {
  return ModernEnvelope(revision, std::move(client_capabilities)).Stamp(Json::object());
}

Json GatewayClientInfo() { return {{"name", "mcpgw"}, {"version", MCPGW_VERSION}}; }

HeaderList ModernHeaders(const protocol::Message& message) {
  std::optional<std::string> revision = protocol::DeclaredVersion(message.params);
  if (!message.is_request() || !revision || !protocol::IsModernRevision(*revision)) return {};
  HeaderList headers = {{"MCP-Protocol-Version", *revision}, {"Mcp-Method", message.method}};
  if (const char* field = protocol::NamedItemField(message.method)) {
    auto value = message.params.find(field);
    if (value != message.params.end() && value->is_string()) {
      headers.emplace_back("Mcp-Name", HeaderValue(value->get<std::string>()));
    }
  }
  return headers;
}

}  // namespace mcpgw::upstream
