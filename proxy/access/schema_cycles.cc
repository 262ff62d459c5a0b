#include "proxy/access/schema_cycles.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <map>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;

// "%2F" and the like in a URI fragment; nullopt for a malformed escape.
std::optional<std::string> PercentDecoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int value = 0;
    for (char c : text.substr(i + 1, 2)) {
      int digit = std::isxdigit(static_cast<unsigned char>(c)) == 0 ? -1
                  : c <= '9'                                         ? c - '0'
                                                                     : (c | 0x20) - 'a' + 10;
      if (digit < 0) return std::nullopt;
      value = value * 16 + digit;
    }
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

// The node a local $ref names, or null when it names none.
const Json* RefTarget(const Json& root, const std::string& ref) {
  if (ref.empty() || ref[0] != '#') return nullptr;
  std::optional<std::string> pointer = PercentDecoded(std::string_view(ref).substr(1));
  if (!pointer) return nullptr;
  try {  // the third-party edge: nlohmann reports a malformed or missing pointer by throwing
    return &root.at(Json::json_pointer(*pointer));
  } catch (const std::exception&) {
    return nullptr;
  }
}

// The subschemas that apply to the same value as `node`.
std::vector<const Json*> SameValueChildren(const Json& root, const Json& node) {
  std::vector<const Json*> children;
  if (!node.is_object()) return children;
  if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
    if (const Json* target = RefTarget(root, ref->get<std::string>())) children.push_back(target);
    return children;  // draft-07: the keywords beside a $ref are not applied
  }
  for (const char* key : {"allOf", "anyOf", "oneOf"}) {
    if (auto list = node.find(key); list != node.end() && list->is_array()) {
      for (const Json& item : *list) children.push_back(&item);
    }
  }
  for (const char* key : {"not", "if", "then", "else"}) {
    if (auto child = node.find(key); child != node.end()) children.push_back(&*child);
  }
  if (auto dependencies = node.find("dependencies");
      dependencies != node.end() && dependencies->is_object()) {
    for (const Json& dependency : *dependencies) {
      if (!dependency.is_array()) children.push_back(&dependency);
    }
  }
  return children;
}

// Every object in the document, each a possible subschema.
std::vector<const Json*> AllObjects(const Json& root) {
  std::vector<const Json*> objects;
  std::vector<const Json*> pending{&root};
  while (!pending.empty()) {
    const Json* node = pending.back();
    pending.pop_back();
    if (node->is_object()) objects.push_back(node);
    if (node->is_structured()) {
      for (const Json& child : *node) pending.push_back(&child);
    }
  }
  return objects;
}

}  // namespace

std::optional<std::string> FindSameValueLoop(const Json& schema) {
  enum class Mark { kOnPath, kDone };
  std::map<const Json*, Mark> marks;
  for (const Json* start : AllObjects(schema)) {
    if (marks.contains(start)) continue;
    // Depth-first over same-value edges, with an explicit stack of (node, its children, next).
    struct Frame {
      const Json* node;
      std::vector<const Json*> children;
      std::size_t next = 0;
    };
    std::vector<Frame> stack{{start, SameValueChildren(schema, *start)}};
    marks[start] = Mark::kOnPath;
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next == top.children.size()) {
        marks[top.node] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      const Json* child = top.children[top.next++];
      auto mark = marks.find(child);
      if (mark != marks.end() && mark->second == Mark::kOnPath) {
        auto ref = top.node->is_object() ? top.node->find("$ref") : top.node->end();
        return ref != top.node->end() && ref->is_string() ? ref->get<std::string>()
                                                          : std::string("a subschema");
      }
      if (mark != marks.end()) continue;
      marks[child] = Mark::kOnPath;
      stack.push_back({child, SameValueChildren(schema, *child)});
    }
  }
  return std::nullopt;
}

}  // namespace mcpgw::proxy
