// The bench upstream's answers: everything that does not change is serialized once at start, so
// a request costs one parse and one string splice.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace mcpgw::bench {

class UpstreamReplies {
 public:
  // Tools t0 ... t{tools-1}, each taking {"text": string}. Speaks the legacy revisions (after
  // initialize) and the modern one (server/discover, requests with _meta, no session).
  explicit UpstreamReplies(int tools);

  // The reply line (compact JSON, no newline) to one incoming frame: a result, a JSON-RPC error,
  // or -32700 with id null for text that is not JSON. nullopt for notifications and responses,
  // which get no reply. Never throws; const, so any thread may call it at once.
  std::optional<std::string> Answer(std::string_view frame) const;

 private:
  std::string InitializeResult(const std::string& client_version) const;

  std::unordered_map<std::string, std::string> initialize_;  // result text by protocol version
  std::unordered_set<std::string> tools_;
  std::string list_;  // the tools/list result text
  std::string call_;  // the tools/call result text
  // The same results for a request on the modern revision (with resultType), and its
  // server/discover result.
  std::string modern_list_;
  std::string modern_call_;
  std::string discover_;
};

}  // namespace mcpgw::bench
