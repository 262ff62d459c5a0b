#include "proxy/config/rate_limits.h"

#include "proxy/config/reader.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <limits>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Status;

constexpr std::int64_t kMaxRpm = std::numeric_limits<int>::max();
constexpr std::string_view kRpmRule = "a positive integer";


Status ReadToolLimit(const Json& entry, const std::string& path, const EnvLookup& env,
                     policy::ToolRateLimit& out) {
  if (!entry.is_object()) return InvalidAt(path, "must be an object");
  if (Status s = CheckKeys(entry, path, {"server", "tool", "rpm"}); !s.ok()) return s;
  for (std::string_view key : {"server", "tool", "rpm"}) {
    if (!entry.contains(key)) return InvalidAt(JoinPath(path, key), "is required");
  }
  FieldReader f(entry, path, env);
  f.String("server", out.server, IsNonEmpty, "a non-empty glob (* and ?)");
  f.String("tool", out.tool, IsNonEmpty, "a non-empty glob (* and ?)");
  if (auto rpm = f.Integer("rpm", 1, kMaxRpm, kRpmRule)) out.rpm = static_cast<int>(*rpm);
  return f.status();
}

}  // namespace

Status ReadRateLimits(const Json& entry, const std::string& path, const EnvLookup& env,
                      policy::RateLimits& out) {
  FieldReader f(entry, path, env);
  if (auto rpm = f.Integer("rate_limit_rpm", 1, kMaxRpm, kRpmRule)) out.rpm = static_cast<int>(*rpm);
  if (!f.status().ok()) return f.status();
  auto tools = entry.find("rate_limits");
  if (tools == entry.end()) return Status::Ok();
  std::string tools_path = JoinPath(path, "rate_limits");
  if (!tools->is_array()) return InvalidAt(tools_path, "must be an array of {server, tool, rpm}");
  for (std::size_t i = 0; i < tools->size(); ++i) {
    policy::ToolRateLimit limit;
    Status s = ReadToolLimit((*tools)[i], fmt::format("{}[{}]", tools_path, i), env, limit);
    if (!s.ok()) return s;
    out.tools.push_back(std::move(limit));
  }
  return Status::Ok();
}

}  // namespace mcpgw::proxy
