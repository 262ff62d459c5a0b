#pragma once

// Helpers for the Upstream tests: configs for the fixture and the real servers, an observer that
// records what it is told, and blocking calls with a bound.

#include "upstream/upstream.h"

#include <doctest/doctest.h>

#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace mcpgw::upstream::testing {

using Clock = std::chrono::steady_clock;

inline ServerConfig FaultyServer(std::vector<std::string> flags = {},
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  ServerConfig config;
  config.name = "faulty";
  config.command = "node";
  config.args = {MCPGW_SOURCE_DIR "/tests/fixtures/faulty_server.mjs"};
  config.args.insert(config.args.end(), flags.begin(), flags.end());
  config.timeout = timeout;
  return config;
}

inline ServerConfig EverythingServer() {
  ServerConfig config;
  config.name = "everything";
  config.command = MCPGW_SOURCE_DIR "/node_modules/.bin/mcp-server-everything";
  config.args = {"stdio"};
  config.timeout = std::chrono::seconds(10);
  return config;
}

// Polls until done() holds or limit passes; returns done().
inline bool WaitUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = Clock::now() + limit;
  while (!done() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

class RecordingObserver : public UpstreamObserver {
 public:
  void OnOfferChanged(const std::string&) override {
    std::lock_guard lock(mutex_);
    ++offer_changes_;
  }
  void OnStateChanged(const std::string&, State state) override {
    std::lock_guard lock(mutex_);
    states_.push_back(state);
  }
  void OnNotification(const std::string&, const protocol::Message& notification) override {
    std::lock_guard lock(mutex_);
    notifications_.push_back(notification);
  }
  Withdraw OnRequest(const std::string&, protocol::Message request, ReplyHandler reply) override {
    reply(protocol::Status(protocol::StatusCode::kNotFound, "no client: " + request.method));
    return nullptr;
  }
  protocol::Json ClientCapabilities(const std::string&) override {
    return protocol::Json::object();
  }

  int offer_changes() const {
    std::lock_guard lock(mutex_);
    return offer_changes_;
  }
  std::vector<State> states() const {
    std::lock_guard lock(mutex_);
    return states_;
  }
  std::vector<protocol::Message> notifications() const {
    std::lock_guard lock(mutex_);
    return notifications_;
  }

 private:
  mutable std::mutex mutex_;
  int offer_changes_ = 0;
  std::vector<State> states_;
  std::vector<protocol::Message> notifications_;
};

// A call whose reply can be awaited.
struct PendingReply {
  CallId id = 0;
  std::future<protocol::Result<protocol::Json>> reply;

  // The reply, failing the test when none comes within limit.
  protocol::Result<protocol::Json> Get(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    REQUIRE(reply.wait_for(limit) == std::future_status::ready);
    return reply.get();
  }
};

inline PendingReply StartCall(Upstream& upstream, std::string method, protocol::Json params,
                              ProgressHandler on_progress = nullptr) {
  CallHooks hooks;
  hooks.on_progress = std::move(on_progress);
  auto promise = std::make_shared<std::promise<protocol::Result<protocol::Json>>>();
  PendingReply pending{0, promise->get_future()};
  pending.id = upstream.Call(
      std::move(method), std::move(params),
      [promise](protocol::Result<protocol::Json> reply) { promise->set_value(std::move(reply)); },
      std::move(hooks));
  return pending;
}

inline PendingReply StartTool(Upstream& upstream, std::string tool,
                              protocol::Json arguments = protocol::Json::object()) {
  return StartCall(upstream, "tools/call",
                   {{"name", std::move(tool)}, {"arguments", std::move(arguments)}});
}

inline protocol::Result<protocol::Json> CallTool(
    Upstream& upstream, std::string tool, protocol::Json arguments = protocol::Json::object()) {
  return StartTool(upstream, std::move(tool), std::move(arguments)).Get();
}

inline std::string FirstText(const protocol::Result<protocol::Json>& result) {
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  return result->at("content").at(0).at("text").get<std::string>();
}

// Starts upstream and requires it to become ready.
inline void StartReady(Upstream& upstream) {
  upstream.Start();
  REQUIRE(upstream.WaitForFirstAttempt(Clock::now() + std::chrono::seconds(20)) == State::kReady);
}

inline std::vector<std::string> Names(const protocol::Json& items) {
  std::vector<std::string> names;
  for (const protocol::Json& item : items) names.push_back(item.value("name", ""));
  return names;
}

}  // namespace mcpgw::upstream::testing
