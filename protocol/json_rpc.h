#pragma once

#include "protocol/json_scan.h"
#include "protocol/status.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::protocol {

// JSON-RPC 2.0 error codes, and the MCP gateway's own codes (README "What the gateway does,
// exactly").
namespace error_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kUpstreamUnavailable = -32001;
inline constexpr int kUpstreamTimeout = -32002;
inline constexpr int kPermissionDenied = -32003;
inline constexpr int kRateLimited = -32004;
// An HTTP-level refusal (missing or unknown session, bad header, ...), as the TS SDK answers.
inline constexpr int kTransportError = -32000;
}  // namespace error_code

// The only error type that crosses the wire.
struct RpcError {
  int code = error_code::kInternalError;
  std::string message;
  Json data;  // null when absent
};

// One JSON-RPC 2.0 message. Which fields are meaningful depends on kind:
//   kRequest: id, method, params      kNotification: method, params
//   kResponse: id and either result or error
struct Message {
  enum class Kind { kRequest, kNotification, kResponse };

  Kind kind = Kind::kNotification;
  Json id;             // string or integer; null for notifications
  std::string method;
  Json params;         // null when absent
  Json result;         // success response
  // A success result serialized beforehand (a list answered from the Catalog's cache); when set,
  // Serialize writes it in place of `result`, which stays null.
  std::shared_ptr<const std::string> serialized_result;
  std::optional<RpcError> error;  // error response
  // Not on the wire: the id of the gateway's own request whose HTTP response stream carried this
  // message (a Streamable HTTP upstream's POST stream); null when the transport cannot tell.
  Json related_request;

  bool is_request() const { return kind == Kind::kRequest; }
  bool is_notification() const { return kind == Kind::kNotification; }
  bool is_response() const { return kind == Kind::kResponse; }
};

Message MakeRequest(Json id, std::string method, Json params = nullptr);
Message MakeNotification(std::string method, Json params = nullptr);
Message MakeResult(Json id, Json result);
// A result whose JSON text is already known; it must be one valid JSON value on one line.
Message MakeSerializedResult(Json id, std::shared_ptr<const std::string> result);
Message MakeError(Json id, RpcError error);

// Parses one message. Never throws and never recurses. Fails with kParse for text that is not
// JSON (invalid UTF-8 included) and with kInvalidMessage for text whose arrays and objects nest
// deeper than max_depth (checked before parsing) and for JSON that is not a JSON-RPC 2.0 message
// (batches included: the revisions this gateway negotiates have no batching). When the text has
// a top-level string or integer "id", the failed status's detail() holds it.
Result<Message> ParseMessage(std::string_view text, std::size_t max_depth = kDefaultMaxJsonDepth);

// The most messages one JSON-RPC batch may hold (README "Batches"); a longer batch is refused whole.
inline constexpr std::size_t kMaxBatchEntries = 100;

// One line (stdio) or POST body: a single message, or a JSON-RPC batch of them.
struct Frame {
  bool batch = false;  // the text was a JSON array
  // The one message (batch == false), or each entry of the batch in order. An entry that is not
  // a valid message is a failed status, as ParseMessage gives it (ReplyToUnreadableFrame answers
  // it), so a bad entry costs that entry only.
  std::vector<Result<Message>> entries;
};

// Parses text that may be a batch. Text whose first character (after whitespace) is not '[' is
// one message: entries holds ParseMessage's outcome. A batch is checked whole before anything
// is parsed: its entries may nest as deep as a single message (max_depth, plus the array
// itself), and it must be JSON (kParse), non-empty and hold at most max_entries messages
// (kInvalidMessage); such a failure costs the whole frame. Never throws, never recurses.
Result<Frame> ParseFrame(std::string_view text, std::size_t max_depth = kDefaultMaxJsonDepth,
                         std::size_t max_entries = kMaxBatchEntries);

// The message as compact one-line JSON (no embedded newlines), without a trailing newline.
std::string Serialize(const Message& message);

// The error reply a peer gets for a frame that could not be read (kParse, kInvalidMessage,
// kTooLarge): under the frame's id when one was found in a frame that is JSON (id null for
// kParse, as JSON-RPC 2.0 requires when the text is not JSON).
Message ReplyToUnreadableFrame(const Status& status);

}  // namespace mcpgw::protocol
