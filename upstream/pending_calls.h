#pragma once

#include "upstream/upstream.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::upstream {

using Clock = std::chrono::steady_clock;

// One request sent upstream and still waiting for its reply.
struct PendingCall {
  CallId id = 0;
  std::string method;
  ReplyHandler on_reply;
  CallHooks hooks;
  std::string progress_key;              // the token the server was given, as JSON text; empty: none
  std::chrono::milliseconds timeout{0};  // what deadline was computed from, for the error
  Clock::time_point deadline;
};

// The in-flight call table of one upstream: fresh ids, waiters by id, deadlines. Every method is
// safe from any thread. Handlers are never called here: each method hands the removed calls back
// so the caller can complete them without holding the table's lock.
class PendingCalls {
 public:
  // A fresh id, never handed out before by this table (ids survive Close/Open).
  CallId NextId();

  // Registers a waiter under call.id, taking it over. With hooks.on_progress it picks the call's
  // progress token, one no waiting call uses: the client's own (hooks.progress_token), else the
  // call's id, else "mcpgw-<id>"; *token gets it (null: none). Returns false while closed, and
  // then leaves call untouched so the caller can still complete it.
  bool Add(PendingCall&& call, protocol::Json* token);

  // Removes and returns the waiter for id; nullopt when it already finished or never existed.
  std::optional<PendingCall> Take(CallId id);

  // A copy of the progress handler of the waiting call the server was given `token` for; empty
  // when there is none.
  ProgressHandler ProgressFor(const protocol::Json& token) const;

  // A copy of the request relay of a waiting call; empty when there is none.
  RequestRelay RelayFor(CallId id) const;
  // The relay of the waiting calls' one owner: set when every waiting call with a relay has the
  // same owner; empty when there are none or several owners.
  RequestRelay SoleOwnerRelay() const;

  // Removes every waiter and refuses new ones until Open(). Used when the connection ends.
  std::vector<PendingCall> CloseAndTakeAll();
  void Open();

  // Blocks until at least one deadline has passed and returns those calls, removed; returns an
  // empty vector once Shutdown() was called. For the one timer thread.
  std::vector<PendingCall> WaitForExpired();
  void Shutdown();

  std::size_t size() const;

 private:
  std::vector<PendingCall> TakeExpiredLocked(Clock::time_point now);
  // Removes the call's entry (and its progress token) and returns the call.
  PendingCall EraseLocked(std::map<CallId, PendingCall>::iterator found);
  std::optional<Clock::time_point> NextDeadlineLocked() const;

  mutable std::mutex mutex_;
  std::condition_variable deadline_changed_;
  std::map<CallId, PendingCall> calls_;
  std::map<std::string, CallId> by_progress_key_;  // the waiting calls' progress tokens
  CallId last_id_ = 0;
  bool open_ = true;
  bool shut_down_ = false;
  // When the timer thread looks at the deadlines next; max while it waits for a first call.
  Clock::time_point timer_wakes_at_ = Clock::time_point::max();
};

}  // namespace mcpgw::upstream
