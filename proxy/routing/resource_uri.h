#pragma once

#include "protocol/status.h"

#include <string>
#include <string_view>

namespace mcpgw::proxy {

// The one spelling of a resource URI that the gateway decides on, routes by and forwards, so that
// a rule on `file:///pub/private/*` cannot be walked around by `file:///pub/./private/key`,
// `file:///pub//private/key`, `file:///pub/%70rivate/key` or `FILE:///pub/private/key`.
// RFC 3986 §6.2.2 syntax-based normalization, plus one rule for hierarchical paths:
// - the scheme and the host are lowercased;
// - a percent-escape of an unreserved character (ALPHA, DIGIT, "-", ".", "_", "~") is decoded,
//   every other one gets uppercase hex digits;
// - in a hierarchical path (after an authority, or starting with "/"), runs of "/" become one and
//   "." and ".." segments are removed (§5.2.4);
// - query and fragment are kept, with their escapes normalized as above.
// Refused (kInvalidArgument, saying why), because no one spelling can be chosen for them: no
// scheme, a malformed percent-escape ("%", "%4", "%zz"), a control character or backslash, an
// encoded "/" or "\" or NUL in the path (%2F, %5C, %00), a ".." that climbs above the root, and a
// "." or ".." segment in a path that is not hierarchical ("urn:a/../b").
// Pure; any thread.
protocol::Result<std::string> CanonicalUri(std::string_view uri);

}  // namespace mcpgw::proxy
