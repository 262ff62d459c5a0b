#pragma once

#include "proxy/routing/catalog.h"
#include "proxy/access/json_schema.h"
#include "upstream/upstream.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// The inputSchema of every listed tool, keyed by (server, the tool's own name), so that a
// tools/call is checked before it is forwarded. A schema is compiled by the first call of its
// tool, once: start-up and list refreshes compile nothing (a 500-tool gateway would otherwise
// spend its start-up compiling schemas most of which are never used), and a schema that did not
// change since the last list keeps its compiled form.
// Thread-safe: Update swaps a server's map under mutex_, Check validates outside it.
class ArgumentValidator {
 public:
  // Takes the inputSchema of each tool in offer (null: the server has none) for checking. A tool
  // whose schema the library cannot parse is left unchecked, with one warning per distinct schema
  // when it is first called; parts it cannot check (remote $refs, unknown keywords) are skipped.
  // Any thread.
  void Update(const std::string& server, const upstream::Offer* offer);

  // The ways arguments break the tool's schema, paths as JSON pointers from params
  // ("/arguments/count"). Empty when they conform, or when the tool has no checked schema.
  // Compiles the schema on the tool's first check. Any thread; concurrent calls are fine.
  std::vector<SchemaViolation> Check(const std::string& server, const std::string& tool,
                                     const protocol::Json& arguments) const;

  // For a tools/call routed to route: nullopt when params' "arguments" (absent: {}) conform, else
  // the isError tool result to answer with instead of forwarding, one text line per violation
  // ("- /arguments/count: why") so that a model can correct the call. Any thread.
  std::optional<protocol::Json> Reject(const Route& route, const protocol::Json& params) const;

  // How many schemas have been compiled since construction (tests). Any thread.
  int compilations() const { return compilations_; }

 private:
  // One tool's schema; compiled on first use, then shared by every later list that has it.
  struct Entry {
    protocol::Json schema;  // as given
    mutable std::once_flag compile_once;
    mutable std::shared_ptr<const JsonSchema> compiled;  // null: left unchecked (after compile_once)
  };
  using Tools = std::map<std::string, std::shared_ptr<const Entry>>;  // by the tool's own name
  std::shared_ptr<const Entry> EntryFor(const protocol::Json& schema, const std::string& tool,
                                        const Tools* previous) const;
  // The entry's compiled schema, compiling it on the first call; null when it cannot be checked.
  const JsonSchema* Compiled(const std::string& server, const std::string& tool,
                             const Entry& entry) const;

  std::mutex update_mutex_;   // serializes Update, so that two refreshes of a server cannot cross
  mutable std::mutex mutex_;  // guards the pointer swap only
  std::map<std::string, std::shared_ptr<const Tools>> servers_;  // guarded by mutex_
  mutable std::atomic<int> compilations_ = 0;
};

}  // namespace mcpgw::proxy
