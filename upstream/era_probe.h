#pragma once

#include "protocol/status.h"

#include <optional>
#include <string>

namespace mcpgw::upstream {

// What a server's answer to the gateway's server/discover probe says about its era (stdio and
// Streamable HTTP "Backward Compatibility").
struct ProbeVerdict {
  enum class Kind {
    kModern,       // a DiscoverResult that lists the revision asked for
    kAskAgain,     // modern, but ask again with `revision` (one the server lists that we speak)
    kLegacy,       // any other error, or no answer in time: initialize instead
    kUnsupported,  // modern, but nothing the gateway can speak with it; `why` says so
  };
  Kind kind = Kind::kLegacy;
  std::string revision;  // kModern, kAskAgain
  std::string why;       // kLegacy, kUnsupported
};

// Judges the reply to a server/discover that asked for `asked`. A recognized modern error is
// one of the spec's -32020..-32022 codes (kRemote with the error object as detail); -32022's
// data.supported names the revisions to choose from.
ProbeVerdict JudgeProbe(const protocol::Result<protocol::Json>& reply, const std::string& asked);

}  // namespace mcpgw::upstream
