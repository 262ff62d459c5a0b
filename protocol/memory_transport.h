#pragma once

#include "protocol/transport.h"

#include <memory>
#include <utility>

namespace mcpgw::protocol {

// Two linked in-memory transports: what one sends, the other receives. Closing either end
// closes both; messages already sent are still delivered first. For tests and in-process wiring.
std::pair<std::unique_ptr<Transport>, std::unique_ptr<Transport>> MakeMemoryTransportPair();

}  // namespace mcpgw::protocol
