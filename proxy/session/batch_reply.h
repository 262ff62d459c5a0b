#pragma once

#include "protocol/json_rpc.h"
#include "proxy/session/session.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// The answer to one JSON-RPC batch (README "Batches"): one slot per request of the batch (and
// per entry that could not be read), filled in any order, sent as one JSON array in the batch's
// order once every slot is settled. A request the client cancels settles its slot without an
// answer; a batch with no answer at all sends nothing. Notifications for a request (progress)
// are not held back: they go to the client as they come. Any thread.
class BatchReply : public std::enable_shared_from_this<BatchReply> {
 public:
  // `send` gets the array's text (one line, no newline) once, on the thread that settles the
  // last slot.
  BatchReply(std::size_t slots, std::function<void(std::string)> send);

  // Settles `slot` with an answer made at once (an unreadable entry).
  void Answer(std::size_t slot, const protocol::Message& answer);
  // Where the request in `slot`, with id `id`, is answered: its response settles the slot,
  // anything else goes to `passthrough`. The sink holds the batch (made with make_shared).
  ClientSink SinkFor(std::size_t slot, const protocol::Json& id, ClientSink passthrough);
  // The client cancelled request `id`: each unsettled slot of that id is settled unanswered.
  void Cancelled(const protocol::Json& id);
  // Whether every slot is settled.
  bool done();

 private:
  void Settle(std::size_t slot, std::optional<protocol::Message> answer);

  std::function<void(std::string)> send_;
  std::mutex mutex_;
  std::vector<std::optional<std::string>> answers_;  // serialized; guarded by mutex_
  std::vector<std::string> ids_;                     // each slot's id as JSON; guarded by mutex_
  std::vector<bool> settled_;                        // guarded by mutex_
  std::size_t unsettled_;                            // guarded by mutex_
};

// The batches of one connection still waiting for answers, so that a cancellation reaches
// them. Any thread.
class OpenBatches {
 public:
  void Add(const std::shared_ptr<BatchReply>& batch);
  // notifications/cancelled from the client: settles the request's slot in each open batch.
  void Cancelled(const protocol::Message& notification);

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<BatchReply>> batches_;  // guarded by mutex_
};

}  // namespace mcpgw::proxy
