#include "upstream/sse_reconnect.h"

#include <doctest/doctest.h>

namespace mcpgw::upstream {

using std::chrono::milliseconds;

TEST_CASE("ReconnectDelay honours the server's retry within bounds") {
  CHECK(ReconnectDelay(std::nullopt) == milliseconds(1000));
  CHECK(ReconnectDelay(5000) == milliseconds(5000));
  CHECK(ReconnectDelay(0) == milliseconds(100));
  CHECK(ReconnectDelay(-5) == milliseconds(100));
  CHECK(ReconnectDelay(86400000) == milliseconds(30000));
}

TEST_CASE("IsResponseTo recognises the response to one request only") {
  protocol::Json id = 7;
  CHECK(IsResponseTo(R"({"jsonrpc":"2.0","id":7,"result":{}})", id, 64));
  CHECK(IsResponseTo(R"({"jsonrpc":"2.0","id":7,"error":{"code":-1,"message":"x"}})", id, 64));
  CHECK_FALSE(IsResponseTo(R"({"jsonrpc":"2.0","id":8,"result":{}})", id, 64));
  CHECK_FALSE(IsResponseTo(R"({"jsonrpc":"2.0","id":7,"method":"sampling/createMessage"})", id, 64));
  CHECK_FALSE(IsResponseTo(R"({"jsonrpc":"2.0","method":"notifications/progress"})", id, 64));
  CHECK_FALSE(IsResponseTo("", id, 64));
  CHECK_FALSE(IsResponseTo(R"({"jsonrpc":"2.0","id":"7","result":{}})", id, 64));
  CHECK_FALSE(IsResponseTo(R"({"jsonrpc":"2.0","id":7,"result":{}})", nullptr, 64));
}

}  // namespace mcpgw::upstream
