#pragma once

#include "protocol/status.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace mcpgw::protocol {

// Reads of one member of a JSON object received from a peer, that never throw: nlohmann's
// value(key, "literal"), get<T>() and at() throw on a member of another type, and on a request
// or reader thread that would cost the process. Thread-safe (no state).

// The member, or null when object is not an object or has no such member.
const Json* FindMember(const Json& object, std::string_view key);

// The member when it is a string, else fallback (absent and of another type alike).
std::string StringOr(const Json& object, std::string_view key, std::string fallback = "");

// The member when it is a string; else kInvalidArgument "Invalid params: \"PATH\" must be a
// string", path naming the member for the peer (e.g. "ref.type").
Result<std::string> RequireString(const Json& object, std::string_view key, std::string_view path);

// The member when it is a string, fallback when it is absent, kInvalidArgument naming path when
// it has another type.
Result<std::string> OptionalString(const Json& object, std::string_view key, std::string_view path,
                                   std::string fallback = "");

// The member when it is an object, fallback when it is absent, kInvalidArgument naming path when
// it has another type.
Result<Json> OptionalObject(const Json& object, std::string_view key, std::string_view path,
                            Json fallback = Json::object());

}  // namespace mcpgw::protocol
