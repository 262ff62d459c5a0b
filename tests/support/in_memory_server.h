#pragma once

// A test double of an MCP server, in memory (protocol/memory_transport.h): an Upstream reaches it
// through its connection factory. It answers initialize (or server/discover), ping and the list
// requests itself from the offer it was given, and leaves every other message to the test,
// which answers when and how it likes. For unit tests; the end-to-end tests use real servers.

#include "protocol/json_rpc.h"
#include "upstream/connection.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mcpgw::testing {

// Every list with listChanged (resources also with subscribe), and logging.
protocol::Json EveryCapability();

// What the server answers initialize and the list requests with.
struct ServerOffer {
  protocol::Json tools = protocol::Json::array();
  protocol::Json prompts = protocol::Json::array();
  protocol::Json resources = protocol::Json::array();
  protocol::Json resource_templates = protocol::Json::array();
  protocol::Json capabilities = EveryCapability();
  protocol::Json server_info = {{"name", "in-memory"}, {"version", "1.0.0"}};
  // A modern server (2026-07-28): it answers server/discover (ttlMs 5000) and the lists (ttlMs
  // 1000), not initialize. A legacy one answers server/discover with -32601.
  bool modern = false;
};

// One connection at a time; every method is safe from any thread. Must outlive the Upstream
// that connects to it (stop the Upstream first).
class InMemoryServer {
 public:
  explicit InMemoryServer(ServerOffer offer = {});
  ~InMemoryServer();  // Disconnect()
  InMemoryServer(const InMemoryServer&) = delete;
  InMemoryServer& operator=(const InMemoryServer&) = delete;

  // Opens a new connection to this server, closing the previous one: what an Upstream's
  // connection factory returns. Never fails.
  protocol::Result<std::unique_ptr<upstream::Connection>> Connect();

  // What initialize and the lists are answered with from now on. Tells nobody: send a
  // list_changed notification for that.
  void SetOffer(ServerOffer offer);

  // Sends the gateway a message: a reply, progress, a notification, a request of the server's.
  // kClosed when no connection is open.
  protocol::Status Send(const protocol::Message& message);
  // Send, for the usual messages: the result of `request`; progress on the progressToken of
  // `request` (fields: progress, total, message); a notification.
  protocol::Status Answer(const protocol::Message& request, protocol::Json result);
  protocol::Status Progress(const protocol::Message& request, protocol::Json fields);
  protocol::Status Notify(std::string method, protocol::Json params = protocol::Json::object());

  // Waits for the next message the server left to the test (every request but initialize,
  // ping and the lists; every notification but notifications/initialized; every response), in
  // the order they came; nullopt when none comes within limit.
  std::optional<protocol::Message> WaitForMessage(
      std::chrono::milliseconds limit = std::chrono::seconds(5));

  // Every message the gateway sent since the last call (those answered here included), in the
  // order they came.
  std::vector<protocol::Message> TakeReceived();

  // Runs action on the gateway's sending thread the next time the gateway sends this server a
  // message, before the message is passed on: to make something happen in the middle of a
  // send. One at a time; needs an open connection. action must not wait for the sending thread.
  void BeforeNextDelivery(std::function<void()> action);

  // Whether both directions of the connection are quiet: the server has handled every message
  // the gateway sent it, and the gateway's reader has handled every message the server sent and
  // waits for the next. True when no connection is open or it has closed.
  bool Idle() const;
  // Waits until Idle(), or until limit passes; returns Idle().
  bool WaitUntilIdle(std::chrono::milliseconds limit = std::chrono::seconds(5)) const;

 private:
  struct Link;
  class GatewayEnd;

  // Closes the open connection, if any, and waits for its reader thread.
  void Disconnect();
  // The reader thread of one connection: handles each message the gateway sends.
  void Serve(protocol::Transport& transport, Link& link);
  // Records message; returns the answer the server gives it itself.
  std::optional<protocol::Message> Handle(const protocol::Message& message);
  static protocol::Status SendOn(protocol::Transport& transport, Link& link,
                                 const protocol::Message& message);
  // The answer the server gives message itself; nullopt when it leaves message to the test.
  std::optional<protocol::Message> AnswerOf(const protocol::Message& message) const;
  protocol::Message Discover(const protocol::Message& request) const;
  protocol::Message List(const protocol::Message& request, protocol::Json result) const;
  std::shared_ptr<Link> CurrentLink() const;

  mutable std::mutex mutex_;         // guards every member below
  std::condition_variable arrived_;  // a message was left to the test
  ServerOffer offer_;
  std::vector<protocol::Message> received_;         // since the last TakeReceived
  std::deque<protocol::Message> left_;              // left to the test, not yet taken
  std::shared_ptr<protocol::Transport> transport_;  // the server's end; null before Connect
  std::shared_ptr<Link> link_;
  std::thread reader_;
};

}  // namespace mcpgw::testing
