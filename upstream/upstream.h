#pragma once

#include "protocol/json_rpc.h"
#include "upstream/connection.h"
#include "upstream/server_config.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace mcpgw::upstream {

enum class State { kConnecting, kReady, kRestarting, kStopped };
std::string_view StateName(State state);

// The protocol era an upstream is spoken to in (README "Upstream eras").
enum class Era { kLegacy, kModern };
std::string_view EraName(Era era);

// What an upstream offers, under its own names: the last complete snapshot of each list (every
// nextCursor page followed) and what it said in its initialize or server/discover result.
struct Offer {
  protocol::Json tools = protocol::Json::array();
  protocol::Json prompts = protocol::Json::array();
  protocol::Json resources = protocol::Json::array();
  protocol::Json resource_templates = protocol::Json::array();
  protocol::Json capabilities = protocol::Json::object();
  protocol::Json server_info = protocol::Json::object();
  std::string instructions;
  std::string protocol_version;
  Era era = Era::kLegacy;
  // The ttlMs caching hint of each list (the smallest over its pages) and of the
  // server/discover result: how long the server says they stay fresh. 0: absent, negative, or a
  // legacy server.
  std::int64_t tools_ttl_ms = 0;
  std::int64_t prompts_ttl_ms = 0;
  std::int64_t resources_ttl_ms = 0;
  std::int64_t resource_templates_ttl_ms = 0;
  std::int64_t discover_ttl_ms = 0;
};

using CallId = std::int64_t;
using ReplyHandler = std::function<void(protocol::Result<protocol::Json>)>;
using ProgressHandler = std::function<void(protocol::Json progress_params)>;
// Takes back a request relayed to a client, because the server cancelled it (with its reason).
using Withdraw = std::function<void(const std::string& reason)>;
// Relays a request the server sent to the gateway's client side. `request` keeps the server's
// own id; `reply` takes the answer at most once, on any thread: the client's result, kRemote
// with the client's error object as detail() (passed on unchanged), or any other status (sent
// as ToRpcError makes it). Returns how to take the request back (may be empty).
using RequestRelay = std::function<Withdraw(protocol::Message request, ReplyHandler reply)>;

// What a call brings besides its request.
struct CallHooks {
  // Set: params._meta.progressToken is replaced by progress_token when no other call on the
  // connection uses that token (else by one of the gateway's own), and each
  // notifications/progress for it comes here until the reply.
  ProgressHandler on_progress;
  protocol::Json progress_token;  // the client's own token; null: one of the gateway's
  // The server's requests that belong to this call: those that arrive on the call's own response
  // stream, and those that arrive on no call's stream (a stdio child's one pipe, a Streamable
  // HTTP server's GET stream) while every waiting call with a relay has the same owner.
  RequestRelay on_request;
  const void* owner = nullptr;  // who made the call (a session); null with no on_request
  // The client speaks the modern era and answers an input_required result itself: a modern
  // upstream's input_required goes to on_reply unchanged. Otherwise the upstream layer gathers
  // the inputs through on_request and retries (multi round-trip requests), or fails the call
  // when there is no on_request.
  bool client_takes_input_required = false;
  // Extra HTTP headers sent with the request to a Streamable HTTP upstream (a client's
  // Mcp-Param-* headers); other transports ignore them.
  HeaderList forward_headers;
  // Set: the client capabilities a modern upstream is told for this call (a modern client's
  // own, declared on the request), so that it asks only for input the client can give. Null:
  // the gateway's (UpstreamObserver::ClientCapabilities).
  protocol::Json client_capabilities;
};

