#include "upstream/offer_fetch.h"

#include "protocol/json_field.h"
#include "protocol/log.h"
#include "protocol/version.h"

#include <set>

#ifndef MCPGW_VERSION
#define MCPGW_VERSION "0.0.0"
#endif

namespace mcpgw::upstream {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

Status Malformed(std::string why) { return Status(StatusCode::kInvalidMessage, std::move(why)); }

struct ListSpec {
  ListKind kind;
  const char* method;
  const char* key;
  Json Offer::*field;
};

constexpr ListSpec kLists[] = {
    {kTools, "tools/list", "tools", &Offer::tools},
    {kPrompts, "prompts/list", "prompts", &Offer::prompts},
    {kResources, "resources/list", "resources", &Offer::resources},
    {kResources, "resources/templates/list", "resourceTemplates", &Offer::resource_templates},
};

// serverInfo is optional here (some servers leave it out), but when given its fields must have
// the types the spec gives them: a server that gets them wrong is not trusted with the rest.
Status ApplyServerInfo(const Json& result, Offer& offer) {
  const Json* info = protocol::FindMember(result, "serverInfo");
  if (info == nullptr) return Status::Ok();
  if (!info->is_object()) return Malformed("initialize result serverInfo is not an object");
  for (const char* field : {"name", "version", "title"}) {
    const Json* value = protocol::FindMember(*info, field);
    if (value != nullptr && !value->is_string()) {
      return Malformed(fmt::format("initialize result serverInfo.{} is not a string", field));
    }
  }
  offer.server_info = *info;
  return Status::Ok();
}

}  // namespace

Json InitializeParams(Json capabilities) {
  return {{"protocolVersion", std::string(protocol::kLatestSessionRevision)},
          {"capabilities", std::move(capabilities)},
          {"clientInfo", {{"name", "mcpgw"}, {"version", MCPGW_VERSION}}}};
}

Status ApplyInitializeResult(const Json& result, Offer& offer) {
  if (!result.is_object()) return Malformed("initialize result is not an object");
  const Json version = result.value("protocolVersion", Json());
  if (!version.is_string()) return Malformed("initialize result has no protocolVersion");
  if (!protocol::IsSupportedRevision(version.get<std::string>())) {
    return Malformed("server speaks unsupported protocol version " + version.get<std::string>());
  }
  const Json capabilities = result.value("capabilities", Json::object());
  if (!capabilities.is_object())
    return Malformed("initialize result capabilities is not an object");
  offer.protocol_version = version.get<std::string>();
  offer.capabilities = capabilities;
  return ApplyServerInfo(result, offer);
}

unsigned DeclaredLists(const Json& capabilities) {
  unsigned kinds = 0;
  if (capabilities.contains("tools")) kinds |= kTools;
  if (capabilities.contains("prompts")) kinds |= kPrompts;
  if (capabilities.contains("resources")) kinds |= kResources;
  return kinds;
}

unsigned ListChangedKind(std::string_view method) {
  if (method == "notifications/tools/list_changed") return kTools;
  if (method == "notifications/prompts/list_changed") return kPrompts;
  if (method == "notifications/resources/list_changed") return kResources;
  return 0;
}

Result<Json> FetchAllPages(const Requester& request, const std::string& method,
                           const std::string& key) {
  Json items = Json::array();
  std::set<std::string> seen_cursors;
  Json params = Json::object();
  for (;;) {
    Result<Json> page = request(method, params);
    if (!page.ok()) return page.status();
    if (!page->is_object() || !(*page)[key].is_array()) {
      return Malformed(method + " result has no \"" + key + "\" array");
    }
    for (Json& item : (*page)[key]) items.push_back(std::move(item));
    const Json cursor = page->value("nextCursor", Json());
    if (!cursor.is_string() || cursor.get<std::string>().empty()) return items;
    if (!seen_cursors.insert(cursor.get<std::string>()).second) {
      return Malformed(method + " repeated cursor " + cursor.get<std::string>());
    }
    params["cursor"] = cursor;
  }
}

void FetchLists(const Requester& request, const std::string& server, unsigned kinds, Offer& offer) {
  for (const ListSpec& list : kLists) {
    if ((kinds & list.kind) == 0) continue;
    Result<Json> items = FetchAllPages(request, list.method, list.key);
    if (items.ok()) {
      offer.*list.field = std::move(items).value();
    } else if (items.status().code() == StatusCode::kUnavailable) {
      // The connection ended (the upstream stopped or exited): its state change says so.
      log::Debug("[{}] {} failed: {}", server, list.method, items.status().message());
    } else {
      log::Warn("[{}] {} failed: {}", server, list.method, items.status().message());
    }
  }
}

}  // namespace mcpgw::upstream
