#include "tests/proxy/session/conversation_runner.h"

#include "tests/proxy/session/session_rig.h"
#include "tests/support/in_memory_server.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace mcpgw::proxy::testing {

using mcpgw::testing::InMemoryServer;
using protocol::Json;
using protocol::Message;
using namespace std::chrono_literals;

namespace {

// How long a check waits for the lines an input expects before it compares what came.
constexpr auto kExpectedLinesLimit = 2s;
// How long a run waits after a list_changed for lines the refetch causes.
constexpr auto kRefetchWhileChecking = 20ms;
constexpr auto kRefetchWhileRecording = 100ms;
// How long one upstream connection may stay busy before the run gives up on it.
constexpr auto kQuietLimit = 5s;

// What the clients got, by client; and what happens before a client's next message arrives.
class ClientInbox {
 public:
  ClientSink SinkOf(const std::string& client) {
    return [this, client](const Message& message) { Receive(client, message); };
  }

  // Runs action before the client's next message is kept (on the sending thread).
  void BeforeNextDelivery(const std::string& client, std::function<void()> action) {
    std::lock_guard lock(mutex_);
    actions_[client] = std::move(action);
  }

  void DropActions() {
    std::lock_guard lock(mutex_);
    actions_.clear();
  }

  std::vector<Json> Take(const std::string& client) {
    std::lock_guard lock(mutex_);
    return std::exchange(lines_[client], {});
  }

 private:
  void Receive(const std::string& client, const Message& message) {
    std::function<void()> action;
    {
      std::lock_guard lock(mutex_);
      action = std::exchange(actions_[client], nullptr);
    }
    if (action) action();
    Json line = WithoutVersion(message);
    std::lock_guard lock(mutex_);
    lines_[client].push_back(std::move(line));
  }

  std::mutex mutex_;  // guards both maps
  std::map<std::string, std::function<void()>> actions_;
  std::map<std::string, std::vector<Json>> lines_;
};

// One run of a conversation.
class Run {
 public:
  Run(const Conversation& conversation, Patience patience)
      : conversation_(conversation), patience_(patience) {}

  Outcome Go() {
    Start();
    Outcome outcome;
    for (const Input& input : conversation_.inputs) {
      Perform(input);
      outcome.said.push_back(Collect(input));
    }
    inbox_.DropActions();
    for (auto& [name, server] : servers_) server->BeforeNextDelivery(nullptr);
    std::lock_guard lock(mutex_);
    for (std::size_t line : waiting_) {
      errors_.push_back("line " + std::to_string(line) +
                        ": never arrived (the gateway sent nothing more to that one)");
    }
    outcome.errors = errors_;
    return outcome;
  }

 private:
  // Starts the upstreams and the sessions, and forgets the start-up exchange.
  void Start() {
    for (const auto& [name, offer] : conversation_.upstreams) {
      servers_.emplace(name, std::make_unique<InMemoryServer>(offer));
    }
    std::vector<RigClient> clients;
    for (const auto& [name, principal] : conversation_.clients) {
      sessions_[name] = clients.size();
      clients.push_back({principal, inbox_.SinkOf(name)});
    }
    auto open = [this](const upstream::ServerConfig& config) {
      return servers_.at(config.name)->Connect();
    };
    rig_ = std::make_unique<SessionRig>(conversation_.config, open, clients);
    for (std::size_t i = 0; i < clients.size(); ++i) rig_->session(i).MarkInitialized();
    WaitForQuiet(0);
    for (auto& [name, server] : servers_) server->TakeReceived();
  }

  void Perform(const Input& input) {
    if (input.when_sending_to.empty()) return Deliver(input);
    {
      std::lock_guard lock(mutex_);
      waiting_.insert(input.line);
    }
    auto deliver = [this, &input] {
      Deliver(input);
      std::lock_guard lock(mutex_);
      waiting_.erase(input.line);
    };
    auto server = servers_.find(input.when_sending_to);
    if (server != servers_.end()) return server->second->BeforeNextDelivery(deliver);
    inbox_.BeforeNextDelivery(input.when_sending_to, deliver);
  }

  // On the conversation's thread, or on the gateway's sending thread ("while sending to").
  void Deliver(const Input& input) {
    auto server = servers_.find(input.actor);
    if (server == servers_.end()) return DeliverFromClient(input);
    if (input.verb == Input::Verb::kOffers) return server->second->SetOffer(input.offer);
    if (input.message.method.ends_with("/list_changed")) refetching_ = true;
    if (!server->second->Send(input.message).ok()) {
      Error(input.line, "the upstream is not connected");
    }
  }

