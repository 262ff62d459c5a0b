#include "proxy/config/overlay.h"

#include "proxy/config/reader.h"

#include <fmt/format.h>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::Status;

Status ReadNames(const Json& doc, const char* key, std::set<std::string>& out) {
  auto list = doc.find(key);
  if (list == doc.end()) return Status::Ok();
  if (!list->is_array()) return InvalidAt(key, "must be an array of names");
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (!(*list)[i].is_string())
      return InvalidAt(fmt::format("{}[{}]", key, i), "must be a string");
    out.insert((*list)[i].get<std::string>());
  }
  return Status::Ok();
}

// An object whose every value passes `valid` (which names the shape in `rule`).
template <typename Value>
Status ReadObject(const Json& doc, const char* key, bool (Json::*valid)() const,
                  std::string_view rule, std::map<std::string, Value>& out) {
  auto object = doc.find(key);
  if (object == doc.end()) return Status::Ok();
  if (!object->is_object()) return InvalidAt(key, "must be an object");
  for (const auto& [name, value] : object->items()) {
    if (!(value.*valid)()) return InvalidAt(JoinPath(key, name), fmt::format("must be {}", rule));
    out.emplace(name, value.template get<Value>());
  }
  return Status::Ok();
}

}  // namespace

void ConfigOverlay::PutServer(const std::string& name, Json entry) {
  servers[name] = std::move(entry);
  removed_servers.erase(name);
  enabled.erase(name);  // the entry's own "enabled" now decides
}

void ConfigOverlay::RemoveServer(const std::string& name) {
  servers.erase(name);
  enabled.erase(name);
  removed_servers.insert(name);
}

void ConfigOverlay::SetEnabled(const std::string& name, bool on) { enabled[name] = on; }

void ConfigOverlay::PutAlias(const std::string& alias, const std::string& server) {
  aliases[alias] = server;
  removed_aliases.erase(alias);
}

void ConfigOverlay::RemoveAlias(const std::string& alias) {
  aliases.erase(alias);
  removed_aliases.insert(alias);
}

Json ApplyOverlay(Json config, const ConfigOverlay& overlay) {
  Json& servers = config["mcpServers"];
  for (const std::string& name : overlay.removed_servers) servers.erase(name);
  for (const auto& [name, entry] : overlay.servers) servers[name] = entry;
  for (const auto& [name, on] : overlay.enabled) {
    if (servers.contains(name) && servers[name].is_object()) servers[name]["enabled"] = on;
  }
  if (overlay.removed_aliases.empty() && overlay.aliases.empty()) return config;
  Json& aliases = config["aliases"];
  if (aliases.is_null()) aliases = Json::object();
  if (!aliases.is_object()) return config;  // ParseConfig reports it
  for (const std::string& alias : overlay.removed_aliases) aliases.erase(alias);
  for (const auto& [alias, server] : overlay.aliases) aliases[alias] = server;
  return config;
}

Json OverlayToJson(const ConfigOverlay& overlay) {
  return {{"servers", overlay.servers},
          {"removed_servers", overlay.removed_servers},
          {"enabled", overlay.enabled},
          {"aliases", overlay.aliases},
          {"removed_aliases", overlay.removed_aliases}};
}

Result<ConfigOverlay> ParseOverlay(const Json& doc) {
  if (!doc.is_object()) return InvalidAt("state", "must be a JSON object");
  if (Status s = CheckKeys(doc, "",
                           {"servers", "removed_servers", "enabled", "aliases", "removed_aliases"});
      !s.ok()) {
    return s;
  }
  ConfigOverlay overlay;
  for (Status s : {ReadObject(doc, "servers", &Json::is_object, "an object", overlay.servers),
                   ReadNames(doc, "removed_servers", overlay.removed_servers),
                   ReadObject(doc, "enabled", &Json::is_boolean, "true or false", overlay.enabled),
                   ReadObject(doc, "aliases", &Json::is_string, "a string", overlay.aliases),
                   ReadNames(doc, "removed_aliases", overlay.removed_aliases)}) {
    if (!s.ok()) return s;
  }
  return overlay;
}

}  // namespace mcpgw::proxy
