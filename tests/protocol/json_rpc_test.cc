#include "protocol/json_rpc.h"

#include <doctest/doctest.h>

namespace mcpgw::protocol {

TEST_CASE("ParseMessage reads requests, notifications and responses") {
  auto request = ParseMessage(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{}})");
  REQUIRE(request.ok());
  CHECK(request->is_request());
  CHECK(request->id == 7);
  CHECK(request->method == "tools/list");

  auto notification = ParseMessage(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  REQUIRE(notification.ok());
  CHECK(notification->is_notification());
  CHECK(notification->params.is_null());

  auto result = ParseMessage(R"({"jsonrpc":"2.0","id":"a","result":{"x":1}})");
  REQUIRE(result.ok());
  CHECK(result->is_response());
  CHECK(result->result["x"] == 1);
  CHECK_FALSE(result->error.has_value());

  auto error = ParseMessage(
      R"({"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"bad","data":{"k":1}}})");
  REQUIRE(error.ok());
  REQUIRE(error->error.has_value());
  CHECK(error->error->code == -32602);
  CHECK(error->error->message == "bad");
  CHECK(error->error->data["k"] == 1);
}

TEST_CASE("ParseMessage reports text that is not JSON as a parse error and never throws") {
  for (const char* text : {"", "{", "not json", "{\"jsonrpc\":\"2.0\",}", "\xff\xfe"}) {
    auto parsed = ParseMessage(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kParse);
  }
}

TEST_CASE("ParseMessage rejects JSON that is not a JSON-RPC 2.0 message") {
  const char* cases[] = {
      R"([1,2])",                                                // batch or array
      R"("text")",                                               // not an object
      R"({"id":1,"method":"ping"})",                             // no jsonrpc
      R"({"jsonrpc":"1.0","id":1,"method":"ping"})",             // wrong version
      R"({"jsonrpc":"2.0","id":1,"method":5})",                  // method not a string
      R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})",           // fractional id
      R"({"jsonrpc":"2.0","id":null,"method":"ping"})",          // null id on a request
      R"({"jsonrpc":"2.0","id":{},"method":"ping"})",            // object id
      R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})",     // params not structured
      R"({"jsonrpc":"2.0","id":1})",                             // neither result nor error
      R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})",      // both
      R"({"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}})",
      R"({"jsonrpc":"2.0","id":1,"error":[]})",                  // error not an object
      R"({"jsonrpc":"2.0","id":1,"error":"boom"})",
  };
  for (const char* text : cases) {
    CAPTURE(text);
    auto parsed = ParseMessage(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidMessage);
  }
}

TEST_CASE("Serialize writes compact one-line JSON that parses back to the same message") {
  Message request = MakeRequest(1, "tools/call", {{"name", "a"}, {"text", "line1\nline2"}});
  std::string line = Serialize(request);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line == R"({"id":1,"jsonrpc":"2.0","method":"tools/call","params":{"name":"a","text":"line1\nline2"}})");
  auto back = ParseMessage(line);
  REQUIRE(back.ok());
  CHECK(back->params["text"] == "line1\nline2");

  CHECK(Serialize(MakeNotification("notifications/initialized")) ==
        R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  CHECK(Serialize(MakeError(nullptr, {-32700, "Parse error", nullptr})) ==
        R"({"error":{"code":-32700,"message":"Parse error"},"id":null,"jsonrpc":"2.0"})");
}

TEST_CASE("Serialize replaces invalid UTF-8 instead of throwing") {
  Message message = MakeResult(1, {{"text", std::string("bad \xff byte")}});
  std::string line;
  CHECK_NOTHROW(line = Serialize(message));
  CHECK(ParseMessage(line).ok());
}

TEST_CASE("ReplyToUnreadableFrame answers -32700 for bad JSON and -32600 otherwise, id null") {
  Message parse = ReplyToUnreadableFrame(Status(StatusCode::kParse, "x"));
  CHECK(parse.id.is_null());
  CHECK(parse.error->code == error_code::kParseError);
  Message invalid = ReplyToUnreadableFrame(Status(StatusCode::kInvalidMessage, "why"));
  CHECK(invalid.error->code == error_code::kInvalidRequest);
  CHECK(invalid.error->message.find("why") != std::string::npos);
  Message too_large = ReplyToUnreadableFrame(Status(StatusCode::kTooLarge, "too big"));
  CHECK(too_large.error->code == error_code::kInvalidRequest);
}

TEST_CASE("An invalid message with a readable id is answered under that id") {
  auto parsed = ParseMessage(R"({"jsonrpc":"2.0","id":5})");
  REQUIRE_FALSE(parsed.ok());
  Message reply = ReplyToUnreadableFrame(parsed.status());
  CHECK(reply.id == 5);
  CHECK(reply.error->code == error_code::kInvalidRequest);

  auto wrong_version = ParseMessage(R"({"jsonrpc":"1.0","id":"a","method":"ping"})");
  CHECK(ReplyToUnreadableFrame(wrong_version.status()).id == "a");

  auto object_id = ParseMessage(R"({"jsonrpc":"2.0","id":{},"method":"ping"})");
  CHECK(ReplyToUnreadableFrame(object_id.status()).id.is_null());
}

TEST_CASE("ParseMessage refuses nesting past the limit as invalid, under the message's id") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto parsed = ParseMessage(R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"a":)" +
                             deep + "}}");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == StatusCode::kInvalidMessage);
  CHECK(parsed.status().message().find("deeper than 64") != std::string::npos);
  Message reply = ReplyToUnreadableFrame(parsed.status());
  CHECK(reply.id == 9);
  CHECK(reply.error->code == error_code::kInvalidRequest);

  const std::string at_limit = R"({"jsonrpc":"2.0","method":"x","params":{"a":[[]]}})";
  CHECK(ParseMessage(at_limit, 4).ok());
  CHECK_FALSE(ParseMessage(at_limit, 3).ok());
}

TEST_CASE("ParseMessage keeps the id of text that is not JSON, but the reply goes to id null") {
  auto parsed = ParseMessage("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":\"\xff\"}");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == StatusCode::kParse);
  CHECK(parsed.status().detail() == 4);
  CHECK(ReplyToUnreadableFrame(parsed.status()).id.is_null());
}

}  // namespace mcpgw::protocol
