#include "proxy/schema_compat.h"

#include <array>
#include <regex>
#include <string_view>

namespace mcpgw::proxy {
namespace {

using protocol::Json;

constexpr std::array<std::string_view, 4> kDataKeywords = {"enum", "const", "default", "examples"};

bool IsData(std::string_view key) {
  for (std::string_view data : kDataKeywords) {
    if (key == data) return true;
  }
  return false;
}

bool IsRemoteRef(const Json& schema) {
  auto ref = schema.find("$ref");
  return ref != schema.end() && ref->is_string() && !ref->get<std::string>().starts_with('#');
}

bool CompilesAsRegex(const std::string& pattern) {
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
    return true;
  } catch (const std::regex_error&) {  // the third-party edge: std::regex reports by throwing
    return false;
  }
}

void TranslatePrefixItems(Json& schema) {
  auto prefix = schema.find("prefixItems");
  if (prefix == schema.end()) return;
  Json items = std::move(*prefix);
  schema.erase("prefixItems");
  if (schema.contains("items")) schema["additionalItems"] = std::move(schema["items"]);
  schema["items"] = std::move(items);
}

void TranslateDependents(Json& schema) {
  for (const char* keyword : {"dependentRequired", "dependentSchemas"}) {
    auto found = schema.find(keyword);
    if (found == schema.end() || !found->is_object()) continue;
    for (auto& [name, dependency] : found->items()) schema["dependencies"][name] = dependency;
    schema.erase(keyword);
  }
}

void DropBadPattern(Json& schema, std::vector<std::string>& notes) {
  auto pattern = schema.find("pattern");
  if (pattern == schema.end() || !pattern->is_string()) return;
  if (CompilesAsRegex(pattern->get<std::string>())) return;
  notes.push_back("pattern not checked (std::regex cannot compile it): " + pattern->dump());
  schema.erase("pattern");
}

void DropRegexes(Json& schema) {
  schema.erase("pattern");
  schema.erase("format");
  if (schema.erase("patternProperties") > 0) schema.erase("additionalProperties");
}

void Rewrite(Json& node, std::vector<std::string>& notes, Regexes regexes) {
  if (node.is_array()) {
    for (Json& element : node) Rewrite(element, notes, regexes);
    return;
  }
  if (!node.is_object()) return;
  if (IsRemoteRef(node)) {
    notes.push_back("remote $ref not followed: " + node["$ref"].dump());
    node = true;
    return;
  }
  TranslatePrefixItems(node);
  TranslateDependents(node);
  DropBadPattern(node, notes);
  if (regexes == Regexes::kDrop) DropRegexes(node);
  for (auto& [key, value] : node.items()) {
    if (!IsData(key)) Rewrite(value, notes, regexes);
  }
}

}  // namespace

Json ToDraft7(const Json& schema, std::vector<std::string>& notes, Regexes regexes) {
  Json copy = schema;
  Rewrite(copy, notes, regexes);
  return copy;
}

}  // namespace mcpgw::proxy
