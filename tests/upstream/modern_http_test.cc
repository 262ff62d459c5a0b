// A modern server over Streamable HTTP, played by a small in-process HTTP server, for what no real
// server shows: the headers each request carries, a 400 whose body is a JSON-RPC error, a cancel
// that closes the request's stream instead of posting notifications/cancelled; and a legacy one,
// for the endpoint's era remembered across connections.
#include "upstream/upstream.h"

#include "protocol/era.h"
#include "tests/upstream/upstream_test_support.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>

namespace mcpgw::upstream::testing {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::StatusCode;

// POST /mcp as a modern server: server/discover, tools/list, and tools/call of "echo" (200),
// "refuse" (400 with a -32602 error) and "hang" (an event stream that never answers). Records
// each request's method and headers. With legacy: a legacy server instead, which answers
// server/discover with a plain 400 and initialize with a session.
class ModernHttpServer {
 public:
  explicit ModernHttpServer(bool legacy = false) : legacy_(legacy) {
    server_.Post("/mcp", [this](const httplib::Request& req, httplib::Response& res) {
      Json body = Json::parse(req.body);
      Record(body, req);
      Answer(body, res);
    });
    server_.Get("/mcp", [this](const httplib::Request&, httplib::Response& res) {
      gets_++;
      res.status = 405;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~ModernHttpServer() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }
  int gets() const { return gets_; }
  bool hang_closed() const { return hang_closed_; }

  struct Seen {
    std::string method;
    httplib::Headers headers;
  };
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  int Count(const std::string& method) const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(seen_.begin(), seen_.end(),
                                          [&](const Seen& seen) { return seen.method == method; }));
  }
  std::optional<Seen> Last(const std::string& method) const {
    std::lock_guard lock(mutex_);
    for (auto it = seen_.rbegin(); it != seen_.rend(); ++it) {
      if (it->method == method) return *it;
    }
    return std::nullopt;
  }

 private:
  void Record(const Json& body, const httplib::Request& req) {
    std::lock_guard lock(mutex_);
    seen_.push_back({body.value("method", ""), req.headers});
  }

  void Answer(const Json& body, httplib::Response& res) {
    const std::string method = body.value("method", "");
    const Json id = body.value("id", Json());
    auto result = [&](Json value) {
      res.set_content(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(value)}}.dump(),
                      "application/json");
    };
    if (id.is_null()) {
      res.status = 202;
    } else if (legacy_ && method == "server/discover") {
      res.status = 400;
      res.set_content("Bad Request: no session", "text/plain");
    } else if (method == "initialize") {
      res.set_header("Mcp-Session-Id", "s-1");
      result({{"protocolVersion", "2025-11-25"}, {"capabilities", {{"tools", Json::object()}}}});
    } else if (method == "server/discover") {
      result({{"resultType", "complete"},
              {"supportedVersions", {"2026-07-28"}},
              {"capabilities", {{"tools", {{"listChanged", true}}}}}});
    } else if (method == "subscriptions/listen") {
      Listen(id, res);
    } else if (method == "tools/list") {
      result({{"resultType", "complete"}, {"tools", {{{"name", "echo"}}}}, {"ttlMs", 42}});
    } else if (body["params"]["name"] == "refuse") {
      res.status = 400;
      res.set_content(Json{{"jsonrpc", "2.0"},
                           {"id", id},
                           {"error", {{"code", -32602}, {"message", "no such thing"}}}}
                          .dump(),
                      "application/json");
    } else if (body["params"]["name"] == "hang") {
      res.set_chunked_content_provider(
          "text/event-stream", [this](std::size_t, httplib::DataSink& sink) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            static constexpr std::string_view kComment = ": waiting\n\n";
            if (!sink.is_writable() || !sink.write(kComment.data(), kComment.size())) {
              hang_closed_ = true;
              return false;
            }
            return true;
          });
    } else {
      result({{"resultType", "complete"}, {"content", {{{"type", "text"}, {"text", "echoed"}}}}});
    }
  }

  const bool legacy_;
  // The listen stream as newline-delimited JSON (as some servers send it): the acknowledgement
  // and a log message at once, then blank lines until the client goes.
  void Listen(const Json& id, httplib::Response& res) {
    Json on_stream = {{protocol::kMetaSubscriptionId, id}};
    std::string lines =
        Json{{"jsonrpc", "2.0"},
             {"method", "notifications/subscriptions/acknowledged"},
             {"params", {{"_meta", on_stream}, {"notifications", {{"toolsListChanged", true}}}}}}
            .dump() +
        "\n" +
        Json{{"jsonrpc", "2.0"},
             {"method", "notifications/message"},
             {"params", {{"_meta", on_stream}, {"level", "info"}, {"data", "over lines"}}}}
            .dump() +
        "\n";
    res.set_chunked_content_provider("application/json",
                                     [lines](std::size_t offset, httplib::DataSink& sink) {
                                       if (offset == 0)
                                         return sink.write(lines.data(), lines.size());
                                       std::this_thread::sleep_for(std::chrono::milliseconds(20));
                                       return sink.is_writable() && sink.write("\n", 1);
                                     });
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> gets_{0};
  std::atomic<bool> hang_closed_{false};
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;  // guarded by mutex_
};

