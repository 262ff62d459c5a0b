#pragma once

#include "protocol/status.h"
#include "proxy/session/deadline_timer.h"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace mcpgw::proxy {

// A call the gateway keeps open while its modern client gathers input (README "Input required").
class HeldCall {
 public:
  virtual ~HeldCall() = default;
  // Nobody came back for it in time: its server's requests get an error and the call is
  // cancelled. Called once, on the timer's thread.
  virtual void Expire() = 0;
};

// How many calls may be held and for how long (README "Input required").
struct HeldCallLimits {
  std::chrono::milliseconds hold{60000};  // the longest wait for the client's retry
  std::size_t per_principal = 64;
  std::size_t total = 1024;
};

// The calls of this replica held for a client's retry, by an id of the gateway's. Owns the timer
// that expires them (and that the calls use for their own short waits). Any thread.
class HeldCalls {
 public:
  explicit HeldCalls(HeldCallLimits limits);
  HeldCalls(const HeldCalls&) = delete;
  HeldCalls& operator=(const HeldCalls&) = delete;

  // Holds `call` for `principal` until Take, or until the hold time has passed (then it is
  // dropped and call->Expire() runs). Returns its id (random, unguessable); kUnavailable, with
  // nothing held, when the principal or the gateway already holds as many as the limits allow.
  protocol::Result<std::string> Hold(const std::string& principal, std::shared_ptr<HeldCall> call);

  // Takes back the call held under `id` for `principal`: it is no longer held. Null when there
  // is none: taken already, expired, held for another principal, or never held on this replica.
  std::shared_ptr<HeldCall> Take(const std::string& id, const std::string& principal);

  const HeldCallLimits& limits() const { return limits_; }
  std::size_t size() const;
  DeadlineTimer& timer() { return timer_; }

 private:
  struct Entry {
    std::string principal;
    std::shared_ptr<HeldCall> call;
    DeadlineTimer::Ticket expiry = 0;
  };
  // Removes the entry under id; null when there is none. Caller holds mutex_.
  std::shared_ptr<HeldCall> EraseLocked(std::map<std::string, Entry>::iterator found);
  void Expire(const std::string& id);

  const HeldCallLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> held_;                // by id; guarded by mutex_
  std::map<std::string, std::size_t> per_principal_;  // held counts; guarded by mutex_
  DeadlineTimer timer_;  // last: its thread stops before the members above go
};

}  // namespace mcpgw::proxy