  void DeliverFromClient(const Input& input) {
    Session& session = rig_->session(sessions_.at(input.actor));
    if (input.message.is_notification()) return session.HandleNotification(input.message);
    if (input.message.is_response()) return session.HandleResponse(input.message);
    session.HandleRequest(input.message, inbox_.SinkOf(input.actor));
  }

  // What the gateway said because of input.
  std::vector<Said> Collect(const Input& input) {
    std::map<std::string, std::vector<Json>> lines;
    WaitForQuiet(input.line);
    TakeInto(lines);
    if (patience_ == Patience::kChecking) {
      const auto deadline = std::chrono::steady_clock::now() + kExpectedLinesLimit;
      while (Count(lines) < input.expected.size() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
        WaitForQuiet(input.line);
        TakeInto(lines);
      }
    }
    if (refetching_.exchange(false)) {
      std::this_thread::sleep_for(patience_ == Patience::kChecking ? kRefetchWhileChecking
                                                                   : kRefetchWhileRecording);
      WaitForQuiet(input.line);
      TakeInto(lines);
    }
    return InDeclaredOrder(lines);
  }

  // Until every upstream connection is quiet at the same moment.
  void WaitForQuiet(std::size_t line) {
    auto quiet = [this] {
      return std::all_of(servers_.begin(), servers_.end(),
                         [](const auto& server) { return server.second->Idle(); });
    };
    while (!quiet()) {
      for (auto& [name, server] : servers_) {
        if (!server->WaitUntilIdle(kQuietLimit)) return Error(line, name + " never became quiet");
      }
    }
  }

  void TakeInto(std::map<std::string, std::vector<Json>>& lines) {
    for (auto& [name, server] : servers_) {
      for (const Message& message : server->TakeReceived()) {
        lines[name].push_back(WithoutVersion(message));
      }
    }
    for (const auto& [name, index] : sessions_) {
      for (Json& line : inbox_.Take(name)) lines[name].push_back(std::move(line));
    }
  }

  static std::size_t Count(const std::map<std::string, std::vector<Json>>& lines) {
    std::size_t count = 0;
    for (const auto& [name, messages] : lines) count += messages.size();
    return count;
  }

  std::vector<Said> InDeclaredOrder(std::map<std::string, std::vector<Json>>& lines) const {
    std::vector<Said> said;
    auto append = [&](const std::string& name) {
      for (Json& message : lines[name]) said.push_back({name, std::move(message)});
    };
    for (const auto& [name, offer] : conversation_.upstreams) append(name);
    for (const auto& [name, principal] : conversation_.clients) append(name);
    return said;
  }

  void Error(std::size_t line, const std::string& what) {
    std::lock_guard lock(mutex_);
    errors_.push_back("line " + std::to_string(line) + ": " + what);
  }

  const Conversation& conversation_;
  const Patience patience_;
  std::map<std::string, std::unique_ptr<InMemoryServer>> servers_;
  std::map<std::string, std::size_t> sessions_;  // client -> index in the rig
  ClientInbox inbox_;
  std::atomic<bool> refetching_ = false;  // an upstream said a list changed
  std::mutex mutex_;                      // guards the two below
  std::set<std::size_t> waiting_;         // "while sending to" inputs still to arrive, by line
  std::vector<std::string> errors_;
  std::unique_ptr<SessionRig> rig_;  // last: stops before the servers and the inbox go
};

void AppendLines(std::string& report, const char* title, const std::vector<Said>& lines) {
  report += std::string("  ") + title + "\n";
  for (const Said& line : lines) report += "    " + Render(line) + "\n";
  if (lines.empty()) report += "    (nothing)\n";
}

}  // namespace

Outcome RunConversation(const Conversation& conversation, Patience patience) {
  return Run(conversation, patience).Go();
}

std::string Differences(const Conversation& conversation, const Outcome& outcome) {
  std::string report;
  for (std::size_t i = 0; i < conversation.inputs.size(); ++i) {
    const Input& input = conversation.inputs[i];
    if (outcome.said.at(i) == input.expected) continue;
    report += "line " + std::to_string(input.line) + ": after " +
              conversation.lines.at(input.line - 1) + "\n";
    AppendLines(report, "expected:", input.expected);
    AppendLines(report, "got:", outcome.said.at(i));
  }
  for (const std::string& error : outcome.errors) report += error + "\n";
  return report;
}

}  // namespace mcpgw::proxy::testing
