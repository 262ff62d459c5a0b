#include "upstream/sse_reconnect.h"

#include "protocol/json_scan.h"

#include <algorithm>

namespace mcpgw::upstream {
namespace {

constexpr long kDefaultRetryMs = 1000;
constexpr long kMinRetryMs = 100;
constexpr long kMaxRetryMs = 30000;

}  // namespace

std::chrono::milliseconds ReconnectDelay(std::optional<long> retry_ms) {
  return std::chrono::milliseconds(std::clamp(retry_ms.value_or(kDefaultRetryMs), kMinRetryMs, kMaxRetryMs));
}

bool IsResponseTo(std::string_view text, const protocol::Json& request_id,
                  std::size_t max_json_depth) {
  if (request_id.is_null() || protocol::FindTopLevelId(text) != request_id) return false;
  protocol::Result<protocol::Message> message = protocol::ParseMessage(text, max_json_depth);
  return message.ok() && message->is_response() && message->id == request_id;
}

}  // namespace mcpgw::upstream
