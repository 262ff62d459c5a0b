#include "proxy/http/ended_sessions.h"

#include <algorithm>

namespace mcpgw::proxy {

EndedSessions::EndedSessions(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)) {}

void EndedSessions::Add(const SessionClaims& claims, std::int64_t now) {
  DropExpired(now);
  Principal& principal = principals_[claims.principal];
  if (!principal.issued_at.emplace(claims.sid, claims.issued_at).second) return;
  principal.by_expiry.emplace(claims.expires_at, claims.sid);
  if (++size_ > capacity_) ForgetOne();
}

bool EndedSessions::Refuses(const SessionClaims& claims) const {
  auto found = principals_.find(claims.principal);
  if (found == principals_.end()) return false;
  const Principal& principal = found->second;
  return claims.issued_at <= principal.issued_not_after || principal.issued_at.contains(claims.sid);
}

// Amortized O(log n) per ended id: each is erased once. The loop over principals is short:
// they are the configured keys (and anonymous).
void EndedSessions::DropExpired(std::int64_t now) {
  for (auto it = principals_.begin(); it != principals_.end();) {
    Principal& principal = it->second;
    while (!principal.by_expiry.empty() && principal.by_expiry.begin()->first <= now) {
      Erase(principal, principal.by_expiry.begin());
    }
    // Once the forgotten ids have expired, so have the tokens issued before them (replicas
    // share the lifetime): the watermark refuses nothing more.
    if (principal.refused_until <= now) principal.issued_not_after = -1;
    bool empty = principal.by_expiry.empty() && principal.issued_not_after < 0;
    it = empty ? principals_.erase(it) : std::next(it);
  }
}

void EndedSessions::ForgetOne() {
  auto largest = std::max_element(principals_.begin(), principals_.end(), [](auto& a, auto& b) {
    return a.second.by_expiry.size() < b.second.by_expiry.size();
  });
  Principal& principal = largest->second;
  auto first = principal.by_expiry.begin();
  principal.issued_not_after =
      std::max(principal.issued_not_after, principal.issued_at.at(first->second));
  principal.refused_until = std::max(principal.refused_until, first->first);
  Erase(principal, first);
}

void EndedSessions::Erase(Principal& principal, std::set<Expiry>::iterator it) {
  principal.issued_at.erase(it->second);
  principal.by_expiry.erase(it);
  --size_;
}

}  // namespace mcpgw::proxy
