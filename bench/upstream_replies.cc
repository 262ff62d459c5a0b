// The bench upstream's answers: pre-serialized results with the request id spliced in.
#include "bench/upstream_replies.h"

#include "protocol/era.h"
#include "protocol/json_rpc.h"

#include <fmt/format.h>

namespace mcpgw::bench {
namespace {

using protocol::Json;
using protocol::Message;
namespace error_code = protocol::error_code;

constexpr const char* kLatestVersion = "2025-11-25";
constexpr const char* kVersions[] = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"};

std::string SpliceResult(const Json& id, const std::string& result) {
  std::string line = R"({"jsonrpc":"2.0","id":)";
  line += id.dump();
  line += R"(,"result":)";
  line += result;
  line += '}';
  return line;
}

std::string ErrorLine(const Json& id, int code, std::string text) {
  return protocol::Serialize(protocol::MakeError(id, {code, std::move(text), nullptr}));
}

// params[key] when params is an object holding a string there, else "".
std::string StringParam(const Json& params, const char* key) {
  if (!params.is_object()) return "";
  auto it = params.find(key);
  return it != params.end() && it->is_string() ? it->get<std::string>() : "";
}

Json ToolList(int tools) {
  Json list = Json::array();
  for (int i = 0; i < tools; ++i) {
    list.push_back(
        {{"name", fmt::format("t{}", i)},
         {"description", fmt::format("Bench tool {}: answers ok.", i)},
         {"inputSchema", {{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}}}});
  }
  return {{"tools", std::move(list)}};
}

}  // namespace

UpstreamReplies::UpstreamReplies(int tools) {
  for (const char* version : kVersions) {
    initialize_[version] = Json{{"protocolVersion", version},
                                {"capabilities", {{"tools", Json::object()}}},
                                {"serverInfo", {{"name", "bench_upstream"}, {"version", "1"}}}}
                               .dump();
  }
  for (int i = 0; i < tools; ++i) tools_.insert(fmt::format("t{}", i));
  Json list = ToolList(tools);
  Json call = {{"content", {{{"type", "text"}, {"text", "ok"}}}}};
  list_ = list.dump();
  call_ = call.dump();
  list["resultType"] = call["resultType"] = "complete";
  modern_list_ = list.dump();
  modern_call_ = call.dump();
  Json discover = {{"resultType", "complete"},
                   {"supportedVersions", {protocol::kLatestModernRevision, kLatestVersion}},
                   {"capabilities", {{"tools", Json::object()}}},
                   {"_meta", {{protocol::kMetaServerInfo, {{"name", "bench_upstream"}, {"version", "1"}}}}}};
  discover_ = discover.dump();
}

std::string UpstreamReplies::InitializeResult(const std::string& client_version) const {
  auto it = initialize_.find(client_version);
  return it != initialize_.end() ? it->second : initialize_.at(kLatestVersion);
}

std::optional<std::string> UpstreamReplies::Answer(std::string_view frame) const {
  protocol::Result<Message> parsed = protocol::ParseMessage(frame);
  if (!parsed.ok()) return protocol::Serialize(protocol::ReplyToUnreadableFrame(parsed.status()));
  const Message& message = *parsed;
  if (!message.is_request()) return std::nullopt;
  // A request on the modern revision carries its version in _meta, and so needs no session.
  std::optional<std::string> declared = protocol::DeclaredVersion(message.params);
  bool modern = declared && protocol::IsModernRevision(*declared);
  if (message.method == "tools/call") {
    if (tools_.count(StringParam(message.params, "name")) == 0)
      return ErrorLine(message.id, error_code::kInvalidParams, "Unknown tool");
    return SpliceResult(message.id, modern ? modern_call_ : call_);
  }
  if (message.method == "tools/list") return SpliceResult(message.id, modern ? modern_list_ : list_);
  if (message.method == "server/discover") return SpliceResult(message.id, discover_);
  if (message.method == "ping") return SpliceResult(message.id, "{}");
  if (message.method == "initialize")
    return SpliceResult(message.id,
                        InitializeResult(StringParam(message.params, "protocolVersion")));
  return ErrorLine(message.id, error_code::kMethodNotFound, "Method not found");
}

}  // namespace mcpgw::bench
