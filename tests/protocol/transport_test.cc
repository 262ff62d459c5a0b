#include "protocol/line_transport.h"
#include "protocol/memory_transport.h"

#include <doctest/doctest.h>

#include <thread>
#include <unistd.h>

namespace mcpgw::protocol {

TEST_CASE("LineTransport reads messages, reports bad lines, and goes on") {
  int to_transport[2];
  int from_transport[2];
  REQUIRE(pipe(to_transport) == 0);
  REQUIRE(pipe(from_transport) == 0);
  LineTransport transport(to_transport[0], from_transport[1], 64, LineTransport::Ownership::kOwned);

  std::string input = "nope\n" + std::string(100, 'x') + "\n" +
                      R"({"jsonrpc":"2.0","id":1,"method":"ping"})" "\n";
  REQUIRE(write(to_transport[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  close(to_transport[1]);

  CHECK(transport.Receive().status().code() == StatusCode::kParse);
  CHECK(transport.Receive().status().code() == StatusCode::kTooLarge);
  auto ping = transport.Receive();
  REQUIRE(ping.ok());
  CHECK(ping->method == "ping");
  CHECK(transport.Receive().status().code() == StatusCode::kClosed);

  REQUIRE(transport.Send(MakeResult(1, Json::object())).ok());
  char buffer[128] = {};
  ssize_t n = read(from_transport[0], buffer, sizeof buffer);
  CHECK(std::string(buffer, n) == "{\"id\":1,\"jsonrpc\":\"2.0\",\"result\":{}}\n");
  close(from_transport[0]);
}

TEST_CASE("LineTransport Close unblocks a waiting Receive") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  LineTransport transport(fds[0], fds[1], 64, LineTransport::Ownership::kOwned);
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    transport.Close();
  });
  CHECK(transport.Receive().status().code() == StatusCode::kClosed);
  closer.join();
  CHECK(transport.Send(MakeNotification("x")).code() == StatusCode::kClosed);
}

TEST_CASE("MemoryTransport pair delivers in order and closes both ends") {
  auto [left, right] = MakeMemoryTransportPair();
  REQUIRE(left->Send(MakeRequest(1, "a")).ok());
  REQUIRE(left->Send(MakeRequest(2, "b")).ok());
  CHECK(right->Receive()->method == "a");
  right->Close();
  CHECK(left->Send(MakeRequest(3, "c")).code() == StatusCode::kClosed);
  CHECK(right->Receive()->method == "b");  // already sent: still delivered
  CHECK(right->Receive().status().code() == StatusCode::kClosed);
  CHECK(left->Receive().status().code() == StatusCode::kClosed);
}

}  // namespace mcpgw::protocol
