#pragma once

#include "proxy/http/session_token.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace mcpgw::proxy {

// The session ids this replica has ended (DELETE, idle timeout), refused until their token
// expires, with bounded memory. Each is remembered until its expires_at. When more than
// `capacity` are remembered, the principal holding the most forgets the one of its own that
// expires first, and from then on refuses every token of that principal issued no later than
// the forgotten one: an ended id is never accepted again, at the price of ending that
// principal's older sessions early under a flood of DELETEs. Not thread-safe (the registry
// holds its lock); `now` is seconds since the epoch.
class EndedSessions {
 public:
  explicit EndedSessions(std::size_t capacity);

  void Add(const SessionClaims& claims, std::int64_t now);
  bool Refuses(const SessionClaims& claims) const;
  std::size_t size() const { return size_; }

 private:
  using Expiry = std::pair<std::int64_t, std::string>;  // (expires_at, sid)
  // One principal's ended ids, by sid and by expiry.
  struct Principal {
    std::unordered_map<std::string, std::int64_t> issued_at;  // by sid
    std::set<Expiry> by_expiry;
    std::int64_t issued_not_after = -1;  // its tokens issued up to this second are refused,
    std::int64_t refused_until = -1;     // until then (the forgotten ids' latest expiry)
  };

  void DropExpired(std::int64_t now);
  void ForgetOne();
  void Erase(Principal& principal, std::set<Expiry>::iterator it);

  const std::size_t capacity_;
  std::size_t size_ = 0;
  std::map<std::string, Principal, std::less<>> principals_;
};

}  // namespace mcpgw::proxy