ServerConfig HttpConfig(const ModernHttpServer& server) {
  ServerConfig config;
  config.name = "remote";
  config.type = TransportType::kHttp;
  config.url = server.url();
  config.timeout = std::chrono::seconds(10);
  return config;
}

PendingReply StartWithHooks(Upstream& upstream, Json params, CallHooks hooks) {
  auto promise = std::make_shared<std::promise<Result<Json>>>();
  PendingReply pending{0, promise->get_future()};
  pending.id = upstream.Call(
      "tools/call", std::move(params),
      [promise](Result<Json> reply) { promise->set_value(std::move(reply)); }, std::move(hooks));
  return pending;
}

}  // namespace

TEST_CASE("A modern HTTP request carries the revision, method, name and forwarded headers") {
  ModernHttpServer server;
  Upstream upstream(HttpConfig(server), nullptr);
  StartReady(upstream);
  CHECK(upstream.offer()->era == Era::kModern);
  CHECK(upstream.offer()->tools_ttl_ms == 42);
  CallHooks hooks;
  hooks.forward_headers = {{"Mcp-Param-Region", "eu-west"}};
  Result<Json> reply =
      StartWithHooks(upstream, {{"name", "echo"}, {"arguments", Json::object()}}, hooks).Get();
  CHECK(FirstText(reply) == "echoed");
  std::optional<ModernHttpServer::Seen> call = server.Last("tools/call");
  REQUIRE(call);
  auto header = [&](const char* name) {
    auto found = call->headers.find(name);
    return found == call->headers.end() ? std::string("(none)") : found->second;
  };
  CHECK(header("MCP-Protocol-Version") == "2026-07-28");
  CHECK(header("Mcp-Method") == "tools/call");
  CHECK(header("Mcp-Name") == "echo");
  CHECK(header("Mcp-Param-Region") == "eu-west");
  CHECK(header("Mcp-Session-Id") == "(none)");
  for (const ModernHttpServer::Seen& seen : server.seen()) CHECK(seen.method != "initialize");
  CHECK(server.gets() == 0);  // no GET stream in the modern era
  upstream.Stop();
}

TEST_CASE("A modern HTTP 400 carrying a JSON-RPC error reaches the caller as that error") {
  ModernHttpServer server;
  Upstream upstream(HttpConfig(server), nullptr);
  StartReady(upstream);
  Result<Json> reply = CallTool(upstream, "refuse");
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.status().code() == StatusCode::kRemote);
  CHECK(reply.status().detail()["code"] == -32602);
  CHECK(reply.status().message() == "no such thing");
  upstream.Stop();
}

TEST_CASE("Cancelling a modern HTTP call closes its stream and posts no notifications/cancelled") {
  ModernHttpServer server;
  Upstream upstream(HttpConfig(server), nullptr);
  StartReady(upstream);
  PendingReply call = StartTool(upstream, "hang");
  REQUIRE(WaitUntil([&] { return server.Last("tools/call").has_value(); }));
  upstream.Cancel(call.id, "enough");
  CHECK(call.Get().status().code() == StatusCode::kCancelled);
  CHECK(WaitUntil([&] { return server.hang_closed(); }));
  for (const ModernHttpServer::Seen& seen : server.seen()) {
    CHECK(seen.method != "notifications/cancelled");
  }
  upstream.Stop();
}

TEST_CASE(
    "An HTTP endpoint found legacy is initialized, and not probed again while the gateway runs") {
  ModernHttpServer server(/*legacy=*/true);
  for (int start = 0; start < 2; ++start) {
    Upstream upstream(HttpConfig(server), nullptr);
    StartReady(upstream);
    CHECK(upstream.offer()->era == Era::kLegacy);
    CHECK(FirstText(CallTool(upstream, "echo")) == "echoed");
    upstream.Stop();
  }
  CHECK(server.Count("server/discover") == 1);
  CHECK(server.Count("initialize") == 2);
}

TEST_CASE("A listen stream sent as JSON lines is read line by line as it arrives") {
  ModernHttpServer server;
  RecordingObserver observer;
  Upstream upstream(HttpConfig(server), &observer);
  StartReady(upstream);
  CHECK(WaitUntil([&] { return !observer.notifications().empty(); }));
  std::vector<protocol::Message> told = observer.notifications();
  REQUIRE(told.size() == 1);  // the acknowledgement is the gateway's own
  CHECK(told[0].method == "notifications/message");
  CHECK(told[0].params == Json{{"level", "info"}, {"data", "over lines"}});
  upstream.Stop();
}

}  // namespace mcpgw::upstream::testing
