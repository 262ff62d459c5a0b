#include "proxy/session/batch_reply.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Message;

struct Sent {
  std::vector<std::string> arrays;
  std::vector<Message> passed;
  ClientSink passthrough = [this](const Message& m) { passed.push_back(m); };
};

}  // namespace

TEST_CASE("BatchReply sends one array in the batch's order once every request is answered") {
  Sent sent;
  auto reply =
      std::make_shared<BatchReply>(3, [&sent](std::string a) { sent.arrays.push_back(a); });
  ClientSink first = reply->SinkFor(0, 1, sent.passthrough);
  reply->Answer(1, protocol::MakeError(nullptr, {-32600, "Invalid Request", nullptr}));
  ClientSink third = reply->SinkFor(2, "c", sent.passthrough);
  third(protocol::MakeNotification("notifications/progress", {{"progress", 1}}));
  CHECK(sent.passed.size() == 1);  // not held back
  third(protocol::MakeResult("c", Json::object()));
  CHECK(sent.arrays.empty());
  CHECK_FALSE(reply->done());
  first(protocol::MakeResult(1, {{"x", 1}}));
  REQUIRE(sent.arrays.size() == 1);
  Json array = Json::parse(sent.arrays[0]);
  REQUIRE(array.is_array());
  REQUIRE(array.size() == 3);
  CHECK(array[0]["id"] == 1);
  CHECK(array[1]["id"].is_null());
  CHECK(array[2]["id"] == "c");
  CHECK(reply->done());
  // A late second answer changes nothing.
  first(protocol::MakeResult(1, Json::object()));
  CHECK(sent.arrays.size() == 1);
}

TEST_CASE("A cancelled request is left out of the array; all cancelled sends nothing") {
  Sent sent;
  OpenBatches open;
  auto reply =
      std::make_shared<BatchReply>(2, [&sent](std::string a) { sent.arrays.push_back(a); });
  open.Add(reply);
  ClientSink a = reply->SinkFor(0, "a", sent.passthrough);
  ClientSink b = reply->SinkFor(1, "b", sent.passthrough);
  open.Cancelled(protocol::MakeNotification("notifications/cancelled", {{"requestId", "a"}}));
  a(protocol::MakeResult("a", Json::object()));  // answered after its cancellation: dropped
  b(protocol::MakeResult("b", Json::object()));
  REQUIRE(sent.arrays.size() == 1);
  Json array = Json::parse(sent.arrays[0]);
  REQUIRE(array.size() == 1);
  CHECK(array[0]["id"] == "b");

  auto quiet =
      std::make_shared<BatchReply>(1, [&sent](std::string a) { sent.arrays.push_back(a); });
  open.Add(quiet);
  (void)quiet->SinkFor(0, 7, sent.passthrough);
  open.Cancelled(protocol::MakeNotification("notifications/cancelled", {{"requestId", 7}}));
  CHECK(quiet->done());
  CHECK(sent.arrays.size() == 1);
}

}  // namespace mcpgw::proxy
