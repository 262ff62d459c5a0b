#pragma once

#include "upstream/rpc_client.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace mcpgw::upstream {

// Carries one call to a modern server through its input_required results (multi round-trip
// requests) for a client that answers server requests but not input_required itself: each entry
// of inputRequests goes to hooks.on_request as a request of its own (a fresh id of the
// gateway's), and when every answer is in, the original request is sent again (a fresh upstream
// id) with inputResponses keyed like inputRequests and requestState echoed exactly, until a
// result is not input_required. Without hooks.on_request an input_required fails the call. The
// answers are never logged. Any thread; one object per call, held by shared_ptr.
class InputRounds : public std::enable_shared_from_this<InputRounds> {
 public:
  // At most this many input_required results are answered; one more fails the call.
  static constexpr int kMaxRounds = 10;

  // on_reply gets the final outcome exactly once: the first result that is not input_required,
  // the upstream's error, the client's error for one of the inputs (as it gave it), kCancelled
  // after Cancel, or kUnavailable when the server needs input the client cannot give or asks
  // for more than kMaxRounds rounds.
  InputRounds(std::string server, RpcClient& client, std::string method, protocol::Json params,
              CallHooks hooks, ReplyHandler on_reply);

  // Sends the first round.
  void Start();

  // Ends the call with why (kCancelled when the client cancelled it): the round in flight is
  // cancelled upstream, the inputs asked of the client are withdrawn. No effect once finished.
  void Abort(const protocol::Status& why);

 private:
  void Send(protocol::Json params);
  void OnRound(protocol::Result<protocol::Json> outcome);
  void AskClient(const protocol::Json& input_requests);
  // An input's answer; nullopt: every input has been asked for.
  void OnInput(const std::optional<std::string>& key, protocol::Result<protocol::Json> answer);
  void Finish(protocol::Result<protocol::Json> outcome);
  protocol::Status Unavailable(const std::string& what) const;

  const std::string server_;
  RpcClient& client_;
  const std::string method_;
  const protocol::Json params_;  // as the caller sent them
  const CallHooks hooks_;

  std::mutex mutex_;       // guards the fields below
  ReplyHandler on_reply_;  // empty once finished
  CallId in_flight_ = 0;   // the upstream id of the round in flight; 0: none
  std::string abort_reason_;  // why Abort ended the call; empty: it did not
  int sent_ = 0;           // rounds sent
  int rounds_ = 0;
  std::string request_state_;
  bool has_request_state_ = false;
  protocol::Json answers_ = protocol::Json::object();
  std::size_t awaited_ = 0;                    // inputs still to be answered
  std::map<std::string, Withdraw> withdraws_;  // of the inputs asked and not answered, by key
};

// Whether a result is a modern server's input_required.
bool IsInputRequired(const protocol::Json& result);

}  // namespace mcpgw::upstream
