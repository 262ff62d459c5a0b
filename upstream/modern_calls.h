#pragma once

#include "upstream/input_rounds.h"
#include "upstream/listen_stream.h"

#include <map>
#include <memory>
#include <optional>
#include <set>

namespace mcpgw::upstream {

// What is different about calls to a modern server, for one connection: logging/setLevel goes
// into the envelope, resources/subscribe and resources/unsubscribe into the listen stream's
// filter (each answered {} here), an input_required result of tools/call, prompts/get or
// resources/read is carried through its rounds (InputRounds) unless the client takes it, and
// the notifications of the listen stream are sorted. Any thread.
class ModernCalls : public std::enable_shared_from_this<ModernCalls> {
 public:
  ModernCalls(std::string server, RpcClient& client, std::shared_ptr<ModernEnvelope> envelope,
              protocol::Json capabilities, std::set<std::string> resource_uris);
  // Fails the calls still in their rounds with kUnavailable "exited"; ends the listen stream.
  ~ModernCalls();

  // Opens the listen stream (once the connection is ready).
  void StartListening();

  // Upstream::Call's contract.
  CallId Call(std::string method, protocol::Json params, ReplyHandler on_reply, CallHooks hooks);

  // Cancels a call carried through rounds; false when id is not one (RpcClient::Cancel it).
  bool Cancel(CallId id, const std::string& reason);

  // ListenStream::Accept.
  bool Accept(protocol::Message& notification);

  // The resource URIs subscribed to now, to keep across a reconnection.
  std::set<std::string> resource_uris() const;

 private:
  void Subscribe(const std::string& method, const protocol::Json& params);
  std::shared_ptr<InputRounds> TakeRounds(CallId id);

  const std::string server_;
  RpcClient& client_;
  const std::shared_ptr<ModernEnvelope> envelope_;
  const protocol::Json capabilities_;

  mutable std::mutex mutex_;  // guards the fields below
  std::set<std::string> resource_uris_;
  std::map<CallId, std::shared_ptr<InputRounds>> rounds_;  // by the id Call returned
  std::unique_ptr<ListenStream> listen_;
};

}  // namespace mcpgw::upstream
