#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace mcpgw::protocol {

// The JSON value type of every folder. Declared here, defined in <nlohmann/json.hpp>: include that
// where JSON values are built, read or held by value.
using Json = nlohmann::json;

// Local failures. They never go on the wire as they are: proxy/ maps them to JSON-RPC errors in
// one function (ToRpcError).
enum class StatusCode {
  kOk,
  kInvalidArgument,  // the caller's input is wrong (bad params, unknown name)
  kNotFound,         // the receiver has no such method
  kParse,            // bytes that are not JSON
  kInvalidMessage,   // JSON that is not a JSON-RPC message
  kTooLarge,         // a frame over the size limit
  kClosed,           // the transport or process has ended
  kUnavailable,      // an upstream is down, crashed or not yet connected
  kTimeout,          // an upstream did not answer in time
  kCancelled,        // the caller cancelled; nobody is waiting for an answer
  kRemote,           // the peer answered with a JSON-RPC error; detail() holds it unchanged
  kPermissionDenied,  // the caller may see the item but not use it
  kRateLimited,       // the caller's rate limit is spent; detail {retry_after_ms}
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  Status(StatusCode code, std::string message, Json detail);

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Extra data for the wire error: the upstream's error object for kRemote, else context; null
  // when there is none.
  const Json& detail() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  // Shared and never changed, so that copying a Status (Result does, often) copies no JSON, and
  // held by pointer, so that this header needs only the declaration of Json. Null: no detail.
  std::shared_ptr<const Json> detail_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Status status) : state_(std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace mcpgw::protocol