// Receives what an upstream reports. Called on the upstream's own threads; implementations must
// return quickly and must not call back into Upstream::Stop (nor UpstreamSet::Stop or Apply).
class UpstreamObserver {
 public:
  virtual ~UpstreamObserver() = default;
  // The upstream's Offer changed: after each (re)initialize and after a list_changed refresh.
  virtual void OnOfferChanged(const std::string& server) = 0;
  virtual void OnStateChanged(const std::string& server, State state) = 0;
  // Any other notification from the upstream (notifications/message, resources/updated, ...).
  // Progress for a call goes to that call's on_progress instead; list_changed is handled inside.
  virtual void OnNotification(const std::string& server, const protocol::Message& notification) = 0;
  // A request of the server's (sampling/createMessage, elicitation/create, roots/list, ...) that
  // no call of the gateway's can be told to have caused (see RequestRelay): the observer relays
  // it to the one client it belongs to or answers it with an error.
  virtual Withdraw OnRequest(const std::string& server, protocol::Message request,
                             ReplyHandler reply) = 0;
  // The client capabilities this server is told in its initialize, or in every request's _meta
  // when it is modern (sampling, elicitation, roots: what the gateway can relay to it). Asked
  // once per connection attempt.
  virtual protocol::Json ClientCapabilities(const std::string& server) = 0;
};

// How an upstream has fared since it was created, for the admin API.
struct Health {
  std::string last_error;  // why the last attempt failed or the connection ended; empty: none
  int restarts = 0;        // attempts started after a failure or an exit
};


// One configured MCP server. Its lifecycle thread opens the connection its transport names
// (child stdio, Streamable HTTP, legacy HTTP+SSE or WebSocket: OpenConnection), finds the
// server's era (config().era; a server/discover probe for "auto"), initializes a legacy server
// or discovers a modern one, publishes what it offers (Offer) and refreshes that on list_changed
// (a modern server's come on a subscriptions/listen stream it keeps open); after a failed
// attempt or a lost connection it starts again with exponential backoff. Once ready it carries
// calls (with deadline, cancellation and progress) and notifications to the server, and tells
// the observer of offer, state and notification changes.
class Upstream {
 public:
  // Each attempt opens its connection through `open` (by default the transport config.type
  // names).
  Upstream(ServerConfig config, UpstreamObserver* observer,
           ConnectionFactory open = OpenConnection);
  ~Upstream();  // Stop()
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  const std::string& name() const { return config_.name; }
  const ServerConfig& config() const { return config_; }

  // Starts the lifecycle thread and returns at once. Never blocks on the server.
  void Start();

  // Blocks until the first start attempt has ended (ready, or failed and now restarting) or the
  // deadline passes. Returns the state at that moment. Any thread.
  State WaitForFirstAttempt(std::chrono::steady_clock::time_point deadline) const;

  // Stops for good: fails every waiting call with kUnavailable and shuts the connection down,
  // giving the server about grace to go (a child: stdin closed, SIGTERM, then SIGKILL).
  // Idempotent; blocks until the threads end.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  State state() const;
  // A copy of the last error and the restart count. Any thread.
  Health health() const;

  // The current snapshot; never null. Cheap: a shared pointer copy.
  std::shared_ptr<const Offer> offer() const;

  // Sends a request with a fresh upstream id. on_reply is called exactly once, on an upstream
  // thread or (for an immediate failure) on the calling thread:
  //   - the result object, on success;
  //   - kRemote with the upstream's error object in detail(), when the upstream answered an error;
  //   - kUnavailable when not ready, or when the child exits before answering;
  //   - kTimeout after config().timeout (the upstream gets notifications/cancelled);
  //   - kCancelled after Cancel().
  // Progress and the server's requests for the call go to hooks (CallHooks). To a modern server,
  // every request carries the modern _meta; logging/setLevel, resources/subscribe and
  // resources/unsubscribe are answered {} here (the level goes into later requests' _meta, the
  // URIs into the listen stream's filter); an input_required result is handled as CallHooks
  // says, its rounds all under the one id returned. Any thread.
  CallId Call(std::string method, protocol::Json params, ReplyHandler on_reply,
              CallHooks hooks = {});

  // Cancels a call still waiting: the upstream gets notifications/cancelled with its own id and
  // the reason, and the call's on_reply gets kCancelled. No effect on a finished call.
  void Cancel(CallId id, std::string reason);

  // Fetches every list again, as after a list_changed, on the upstream's own thread (the Offer
  // changes when it is done). Returns at once; no effect unless ready.
  void RefreshLists();
  // Sends a notification when ready; kUnavailable otherwise.
  protocol::Status Notify(std::string method, protocol::Json params);

 private:
  class Impl;
  ServerConfig config_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcpgw::upstream
