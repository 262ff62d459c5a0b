#include "proxy/observe/audit_log.h"

#include "policy/level.h"
#include "protocol/log.h"
#include "protocol/rpc_errors.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::StatusCode;

std::string RuleName(const policy::Decision& decision) {
  if (decision.policy.empty()) return "permissions.default";
  if (!decision.rule) return fmt::format("policies.{}.default", decision.policy);
  return fmt::format("policies.{}.rules[{}]", decision.policy, *decision.rule);
}

std::string LevelText(policy::Level level) { return std::string(policy::LevelName(level)); }

Json OrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

}  // namespace

std::string AuditTime(std::chrono::system_clock::time_point when) {
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(millis.count() / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03}Z", text, millis.count() % 1000);
}

AuditLog::AuditLog(const AuditSettings& settings) : settings_(settings) {
  if (!settings_.enabled || settings_.file.empty()) return;
  int fd = ::open(settings_.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    log::Error("audit: cannot open {}: {}; writing audit lines to stderr", settings_.file,
               std::strerror(errno));
    return;
  }
  fd_ = fd;
}

AuditLog::~AuditLog() {
  if (fd_ != 2) ::close(fd_);
}

std::shared_ptr<AuditEntry> AuditLog::Begin(const policy::Permissions& permissions,
                                            const policy::Principal& who,
                                            const std::string& method, const Json& params) {
  const RequestMethod* known = FindMethod(method);
  if (!settings_.enabled || known == nullptr || known->audit == AuditKind::kNever) return nullptr;
  return std::make_shared<AuditEntry>(*this, permissions, who, *known, params);
}

void AuditLog::Write(const Json& line) {
  std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::string_view rest = text;
  while (!rest.empty()) {
    ssize_t written = ::write(fd_, rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // nowhere left to report it: stderr is the fallback itself
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
}

AuditEntry::AuditEntry(AuditLog& log, const policy::Permissions& permissions, policy::Principal who,
                       const RequestMethod& method, const Json& params)
    : log_(log),
      permissions_(permissions),
      who_(std::move(who)),
      method_(method),
      item_(RequestedItem(method_, params)) {
  auto arguments = params.find("arguments");
  if (log.settings().include_arguments && arguments != params.end()) arguments_ = *arguments;
}

AuditEntry::~AuditEntry() {
  if (!finished_ && method_.audit == AuditKind::kAlways) log_.Write(Line("cancelled"));
}

void AuditEntry::Decide(const Route& route) {
  route_ = route;
  item_ = route.name;
  decision_ = policy::Decide(permissions_, who_, route.server, route.name);
}

void AuditEntry::Finish(const Result<Json>& outcome) {
  if (finished_) return;
  finished_ = true;
  Json extra = Json::object();
  std::string name = OutcomeOf(outcome, extra);
  if (name != "denied" && method_.audit != AuditKind::kAlways) return;
  Json line = Line(name);
  line.update(extra);
  if (log_.settings().include_results && outcome.ok()) line["result"] = outcome.value();
  log_.Write(line);
}

std::string AuditEntry::OutcomeOf(const Result<Json>& outcome, Json& line) const {
  const StatusCode code = outcome.status().code();
  if (route_ && (decision_.level < policy::Level::kRead || code == StatusCode::kPermissionDenied)) {
    return "denied";
  }
  if (invalid_arguments_) return "invalid_arguments";
  if (outcome.ok()) return outcome->value("isError", false) ? "tool_error" : "ok";
  line["code"] = protocol::ToRpcError(outcome.status()).code;
  if (code == StatusCode::kUnavailable) return "unavailable";
  if (code == StatusCode::kRateLimited) return "rate_limited";
  return code == StatusCode::kTimeout ? "timeout" : "error";
}

Json AuditEntry::Line(std::string_view outcome) const {
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start_);
  Json line = {{"time", AuditTime(std::chrono::system_clock::now())},
               {"principal", OrNull(who_.name)},
               {"team", OrNull(who_.team)},
               {"org", OrNull(who_.org)},
               {"server", route_ ? Json(route_->server) : Json(nullptr)},
               {"method", method_.name},
               {"item", item_},
               {"decision", route_ ? Json(LevelText(decision_.level)) : Json(nullptr)},
               {"rule", route_ ? Json(RuleName(decision_)) : Json(nullptr)},
               {"outcome", outcome},
               {"latency_ms", latency.count()}};
  if (!arguments_.is_null()) line["arguments"] = arguments_;
  return line;
}

}  // namespace mcpgw::proxy
