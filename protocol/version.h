#pragma once

#include <array>
#include <string_view>

namespace mcpgw::protocol {

// The session-era MCP revisions this gateway speaks, oldest first. (2026-07-28 is stateless and
// has no initialize; it is negotiated per request, not here.)
inline constexpr std::array<std::string_view, 4> kSessionRevisions = {
    "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"};
inline constexpr std::string_view kLatestSessionRevision = kSessionRevisions.back();

bool IsSupportedRevision(std::string_view revision);

// Whether a peer on `revision` may send JSON-RPC batches: only 2025-03-26 has them (2025-06-18
// removed them again).
bool AcceptsBatches(std::string_view revision);

// The revision to answer an initialize with: the client's when supported, else the newest.
std::string_view NegotiateRevision(std::string_view requested);

}  // namespace mcpgw::protocol
