#include "upstream/offer_fetch.h"

#include "protocol/json_field.h"
#include "protocol/era.h"
#include "protocol/log.h"
#include "protocol/version.h"
#include "upstream/modern_envelope.h"

#include <algorithm>
#include <set>

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
  std::int64_t Offer::*ttl_ms;
};

constexpr ListSpec kLists[] = {
    {kTools, "tools/list", "tools", &Offer::tools, &Offer::tools_ttl_ms},
    {kPrompts, "prompts/list", "prompts", &Offer::prompts, &Offer::prompts_ttl_ms},
    {kResources, "resources/list", "resources", &Offer::resources, &Offer::resources_ttl_ms},
    {kResources, "resources/templates/list", "resourceTemplates", &Offer::resource_templates,
     &Offer::resource_templates_ttl_ms},
};

// serverInfo is optional here (some servers leave it out), but when given its fields must have
// the types the spec gives them: a server that gets them wrong is not trusted with the rest.
// `where` names the result for the error ("initialize result serverInfo").
Status ApplyServerInfo(const Json* info, const std::string& where, Offer& offer) {
  if (info == nullptr) return Status::Ok();
  if (!info->is_object()) return Malformed(where + " is not an object");
  for (const char* field : {"name", "version", "title"}) {
    const Json* value = protocol::FindMember(*info, field);
    if (value != nullptr && !value->is_string()) {
      return Malformed(fmt::format("{}.{} is not a string", where, field));
    }
  }
  offer.server_info = *info;
  return Status::Ok();
}

Status ApplyCapabilitiesAndInstructions(const Json& result, const std::string& what,
                                        Offer& offer) {
  const Json capabilities = result.value("capabilities", Json::object());
  if (!capabilities.is_object()) return Malformed(what + " result capabilities is not an object");
  offer.capabilities = capabilities;
  offer.instructions = protocol::StringOr(result, "instructions");
  return Status::Ok();
}

}  // namespace

Json InitializeParams(Json capabilities) {
  return {{"protocolVersion", std::string(protocol::kLatestSessionRevision)},
          {"capabilities", std::move(capabilities)},
          {"clientInfo", GatewayClientInfo()}};
}

Status ApplyInitializeResult(const Json& result, Offer& offer) {
  if (!result.is_object()) return Malformed("initialize result is not an object");
  const Json version = result.value("protocolVersion", Json());
  if (!version.is_string()) return Malformed("initialize result has no protocolVersion");
  if (!protocol::IsSupportedRevision(version.get<std::string>())) {
    return Malformed("server speaks unsupported protocol version " + version.get<std::string>());
  }
  offer.protocol_version = version.get<std::string>();
  if (Status s = ApplyCapabilitiesAndInstructions(result, "initialize", offer); !s.ok()) return s;
  return ApplyServerInfo(protocol::FindMember(result, "serverInfo"),
                         "initialize result serverInfo", offer);
}

Status ApplyDiscoverResult(const Json& result, const std::string& revision, Offer& offer) {
  if (!result.is_object()) return Malformed("server/discover result is not an object");
  if (Status s = ApplyCapabilitiesAndInstructions(result, "server/discover", offer); !s.ok()) {
    return s;
  }
  const Json* meta = protocol::FindMember(result, "_meta");
  const Json* info = meta ? protocol::FindMember(*meta, protocol::kMetaServerInfo) : nullptr;
  if (Status s = ApplyServerInfo(info, "server/discover result serverInfo", offer); !s.ok()) {
    return s;
  }
  offer.protocol_version = revision;
  offer.era = Era::kModern;
  offer.discover_ttl_ms = TtlOf(result);
  return Status::Ok();
}

std::int64_t TtlOf(const Json& result) {
  const Json* ttl = protocol::FindMember(result, "ttlMs");
  if (ttl == nullptr || !ttl->is_number_integer()) return 0;
  return std::max<std::int64_t>(0, ttl->get<std::int64_t>());
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

Result<ListPages> FetchAllPages(const Requester& request, const std::string& method,
                                const std::string& key) {
  ListPages list;
  std::set<std::string> seen_cursors;
  Json params = Json::object();
  for (bool first = true;; first = false) {
    Result<Json> page = request(method, params);
    if (!page.ok()) return page.status();
    if (!page->is_object() || !(*page)[key].is_array()) {
      return Malformed(method + " result has no \"" + key + "\" array");
    }
    for (Json& item : (*page)[key]) list.items.push_back(std::move(item));
    list.ttl_ms = first ? TtlOf(*page) : std::min(list.ttl_ms, TtlOf(*page));
    const Json cursor = page->value("nextCursor", Json());
    if (!cursor.is_string() || cursor.get<std::string>().empty()) return list;
    if (!seen_cursors.insert(cursor.get<std::string>()).second) {
      return Malformed(method + " repeated cursor " + cursor.get<std::string>());
    }
    params["cursor"] = cursor;
  }
}

void FetchLists(const Requester& request, const std::string& server, unsigned kinds, Offer& offer) {
  for (const ListSpec& list : kLists) {
    if ((kinds & list.kind) == 0) continue;
    Result<ListPages> items = FetchAllPages(request, list.method, list.key);
    if (items.ok()) {
      offer.*list.field = std::move(items->items);
      offer.*list.ttl_ms = items->ttl_ms;
    } else if (items.status().code() == StatusCode::kUnavailable) {
      // The connection ended (the upstream stopped or exited): its state change says so.
      log::Debug("[{}] {} failed: {}", server, list.method, items.status().message());
    } else {
      log::Warn("[{}] {} failed: {}", server, list.method, items.status().message());
    }
  }
}

}  // namespace mcpgw::upstream
