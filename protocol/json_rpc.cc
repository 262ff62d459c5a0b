#include "protocol/json_rpc.h"

namespace mcpgw::protocol {
namespace {

Status Invalid(std::string why) { return {StatusCode::kInvalidMessage, std::move(why)}; }

bool IsValidId(const Json& id) { return id.is_string() || id.is_number_integer(); }

// One parsed value as a message (consumed); the status names what makes it none.
Result<Message> ParseValue(Json& parsed);

Result<Message> ParseCall(Json& object) {
  Message message;
  const Json& method = object["method"];
  if (!method.is_string()) return Invalid("\"method\" must be a string");
  message.method = method.get<std::string>();
  if (auto params = object.find("params"); params != object.end()) {
    if (!params->is_object() && !params->is_array()) return Invalid("\"params\" must be an object");
    message.params = std::move(*params);
  }
  auto id = object.find("id");
  if (id == object.end()) {
    message.kind = Message::Kind::kNotification;
    return message;
  }
  if (!IsValidId(*id)) return Invalid("\"id\" must be a string or an integer");
  message.kind = Message::Kind::kRequest;
  message.id = std::move(*id);
  return message;
}

Result<Message> ParseResponse(Json& object) {
  Message message;
  message.kind = Message::Kind::kResponse;
  auto id = object.find("id");
  if (id == object.end() || !(IsValidId(*id) || id->is_null())) {
    return Invalid("a response needs an \"id\"");
  }
  message.id = std::move(*id);
  auto result = object.find("result");
  auto error = object.find("error");
  if ((result == object.end()) == (error == object.end())) {
    return Invalid("a response has exactly one of \"result\" and \"error\"");
  }
  if (result != object.end()) {
    message.result = std::move(*result);
    return message;
  }
  const Json& code = error->is_object() ? (*error)["code"] : Json();
  const Json& text = error->is_object() ? (*error)["message"] : Json();
  if (!code.is_number_integer() || !text.is_string()) {
    return Invalid("\"error\" needs an integer \"code\" and a string \"message\"");
  }
  RpcError rpc_error{code.get<int>(), text.get<std::string>(), nullptr};
  if (auto data = error->find("data"); data != error->end()) rpc_error.data = std::move(*data);
  message.error = std::move(rpc_error);
  return message;
}

}  // namespace

Message MakeRequest(Json id, std::string method, Json params) {
  Message message;
  message.kind = Message::Kind::kRequest;
  message.id = std::move(id);
  message.method = std::move(method);
  message.params = std::move(params);
  return message;
}

Message MakeNotification(std::string method, Json params) {
  Message message;
  message.kind = Message::Kind::kNotification;
  message.method = std::move(method);
  message.params = std::move(params);
  return message;
}

Message MakeResult(Json id, Json result) {
  Message message;
  message.kind = Message::Kind::kResponse;
  message.id = std::move(id);
  message.result = std::move(result);
  return message;
}

Message MakeSerializedResult(Json id, std::shared_ptr<const std::string> result) {
  Message message;
  message.kind = Message::Kind::kResponse;
  message.id = std::move(id);
  message.serialized_result = std::move(result);
  return message;
}

Message MakeError(Json id, RpcError error) {
  Message message;
  message.kind = Message::Kind::kResponse;
  message.id = std::move(id);
  message.error = std::move(error);
  return message;
}

Result<Message> ParseMessage(std::string_view text, std::size_t max_depth) {
  // Checked before parsing: a deep value would overflow the stack of every recursive walk
  // (dump, copy, comparison) after it.
  if (NestedDeeperThan(text, max_depth)) {
    return Status(StatusCode::kInvalidMessage,
                  "arrays and objects nest deeper than " + std::to_string(max_depth) + " levels",
                  FindTopLevelId(text));
  }
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Status(StatusCode::kParse, "Parse error: not valid JSON", FindTopLevelId(text));
  }
  return ParseValue(parsed);
}

Result<Frame> ParseFrame(std::string_view text, std::size_t max_depth, std::size_t max_entries) {
  Frame frame;
  if (!StartsWithArray(text)) {
    frame.entries.push_back(ParseMessage(text, max_depth));
    return frame;
  }
  frame.batch = true;
  // The array is one level more than each of its entries.
  if (NestedDeeperThan(text, max_depth + 1)) {
    return Invalid("arrays and objects nest deeper than " + std::to_string(max_depth) + " levels");
  }
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status(StatusCode::kParse, "Parse error: not valid JSON");
  if (parsed.empty()) return Invalid("an empty batch");
  if (parsed.size() > max_entries) {
    return Invalid("a batch of " + std::to_string(parsed.size()) + " messages; at most " +
                   std::to_string(max_entries) + " are accepted");
  }
  frame.entries.reserve(parsed.size());
  for (Json& entry : parsed) frame.entries.push_back(ParseValue(entry));
  return frame;
}

namespace {

Result<Message> ParseValue(Json& parsed) {
  if (!parsed.is_object()) return Invalid("a JSON-RPC message must be a JSON object");
  // Kept before parsing consumes it, so an invalid request can be answered under its own id.
  Json id = parsed.contains("id") && IsValidId(parsed["id"]) ? parsed["id"] : Json();
  auto version = parsed.find("jsonrpc");
  Result<Message> message = version == parsed.end() || *version != "2.0"
                                ? Invalid("\"jsonrpc\" must be \"2.0\"")
                            : parsed.contains("method") ? ParseCall(parsed)
                                                        : ParseResponse(parsed);
  if (message.ok() || id.is_null()) return message;
  return Status(StatusCode::kInvalidMessage, message.status().message(), std::move(id));
}

}  // namespace

std::string Serialize(const Message& message) {
  // Written field by field (keys in the order nlohmann would sort them) instead of through a
  // Json object, which would deep-copy params or result first: this is on every message's path.
  // Compact, so the message never holds a raw newline; invalid UTF-8 is replaced, not thrown.
  auto dump = [](const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); };
  std::string out;
  switch (message.kind) {
    case Message::Kind::kRequest:
      out = R"({"id":)" + dump(message.id) + ",";
      break;
    case Message::Kind::kNotification:
      out = "{";
      break;
    case Message::Kind::kResponse:
      if (!message.error) {
        return R"({"id":)" + dump(message.id) + R"(,"jsonrpc":"2.0","result":)" +
               (message.serialized_result ? *message.serialized_result : dump(message.result)) +
               "}";
      }
      Json error = {{"code", message.error->code}, {"message", message.error->message}};
      if (!message.error->data.is_null()) error["data"] = message.error->data;
      return R"({"error":)" + dump(error) + R"(,"id":)" + dump(message.id) + R"(,"jsonrpc":"2.0"})";
  }
  out += R"("jsonrpc":"2.0","method":)" + dump(message.method);
  if (!message.params.is_null()) out += R"(,"params":)" + dump(message.params);
  return out + "}";
}

Message ReplyToUnreadableFrame(const Status& status) {
  int code = status.code() == StatusCode::kParse ? error_code::kParseError
                                                  : error_code::kInvalidRequest;
  std::string text = status.code() == StatusCode::kParse ? "Parse error"
                                                         : "Invalid Request: " + status.message();
  Json id = status.code() == StatusCode::kParse ? Json() : status.detail();
  return MakeError(std::move(id), RpcError{code, std::move(text), nullptr});
}

}  // namespace mcpgw::protocol
