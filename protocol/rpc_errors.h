#pragma once

#include "protocol/json_rpc.h"

namespace mcpgw::protocol {

// The one place where a local failure becomes a wire error (README "What the gateway does,
// exactly"): kNotFound -> -32601, kInvalidArgument -> -32602, kUnavailable -> -32001, kTimeout ->
// -32002, kRemote -> the upstream's own error unchanged, unreadable frames -> -32700/-32600,
// anything else -> -32603.
RpcError ToRpcError(const Status& status);

}  // namespace mcpgw::protocol
