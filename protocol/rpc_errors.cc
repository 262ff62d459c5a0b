#include "protocol/rpc_errors.h"

namespace mcpgw::protocol {

namespace code = error_code;

namespace {

// The upstream's error object, or an internal error when it is not one.
RpcError RemoteError(const Json& detail) {
  const auto& code_field = detail.contains("code") ? detail["code"] : Json();
  const auto& message = detail.contains("message") ? detail["message"] : Json();
  if (!code_field.is_number_integer() || !message.is_string()) {
    return {code::kInternalError, "upstream sent a malformed error", nullptr};
  }
  return {code_field.get<int>(), message.get<std::string>(), detail.value("data", Json())};
}

}  // namespace

RpcError ToRpcError(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return {code::kMethodNotFound, status.message(), nullptr};
    case StatusCode::kInvalidArgument:
      return {code::kInvalidParams, status.message(), status.detail()};
    case StatusCode::kUnavailable:
      return {code::kUpstreamUnavailable, status.message(), status.detail()};
    case StatusCode::kTimeout:
      return {code::kUpstreamTimeout, status.message(), status.detail()};
    case StatusCode::kPermissionDenied:
      return {code::kPermissionDenied, status.message(), status.detail()};
    case StatusCode::kRateLimited:
      return {code::kRateLimited, status.message(), status.detail()};
    case StatusCode::kRemote:
      return RemoteError(status.detail());
    case StatusCode::kParse:
      return {code::kParseError, "Parse error", nullptr};
    case StatusCode::kInvalidMessage:
    case StatusCode::kTooLarge:
      return {code::kInvalidRequest, "Invalid Request: " + status.message(), nullptr};
    default:
      return {code::kInternalError, status.message(), nullptr};
  }
}

}  // namespace mcpgw::protocol
