#include "upstream/websocket_connection.h"

#include "tests/upstream/upstream_test_support.h"
#include "upstream/child_process.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

namespace mcpgw::upstream::testing {
namespace {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::StatusCode;
using namespace std::chrono_literals;

// tests/fixtures/ws_server.mjs, started with flags, on a port of its choosing.
class WsFixture {
 public:
  explicit WsFixture(std::vector<std::string> flags = {}) {
    ServerConfig config;
    config.name = "ws_fixture";
    config.command = "node";
    config.args = {MCPGW_SOURCE_DIR "/tests/fixtures/ws_server.mjs"};
    config.args.insert(config.args.end(), flags.begin(), flags.end());
    auto spawned = ChildProcess::Spawn(config, [](std::string_view) {});
    REQUIRE_MESSAGE(spawned.ok(), spawned.status().message());
    process_ = std::move(spawned).value();
    port_ = ReadPort(process_->stdout_fd());
    REQUIRE(port_ > 0);
  }

  // An upstream config for this fixture.
  ServerConfig Server() const {
    ServerConfig config;
    config.name = "ws";
    config.type = TransportType::kWebSocket;
    config.url = "ws://127.0.0.1:" + std::to_string(port_) + "/mcp";
    config.timeout = 10s;
    return config;
  }

 private:
  // Reads the fixture's stdout up to "listening on PORT\n"; 0 when it does not come in 20 s.
  static int ReadPort(int fd) {
    std::string output;
    std::smatch match;
    const std::regex listening("listening on (\\d+)\n");
    pollfd readable{fd, POLLIN, 0};
    while (!std::regex_search(output, match, listening) && poll(&readable, 1, 20000) > 0) {
      char chunk[256];
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) return 0;
      output.append(chunk, n);
    }
    return match.empty() ? 0 : std::stoi(match[1]);
  }

  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

TEST_CASE("A websocket Upstream initializes, lists the server's tools and answers calls") {
  WsFixture fixture;
  Upstream upstream(fixture.Server(), nullptr);
  StartReady(upstream);
  CHECK(Names(upstream.offer()->tools) == std::vector<std::string>{"echo", "add", "slow"});
  CHECK(upstream.offer()->server_info["name"] == "ws-fixture");
  CHECK(FirstText(CallTool(upstream, "echo", {{"text", "over a frame"}})) == "over a frame");
  CHECK(FirstText(CallTool(upstream, "add", {{"a", 2}, {"b", 40}})) == "42");
}

TEST_CASE("A websocket Upstream delivers progress and keeps concurrent calls apart") {
  WsFixture fixture;
  Upstream upstream(fixture.Server(), nullptr);
  StartReady(upstream);
  std::mutex mutex;
  std::vector<Json> progress;
  PendingReply slow = StartCall(
      upstream, "tools/call",
      {{"name", "slow"}, {"arguments", {{"ms", 50}}}, {"_meta", {{"progressToken", "t"}}}},
      [&](Json params) {
        std::lock_guard lock(mutex);
        progress.push_back(std::move(params));
      });
  std::vector<PendingReply> calls;
  for (int i = 0; i < 20; ++i)
    calls.push_back(StartTool(upstream, "echo", {{"text", std::to_string(i)}}));
  for (int i = 0; i < 20; ++i) CHECK(FirstText(calls[i].Get()) == std::to_string(i));
  CHECK(FirstText(slow.Get()) == "slept 50 ms");
  std::lock_guard lock(mutex);
  CHECK(progress.size() == 2);
}

TEST_CASE("A websocket upgrade carries the static headers and the bearer token") {
  WsFixture fixture({"--require-bearer", "ws-secret", "--require-header", "X-Org:acme"});
  ServerConfig config = fixture.Server();
  config.headers = {{"X-Org", "acme"}};
  config.auth.type = AuthType::kBearer;
  config.auth.token = "ws-secret";
  Upstream upstream(config, nullptr);
  StartReady(upstream);
  CHECK(FirstText(CallTool(upstream, "echo", {{"text", "authorized"}})) == "authorized");
}

TEST_CASE("A websocket upstream refused at the upgrade does not become ready") {
  WsFixture fixture({"--require-bearer", "ws-secret"});
  ServerConfig config = fixture.Server();
  config.auth.type = AuthType::kBearer;
  config.auth.token = "wrong";
  Upstream upstream(config, nullptr);
  upstream.Start();
  CHECK(upstream.WaitForFirstAttempt(Clock::now() + 20s) == State::kRestarting);
  CHECK(CallTool(upstream, "echo").status().code() == StatusCode::kUnavailable);
}

TEST_CASE("A websocket Upstream reconnects after the server drops the connection") {
  WsFixture fixture({"--drop-after", "4"});  // initialize, initialized, tools/list, one call
  RecordingObserver observer;
  Upstream upstream(fixture.Server(), &observer);
  StartReady(upstream);
  Result<Json> dropped = CallTool(upstream, "echo", {{"text", "maybe"}});
  CHECK((dropped.ok() || dropped.status().code() == StatusCode::kUnavailable));
  REQUIRE(WaitUntil([&] {
    std::vector<State> states = observer.states();
    return std::count(states.begin(), states.end(), State::kReady) == 2;
  }));
  CHECK(FirstText(CallTool(upstream, "echo", {{"text", "again"}})) == "again");
}

TEST_CASE("OpenWebSocketConnection refuses a url that is not ws or wss; Send fails once closed") {
  ServerConfig config;
  config.name = "ws";
  config.url = "http://127.0.0.1:1/";
  CHECK(OpenWebSocketConnection(config).status().code() == StatusCode::kUnavailable);
  config.url = "ws://127.0.0.1:1/";  // nothing listens on port 1
  auto connection = OpenWebSocketConnection(config);
  REQUIRE(connection.ok());
  CHECK((*connection)->transport().Receive().status().code() == StatusCode::kClosed);
  (*connection)->Shutdown(100ms);
  Message ping;
  ping.method = "ping";
  CHECK((*connection)->transport().Send(ping).code() == StatusCode::kClosed);
}

}  // namespace
}  // namespace mcpgw::upstream::testing
