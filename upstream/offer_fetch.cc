#include "upstream/offer_fetch.h"

#include "protocol/log.h"
#include "protocol/version.h"

#include <set>

#ifndef MCPGW_VERSION
#define MCPGW_VERSION "0.0.0"
#endif

namespace mcpgw::upstream {
namespace {

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

}  // namespace

Json InitializeParams() {
  return {{"protocolVersion", std::string(protocol::kLatestSessionRevision)},
          {"capabilities", Json::object()},
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
  const Json server_info = result.value("serverInfo", Json::object());
  offer.server_info = server_info.is_object() ? server_info : Json::object();
  return Status::Ok();
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
