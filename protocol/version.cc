#include "protocol/version.h"

#include <algorithm>

namespace mcpgw::protocol {

bool IsSupportedRevision(std::string_view revision) {
  return NegotiateRevision(revision) == revision;
}

bool AcceptsBatches(std::string_view revision) { return revision == "2025-03-26"; }

std::string_view NegotiateRevision(std::string_view requested) {
  auto found = std::find(kSessionRevisions.begin(), kSessionRevisions.end(), requested);
  return found != kSessionRevisions.end() ? *found : kLatestSessionRevision;
}

}  // namespace mcpgw::protocol
