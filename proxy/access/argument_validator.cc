#include "proxy/access/argument_validator.h"

#include "protocol/json_field.h"
#include "protocol/log.h"

namespace mcpgw::proxy {
namespace {

using protocol::Json;

Json InvalidArgumentsResult(const std::string& tool,
                            const std::vector<SchemaViolation>& violations) {
  std::string text = "Invalid arguments for tool " + tool + ":";
  for (const SchemaViolation& violation : violations) {
    text += "\n- " + violation.path + ": " + violation.message;
  }
  return {{"content", Json::array({{{"type", "text"}, {"text", std::move(text)}}})},
          {"isError", true}};
}

}  // namespace

std::shared_ptr<const ArgumentValidator::Entry> ArgumentValidator::EntryFor(
    const Json& schema, const std::string& tool, const Tools* previous) const {
  if (previous != nullptr) {
    auto found = previous->find(tool);
    if (found != previous->end() && found->second->schema == schema) return found->second;
  }
  auto entry = std::make_shared<Entry>();
  entry->schema = schema;
  return entry;
}

const JsonSchema* ArgumentValidator::Compiled(const std::string& server, const std::string& tool,
                                              const Entry& entry) const {
  std::call_once(entry.compile_once, [&] {
    ++compilations_;
    std::vector<std::string> notes;
    auto compiled = JsonSchema::Compile(entry.schema, notes);
    for (const std::string& note : notes) log::Debug("[{}] tool '{}': {}", server, tool, note);
    if (compiled.ok()) {
      entry.compiled = *std::move(compiled);
    } else {
      log::Warn("[{}] tool '{}': arguments not validated: {}", server, tool,
                compiled.status().message());
    }
  });
  return entry.compiled.get();
}

void ArgumentValidator::Update(const std::string& server, const upstream::Offer* offer) {
  std::lock_guard update_lock(update_mutex_);
  std::shared_ptr<const Tools> previous;
  {
    std::lock_guard lock(mutex_);
    if (auto found = servers_.find(server); found != servers_.end()) previous = found->second;
  }
  auto next = std::make_shared<Tools>();
  if (offer != nullptr && offer->tools.is_array()) {
    for (const Json& tool : offer->tools) {
      if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
      if (!tool.contains("inputSchema")) continue;
      const std::string name = tool["name"].get<std::string>();
      (*next)[name] = EntryFor(tool["inputSchema"], name, previous.get());
    }
  }
  std::lock_guard lock(mutex_);
  servers_[server] = std::move(next);
}

std::vector<SchemaViolation> ArgumentValidator::Check(const std::string& server,
                                                      const std::string& tool,
                                                      const Json& arguments) const {
  std::shared_ptr<const Tools> tools;
  {
    std::lock_guard lock(mutex_);
    if (auto found = servers_.find(server); found != servers_.end()) tools = found->second;
  }
  if (tools == nullptr) return {};
  auto entry = tools->find(tool);
  if (entry == tools->end()) return {};
  const JsonSchema* schema = Compiled(server, tool, *entry->second);
  if (schema == nullptr) return {};
  std::vector<SchemaViolation> violations = schema->Validate(arguments);
  for (SchemaViolation& violation : violations) violation.path = "/arguments" + violation.path;
  return violations;
}

std::optional<Json> ArgumentValidator::Reject(const Route& route, const Json& params) const {
  // By reference: Json::value() would copy the arguments of every call.
  static const Json kNoArguments = Json::object();
  auto arguments = params.find("arguments");
  auto violations =
      Check(route.server, route.name, arguments != params.end() ? *arguments : kNoArguments);
  if (violations.empty()) return std::nullopt;
  return InvalidArgumentsResult(protocol::StringOr(params, "name", route.name), violations);
}

}  // namespace mcpgw::proxy
