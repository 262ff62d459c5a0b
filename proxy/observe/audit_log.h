#pragma once

// The audit trail (README "Audit log"): one JSON line per request of a method audited always
// (tools/call, prompts/get, resources/read), and per denial of one audited on denials (the other
// routed methods); proxy/routing/methods.h says which is which.

#include "policy/decide.h"
#include "policy/permissions.h"
#include "protocol/status.h"
#include "proxy/routing/catalog.h"
#include "proxy/routing/methods.h"
#include "proxy/config/config.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace mcpgw::proxy {

class AuditEntry;

// Where audit lines go: the configured file (opened O_APPEND), or stderr. Writes each line
// whole under one mutex, so lines from concurrent requests never interleave.
class AuditLog {
 public:
  // Opens settings.file when given. A file that cannot be opened is reported on stderr and the
  // lines go to stderr instead (never lost). Disabled settings: Begin() returns null.
  explicit AuditLog(const AuditSettings& settings);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Starts the audit of one request at dispatch time; null when the log is disabled or the
  // method is never audited. The entry writes its line once it is finished (or dropped
  // unanswered: "cancelled"). Borrows permissions, which must outlive the entry. Any thread.
  std::shared_ptr<AuditEntry> Begin(const policy::Permissions& permissions,
                                    const policy::Principal& who, const std::string& method,
                                    const protocol::Json& params);

  // Appends `line` and a newline as one write. Any thread.
  void Write(const protocol::Json& line);

  const AuditSettings& settings() const { return settings_; }

 private:
  const AuditSettings settings_;
  std::mutex mutex_;
  int fd_ = 2;  // guarded by mutex_ while writing; the file's, or stderr
};

// One audited request. Any thread, one at a time (a request is answered once).
class AuditEntry {
 public:
  AuditEntry(AuditLog& log, const policy::Permissions& permissions, policy::Principal who,
             const RequestMethod& method, const protocol::Json& params);
  ~AuditEntry();  // writes a "cancelled" line when never finished

  // Records the route and the decision for it (at decision time).
  void Decide(const Route& route);
  // Marks a tools/call rejected by argument validation.
  void RejectArguments() { invalid_arguments_ = true; }
  // Writes the line for the answer the client gets. Later calls do nothing.
  void Finish(const protocol::Result<protocol::Json>& outcome);

 private:
  protocol::Json Line(std::string_view outcome) const;
  // "ok", "tool_error", "denied", ...; adds "code" to `line` for a JSON-RPC error.
  std::string OutcomeOf(const protocol::Result<protocol::Json>& outcome,
                        protocol::Json& line) const;

  AuditLog& log_;
  const policy::Permissions& permissions_;
  const policy::Principal who_;
  const RequestMethod& method_;  // a row of kRequestMethods
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::string item_;  // the name or URI the caller used, until Decide gives the real one
  std::optional<Route> route_;
  policy::Decision decision_;
  protocol::Json arguments_;  // null unless include_arguments
  bool invalid_arguments_ = false;
  bool finished_ = false;
};

// ISO-8601 UTC with milliseconds, e.g. "2025-01-31T12:34:56.789Z".
std::string AuditTime(std::chrono::system_clock::time_point when);

}  // namespace mcpgw::proxy
