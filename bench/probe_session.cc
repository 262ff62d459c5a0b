// The MCP conversation mcp_probe holds, over any ProbeClient.
#include "bench/probe_session.h"

#include <thread>

namespace mcpgw::bench {
namespace {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

constexpr const char* kProtocolVersion = "2025-06-18";
constexpr auto kListPause = std::chrono::milliseconds(1);

// The result of a successful response, or the JSON-RPC error as kRemote.
Result<Json> ResultOf(Result<Message> answer) {
  if (!answer.ok()) return answer.status();
  if (answer->error)
    return Status(StatusCode::kRemote, answer->error->message, answer->error->code);
  return std::move(answer->result);
}

}  // namespace

Status Initialize(ProbeClient& client, Clock::duration retry_every, Clock::time_point deadline) {
  const Json params = {{"protocolVersion", kProtocolVersion},
                       {"capabilities", Json::object()},
                       {"clientInfo", {{"name", "mcp_probe"}, {"version", "1"}}}};
  while (true) {
    Result<Json> result = ResultOf(client.Request("initialize", params, deadline));
    if (result.ok()) return client.Notify("notifications/initialized", nullptr);
    if (retry_every == Clock::duration::zero() || Clock::now() + retry_every >= deadline)
      return result.status();
    std::this_thread::sleep_for(retry_every);
  }
}

Result<std::size_t> ListTools(ProbeClient& client, Clock::time_point deadline) {
  std::size_t tools = 0;
  Json params = nullptr;
  while (true) {
    Result<Json> page = ResultOf(client.Request("tools/list", params, deadline));
    if (!page.ok()) return page.status();
    if (!page->is_object() || !page->contains("tools") || !(*page)["tools"].is_array())
      return Status(StatusCode::kInvalidMessage, "tools/list answered without a tools array");
    tools += (*page)["tools"].size();
    auto cursor = page->find("nextCursor");
    if (cursor == page->end() || !cursor->is_string()) return tools;
    params = {{"cursor", *cursor}};
  }
}

Result<std::size_t> AwaitTools(ProbeClient& client, std::size_t expect,
                               Clock::time_point deadline) {
  std::string last = "no complete list";
  while (true) {
    Result<std::size_t> tools = ListTools(client, deadline);
    if (tools.ok() && *tools >= expect) return *tools;
    last = tools.ok() ? std::to_string(*tools) + " tools" : tools.status().message();
    if (Clock::now() + kListPause >= deadline)
      return Status(StatusCode::kTimeout, "the last tools/list gave " + last);
    std::this_thread::sleep_for(kListPause);
  }
}

bool CallTool(ProbeClient& client, const std::string& tool, Clock::time_point deadline) {
  Json params = {{"name", tool}, {"arguments", {{"text", "hi"}}}};
  Result<Json> result = ResultOf(client.Request("tools/call", std::move(params), deadline));
  if (!result.ok() || !result->is_object()) return false;
  auto content = result->find("content");
  auto is_error = result->find("isError");
  bool failed = is_error != result->end() && is_error->is_boolean() && is_error->get<bool>();
  return content != result->end() && content->is_array() && !failed;
}

}  // namespace mcpgw::bench
