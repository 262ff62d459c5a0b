#include "protocol/json_rpc.h"

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::protocol {

TEST_CASE("ParseFrame reads a single message as a frame of one, not a batch") {
  auto frame = ParseFrame(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  REQUIRE(frame.ok());
  CHECK_FALSE(frame->batch);
  REQUIRE(frame->entries.size() == 1);
  REQUIRE(frame->entries[0].ok());
  CHECK(frame->entries[0]->method == "ping");
}

TEST_CASE("ParseFrame reads a batch of requests, notifications and responses in order") {
  auto frame = ParseFrame(R"(  [{"jsonrpc":"2.0","id":1,"method":"ping"},)"
                          R"({"jsonrpc":"2.0","method":"notifications/initialized"},)"
                          R"({"jsonrpc":"2.0","id":"r","result":{}}])");
  REQUIRE(frame.ok());
  CHECK(frame->batch);
  REQUIRE(frame->entries.size() == 3);
  CHECK(frame->entries[0]->is_request());
  CHECK(frame->entries[1]->is_notification());
  CHECK(frame->entries[2]->is_response());
}

TEST_CASE("An invalid entry of a batch costs that entry only, answered under its own id") {
  auto frame = ParseFrame(
      R"([{"jsonrpc":"2.0","id":1,"method":"ping"},1,{"jsonrpc":"1.0","id":9,"method":"x"},)"
      R"({"jsonrpc":"2.0","id":2,"method":"ping"}])");
  REQUIRE(frame.ok());
  REQUIRE(frame->entries.size() == 4);
  CHECK(frame->entries[0].ok());
  REQUIRE_FALSE(frame->entries[1].ok());
  CHECK(ReplyToUnreadableFrame(frame->entries[1].status()).id.is_null());
  REQUIRE_FALSE(frame->entries[2].ok());
  Message reply = ReplyToUnreadableFrame(frame->entries[2].status());
  CHECK(reply.id == 9);
  CHECK(reply.error->code == error_code::kInvalidRequest);
  CHECK(frame->entries[3].ok());
}

TEST_CASE("ParseFrame refuses an empty batch and one over the entry limit as a whole") {
  auto empty = ParseFrame(" [ ] ");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().code() == StatusCode::kInvalidMessage);
  CHECK(ReplyToUnreadableFrame(empty.status()).error->code == error_code::kInvalidRequest);

  std::string three = R"([{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b"},)"
                      R"({"jsonrpc":"2.0","method":"c"}])";
  CHECK(ParseFrame(three, kDefaultMaxJsonDepth, 3).ok());
  auto over = ParseFrame(three, kDefaultMaxJsonDepth, 2);
  REQUIRE_FALSE(over.ok());
  CHECK(over.status().code() == StatusCode::kInvalidMessage);
  CHECK(over.status().message().find("at most 2") != std::string::npos);
}

TEST_CASE("A batch that is not JSON is a parse error") {
  auto frame = ParseFrame(R"([{"jsonrpc":"2.0","id":1,"method":"ping"})");
  REQUIRE_FALSE(frame.ok());
  CHECK(frame.status().code() == StatusCode::kParse);
}

TEST_CASE("Entries of a batch may nest as deep as a single message, and no deeper") {
  auto nested = [](int depth) {
    std::string params = std::string(depth - 1, '[') + std::string(depth - 1, ']');
    return R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":)" + params + "}}";
  };
  // A message of depth 4 (its object, params, then two arrays) passes a limit of 4 alone ...
  const std::string four = nested(3);
  CHECK(ParseMessage(four, 4).ok());
  CHECK(ParseFrame("[" + four + "]", 4).ok());
  // ... and one of depth 5 is refused, alone or in a batch, before anything is parsed.
  const std::string five = nested(4);
  CHECK_FALSE(ParseMessage(five, 4).ok());
  auto deep = ParseFrame("[" + four + "," + five + "]", 4);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.status().code() == StatusCode::kInvalidMessage);
  // A huge nesting never reaches the parser.
  auto huge = ParseFrame(std::string(100000, '[') + std::string(100000, ']'));
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.status().code() == StatusCode::kInvalidMessage);
}

TEST_CASE("ParseMessage still refuses a batch: only ParseFrame reads one") {
  auto message = ParseMessage(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  REQUIRE_FALSE(message.ok());
  CHECK(message.status().code() == StatusCode::kInvalidMessage);
}

}  // namespace mcpgw::protocol
