#include "protocol/json_field.h"

namespace mcpgw::protocol {
namespace {

Status WrongType(std::string_view path, std::string_view type) {
  return Status(StatusCode::kInvalidArgument,
                "Invalid params: \"" + std::string(path) + "\" must be " + std::string(type));
}

}  // namespace

const Json* FindMember(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(std::string(key));
  return found == object.end() ? nullptr : &*found;
}

std::string StringOr(const Json& object, std::string_view key, std::string fallback) {
  const Json* member = FindMember(object, key);
  return member && member->is_string() ? member->get<std::string>() : fallback;
}

Result<std::string> RequireString(const Json& object, std::string_view key, std::string_view path) {
  const Json* member = FindMember(object, key);
  if (!member || !member->is_string()) return WrongType(path, "a string");
  return member->get<std::string>();
}

Result<std::string> OptionalString(const Json& object, std::string_view key, std::string_view path,
                                   std::string fallback) {
  const Json* member = FindMember(object, key);
  if (!member) return fallback;
  if (!member->is_string()) return WrongType(path, "a string");
  return member->get<std::string>();
}

Result<Json> OptionalObject(const Json& object, std::string_view key, std::string_view path,
                            Json fallback) {
  const Json* member = FindMember(object, key);
  if (!member) return fallback;
  if (!member->is_object()) return WrongType(path, "an object");
  return *member;
}

}  // namespace mcpgw::protocol
