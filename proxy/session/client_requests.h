#pragma once

#include "protocol/json_rpc.h"
#include "upstream/upstream.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace mcpgw::proxy {

// Sends one message to a session's client. Must be safe to call from any thread.
using ClientSink = std::function<void(const protocol::Message&)>;

// The client capabilities the gateway can relay to a server: what `declared` (a client's
// initialize capabilities) says of sampling, elicitation and roots, unchanged.
protocol::Json RelayableCapabilities(const protocol::Json& declared);
// All of them, for a server shared by many sessions: sampling, elicitation (form and url),
// roots with listChanged.
protocol::Json EveryRelayableCapability();

// The requests one session's client is asked on its servers' behalf (sampling/createMessage,
// elicitation/create, roots/list): each goes to the client under an id of the gateway's, and the
// client's answer goes back to the server that asked. Held by shared_ptr: a Withdraw may outlive
// the session. Any thread.
class ClientRequests : public std::enable_shared_from_this<ClientRequests> {
 public:
  // Sends request (the server's id replaced by a fresh one) to the client through sink; reply
  // gets the client's answer, or FailAll's status. Returns how to take it back: the client then
  // gets notifications/cancelled with the reason, and reply is never called.
  upstream::Withdraw Send(protocol::Message request, upstream::ReplyHandler reply, ClientSink sink);

  // Passes the client's response on to the server that asked; false when it answers no request
  // still waiting.
  bool Answer(const protocol::Message& response);

  // Answers every request still waiting with why (the client has gone).
  void FailAll(const protocol::Status& why);

 private:
  struct Waiting {
    upstream::ReplyHandler reply;
    ClientSink sink;  // where the request went; a withdrawal goes the same way
  };
  void Cancel(std::int64_t id, const std::string& reason);

  std::mutex mutex_;
  std::int64_t last_id_ = 0;                 // guarded by mutex_
  std::map<std::int64_t, Waiting> waiting_;  // by the gateway's id; guarded by mutex_
};

}  // namespace mcpgw::proxy
