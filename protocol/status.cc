#include "protocol/status.h"

#include <nlohmann/json.hpp>

namespace mcpgw::protocol {

Status::Status(StatusCode code, std::string message, Json detail)
    : code_(code),
      message_(std::move(message)),
      detail_(detail.is_null() ? nullptr : std::make_shared<const Json>(std::move(detail))) {}

const Json& Status::detail() const {
  static const Json kNone;
  return detail_ ? *detail_ : kNone;
}

}  // namespace mcpgw::protocol
