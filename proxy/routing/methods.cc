#include "proxy/routing/methods.h"

#include "protocol/json_field.h"

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Result;

using Resolver = Result<Route> (Catalog::*)(std::string_view) const;

// The string member `key` of `object` (`path` names it in the error), resolved by `resolve`.
Result<Route> ResolveMember(const Catalog& catalog, Resolver resolve, const Json& object,
                            std::string_view key, std::string_view path) {
  Result<std::string> name = protocol::RequireString(object, key, path);
  if (!name.ok()) return name.status();
  return (catalog.*resolve)(*name);
}

Result<Route> ResolveCompletionRef(const Catalog& catalog, const Json& params) {
  Result<Json> ref = protocol::OptionalObject(params, "ref", "ref");
  if (!ref.ok()) return ref.status();
  Result<std::string> type = protocol::OptionalString(*ref, "type", "ref.type");
  if (!type.ok()) return type.status();
  if (*type == "ref/prompt") {
    return ResolveMember(catalog, &Catalog::ResolvePrompt, *ref, "name", "ref.name");
  }
  if (*type == "ref/resource") {
    return ResolveMember(catalog, &Catalog::ResolveResource, *ref, "uri", "ref.uri");
  }
  return protocol::Status(
      protocol::StatusCode::kInvalidArgument,
      "Invalid params: \"ref.type\" must be \"ref/prompt\" or \"ref/resource\"");
}

// The item as the caller named it: what kind of item, and its name or URI.
struct NamedItem {
  std::string_view kind;  // "tool", "prompt" or "resource"
  std::string name;
};

NamedItem ItemInParams(const RequestMethod& method, const Json& params) {
  switch (method.item) {
    case MethodItem::kTool:
      return {"tool", protocol::StringOr(params, "name")};
    case MethodItem::kPrompt:
      return {"prompt", protocol::StringOr(params, "name")};
    case MethodItem::kResource:
      return {"resource", protocol::StringOr(params, "uri")};
    case MethodItem::kCompletionRef: {
      const Json* ref = protocol::FindMember(params, "ref");
      if (ref == nullptr) return {"resource", ""};
      if (protocol::StringOr(*ref, "type") == "ref/prompt") {
        return {"prompt", protocol::StringOr(*ref, "name")};
      }
      return {"resource", protocol::StringOr(*ref, "uri")};
    }
    case MethodItem::kNone:
      break;
  }
  return {"", ""};
}

}  // namespace

const RequestMethod* FindMethod(std::string_view name) {
  for (const RequestMethod& method : kRequestMethods) {
    if (method.name == name) return &method;
  }
  return nullptr;
}

std::size_t IndexOf(const RequestMethod& method) {
  return static_cast<std::size_t>(&method - kRequestMethods);
}

protocol::Status MethodNotFound(std::string_view name) {
  return {protocol::StatusCode::kNotFound, "Method not found: " + std::string(name)};
}

Result<Route> ResolveItem(const RequestMethod& method, const Catalog& catalog, const Json& params) {
  switch (method.item) {
    case MethodItem::kTool:
      return ResolveMember(catalog, &Catalog::ResolveTool, params, "name", "name");
    case MethodItem::kPrompt:
      return ResolveMember(catalog, &Catalog::ResolvePrompt, params, "name", "name");
    case MethodItem::kResource:
      return ResolveMember(catalog, &Catalog::ResolveResource, params, "uri", "uri");
    case MethodItem::kCompletionRef:
      return ResolveCompletionRef(catalog, params);
    case MethodItem::kNone:
      break;
  }
  return MethodNotFound(method.name);
}

std::string RequestedItem(const RequestMethod& method, const Json& params) {
  return ItemInParams(method, params).name;
}

protocol::Status UnknownItem(const RequestMethod& method, const Json& params) {
  NamedItem item = ItemInParams(method, params);
  std::string message = "Unknown " + std::string(item.kind) + ": " + item.name;
  if (std::string_view(item.kind) != "resource") {
    return {protocol::StatusCode::kInvalidArgument, std::move(message)};
  }
  return {protocol::StatusCode::kInvalidArgument, std::move(message), {{"uri", item.name}}};
}

Json RewriteForUpstream(const RequestMethod& method, Json params, const std::string& name) {
  switch (method.item) {
    case MethodItem::kTool:
    case MethodItem::kPrompt:
      params["name"] = name;
      break;
    case MethodItem::kResource:
      params["uri"] = name;  // the canonical URI: the upstream reads what was decided
      break;
    case MethodItem::kCompletionRef: {
      // By the ref's type, as it resolved: a resource ref's uri becomes the canonical one even
      // when the ref also carries a name.
      protocol::Json& ref = params["ref"];
      ref[protocol::StringOr(ref, "type") == "ref/prompt" ? "name" : "uri"] = name;
      break;
    }
    case MethodItem::kNone:
      break;
  }
  return params;
}

}  // namespace mcpgw::proxy
