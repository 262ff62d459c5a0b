#pragma once

#include "proxy/catalog.h"
#include "proxy/json_schema.h"
#include "upstream/upstream.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// The compiled inputSchema of every listed tool, keyed by (server, the tool's own name), so that a
// tools/call is checked before it is forwarded. Schemas are compiled when a server's list
// changes, never per call; a schema that did not change since the last list is not compiled again.
// Thread-safe: Update swaps a server's map under mutex_, Check validates outside it.
class ArgumentValidator {
 public:
  // Compiles the inputSchema of each tool in offer (null: the server has none). A tool whose schema
  // the library cannot parse is left unchecked, with one warning per distinct schema; parts it
  // cannot check (remote $refs, unknown keywords) are skipped. Any thread.
  void Update(const std::string& server, const upstream::Offer* offer);

  // The ways arguments break the tool's schema, paths as JSON pointers from params
  // ("/arguments/count"). Empty when they conform, or when the tool has no checked schema.
  // Any thread; concurrent calls are fine.
  std::vector<SchemaViolation> Check(const std::string& server, const std::string& tool,
                                     const protocol::Json& arguments) const;

  // For a tools/call routed to route: nullopt when params' "arguments" (absent: {}) conform, else
  // the isError tool result to answer with instead of forwarding, one text line per violation
  // ("- /arguments/count: why") so that a model can correct the call. Any thread.
  std::optional<protocol::Json> Reject(const Route& route, const protocol::Json& params) const;

  // How many schemas have been compiled since construction (tests). Any thread.
  int compilations() const { return compilations_; }

 private:
  struct Entry {
    std::string text;                          // the schema as given, to spot an unchanged one
    std::shared_ptr<const JsonSchema> schema;  // null: left unchecked
  };
  using Tools = std::map<std::string, Entry>;  // by the tool's own name
  Entry Compile(const std::string& server, const std::string& tool, const protocol::Json& schema,
                const Tools* previous);

  std::mutex update_mutex_;   // serializes Update, so that two refreshes of a server cannot cross
  mutable std::mutex mutex_;  // guards the pointer swap only
  std::map<std::string, std::shared_ptr<const Tools>> servers_;  // guarded by mutex_
  std::atomic<int> compilations_ = 0;
};

}  // namespace mcpgw::proxy
