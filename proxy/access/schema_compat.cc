#include "proxy/access/schema_compat.h"

#include "proxy/access/regex_keywords.h"

#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

namespace mcpgw::proxy {
namespace {

using protocol::Json;

constexpr char kRootCopy[] = "x-mcpgw-root";

constexpr std::array<std::string_view, 4> kDataKeywords = {"enum", "const", "default", "examples"};

// Keywords whose value maps names to schemas: their keys are names, never keywords.
constexpr std::array<std::string_view, 5> kSchemaMaps = {"properties", "patternProperties",
                                                         "definitions", "$defs", "dependencies"};

bool IsSchemaMap(std::string_view key) {
  for (std::string_view map : kSchemaMaps) {
    if (key == map) return true;
  }
  return false;
}

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

// A schema's own keywords that look like ours are not trusted: they would skip the checks below.
void StripPrivateKeywords(Json& schema) {
  for (const char* keyword :
       {kPatternKeyword, kFormatKeyword, kPatternPropertiesKeyword, kSubschemasKeyword, kRootCopy}) {
    schema.erase(keyword);
  }
}

void RewritePattern(Json& schema, std::vector<std::string>& notes) {
  auto pattern = schema.find("pattern");
  if (pattern == schema.end() || !pattern->is_string()) return;  // not a string: valijson says so
  if (CompileRegex(pattern->get<std::string>()) != nullptr) {
    schema[kPatternKeyword] = *pattern;
  } else {
    notes.push_back("pattern not checked (RE2 cannot compile it): " + pattern->dump());
  }
  schema.erase("pattern");
}

void RewriteFormat(Json& schema) {
  auto format = schema.find("format");
  if (format == schema.end() || !format->is_string()) return;
  if (IsCheckedFormat(format->get<std::string>())) schema[kFormatKeyword] = *format;
  schema.erase("format");  // other formats are annotations only
}

// patternProperties (and the additionalProperties beside it, whose reach depends on them) become
// kPatternPropertiesKeyword, their subschemas entries of subschemas.
void RewritePatternProperties(Json& schema, std::vector<std::string>& notes, Json& subschemas) {
  auto patterns = schema.find("patternProperties");
  if (patterns == schema.end() || !patterns->is_object()) return;
  Json spec = {{"patterns", Json::array()}, {"known", Json::array()}};
  bool all_compiled = true;
  for (auto& [regex, subschema] : patterns->items()) {
    if (CompileRegex(regex) == nullptr) {
      notes.push_back("patternProperties entry not checked (RE2 cannot compile it): " + regex);
      all_compiled = false;
      continue;
    }
    spec["patterns"].push_back({regex, subschemas.size()});
    subschemas.push_back(std::move(subschema));
  }
  if (auto properties = schema.find("properties"); properties != schema.end() &&
                                                   properties->is_object()) {
    for (const auto& [name, unused] : properties->items()) spec["known"].push_back(name);
  }
  if (auto additional = schema.find("additionalProperties"); additional != schema.end()) {
    if (all_compiled) {
      spec["additional"] = subschemas.size();
      subschemas.push_back(std::move(*additional));
    } else {  // which names a pattern RE2 cannot read would cover is unknown
      notes.push_back("additionalProperties not checked beside an unchecked patternProperties");
    }
  }
  schema.erase("patternProperties");
  schema.erase("additionalProperties");
  schema[kPatternPropertiesKeyword] = std::move(spec);
}

void Rewrite(Json& node, std::vector<std::string>& notes, Json& subschemas) {
  if (node.is_array()) {
    for (Json& element : node) Rewrite(element, notes, subschemas);
    return;
  }
  if (!node.is_object()) return;
  if (IsRemoteRef(node)) {
    notes.push_back("remote $ref not followed: " + node["$ref"].dump());
    node = true;
    return;
  }
  StripPrivateKeywords(node);
  TranslatePrefixItems(node);
  TranslateDependents(node);
  RewritePattern(node, notes);
  RewriteFormat(node);
  for (auto& [key, value] : node.items()) {
    if (IsSchemaMap(key) && value.is_object()) {
      for (auto& [name, schema] : value.items()) Rewrite(schema, notes, subschemas);
    } else if (!IsData(key)) {
      Rewrite(value, notes, subschemas);
    }
  }
  RewritePatternProperties(node, notes, subschemas);
}

// Points every "$ref": "#" at kRootCopy; false when there was none.
bool RedirectRootRefs(Json& node) {
  bool found = false;
  if (node.is_array()) {
    for (Json& element : node) found = RedirectRootRefs(element) || found;
  }
  if (!node.is_object()) return found;
  if (auto ref = node.find("$ref"); ref != node.end() && *ref == "#") {
    *ref = std::string("#/") + kRootCopy;
    found = true;
  }
  for (auto& [key, value] : node.items()) {
    if (!IsData(key)) found = RedirectRootRefs(value) || found;
  }
  return found;
}

// Each subschema is compiled from the document entered by a "$ref" added at its root (see
// ParseWithRegexKeywords), where "#" would then mean that entry: "#" refs go to a copy of the root.
void AddSubschemas(Json& root, Json subschemas) {
  if (subschemas.empty() || !root.is_object()) return;
  root[kSubschemasKeyword] = std::move(subschemas);
  if (!RedirectRootRefs(root)) return;
  Json copy = root;
  copy.erase(kSubschemasKeyword);
  root[kRootCopy] = std::move(copy);
}

}  // namespace

Json ToDraft7(const Json& schema, std::vector<std::string>& notes) {
  Json copy = schema;
  Json subschemas = Json::array();
  Rewrite(copy, notes, subschemas);
  AddSubschemas(copy, std::move(subschemas));
  return copy;
}

}  // namespace mcpgw::proxy
