#pragma once

// The two eras of MCP (README "Protocol eras"). Legacy revisions (2025-11-25 and older) open with
// an initialize handshake and keep a session; the modern revision (2026-07-28) has neither: every
// request carries its version, the client's capabilities and identity in params._meta, and a
// server that needs more from the client answers input_required (multi round-trip requests)
// instead of sending requests of its own. Pure functions and constants: any thread.

#include "protocol/status.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::protocol {

// The modern revisions this gateway serves, newest first.
inline constexpr std::array<std::string_view, 1> kModernRevisions = {"2026-07-28"};
inline constexpr std::string_view kLatestModernRevision = kModernRevisions.front();

// Reserved params._meta keys of the modern revision.
inline constexpr const char* kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr const char* kMetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr const char* kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr const char* kMetaLogLevel = "io.modelcontextprotocol/logLevel";
inline constexpr const char* kMetaServerInfo = "io.modelcontextprotocol/serverInfo";
inline constexpr const char* kMetaSubscriptionId = "io.modelcontextprotocol/subscriptionId";

// Error codes the modern revision defines (-32020..-32099 is reserved for the spec).
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kMissingRequiredClientCapability = -32021;
inline constexpr int kUnsupportedProtocolVersion = -32022;

// Whether a JSON-RPC error code is one the modern revision defines for refusing a request as it
// was sent (-32020, -32021, -32022): it marks its sender as a modern peer, and goes with HTTP 400.
bool IsModernRefusal(int code);

// Where a request of `method` names its item for the Mcp-Name header: "name" (tools/call,
// prompts/get), "uri" (resources/read); null for any other method.
const char* NamedItemField(std::string_view method);

// The protocol version a request declares in params._meta; nullopt when it declares none (a
// legacy request, or a modern one that is malformed).
std::optional<std::string> DeclaredVersion(const Json& params);

// Whether `revision` belongs to the modern era (any date from 2026-07-28 on, served or not).
bool IsModernRevision(std::string_view revision);

// Whether the gateway serves `revision` on the modern path.
bool ServesModernRevision(std::string_view revision);

// Every revision the gateway serves, modern first then legacy newest first: data.supported of
// -32022 and supportedVersions of server/discover.
Json SupportedRevisions();

}  // namespace mcpgw::protocol
