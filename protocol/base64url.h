#pragma once

// Unpadded base64url (RFC 4648 §5): the text form of the gateway's signed tokens (session ids,
// requestState). Pure functions: any thread.

#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::protocol {

std::string Base64UrlEncode(std::string_view bytes);

// The bytes `text` encodes; nullopt for any character outside the alphabet, padding included,
// or a dangling 6-bit group.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace mcpgw::protocol
