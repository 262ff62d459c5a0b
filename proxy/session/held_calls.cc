#include "proxy/session/held_calls.h"

#include "protocol/base64url.h"

#include <openssl/rand.h>

namespace mcpgw::proxy {
namespace {

using protocol::Status;
using protocol::StatusCode;

// 16 random bytes; empty when the generator fails (the call is then not held).
std::string NewId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  return protocol::Base64UrlEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

}  // namespace

HeldCalls::HeldCalls(HeldCallLimits limits) : limits_(limits) {}

protocol::Result<std::string> HeldCalls::Hold(const std::string& principal,
                                              std::shared_ptr<HeldCall> call) {
  const std::string id = NewId();
  if (id.empty()) return Status(StatusCode::kInternal, "the random generator failed");
  std::lock_guard lock(mutex_);
  if (held_.size() >= limits_.total) {
    return Status(StatusCode::kUnavailable, "the gateway holds too many calls waiting for input");
  }
  std::size_t& count = per_principal_[principal];
  if (count >= limits_.per_principal) {
    return Status(StatusCode::kUnavailable, "the caller has too many calls waiting for input");
  }
  ++count;
  Entry& entry = held_[id];
  entry.principal = principal;
  entry.call = std::move(call);
  // Scheduled under the lock, so Take can always cancel it.
  entry.expiry = timer_.After(limits_.hold, [this, id] { Expire(id); });
  return id;
}

std::shared_ptr<HeldCall> HeldCalls::Take(const std::string& id, const std::string& principal) {
  std::lock_guard lock(mutex_);
  auto found = held_.find(id);
  if (found == held_.end() || found->second.principal != principal) return nullptr;
  timer_.Cancel(found->second.expiry);
  return EraseLocked(found);
}

std::shared_ptr<HeldCall> HeldCalls::EraseLocked(std::map<std::string, Entry>::iterator found) {
  std::shared_ptr<HeldCall> call = std::move(found->second.call);
  auto count = per_principal_.find(found->second.principal);
  if (--count->second == 0) per_principal_.erase(count);
  held_.erase(found);
  return call;
}

void HeldCalls::Expire(const std::string& id) {
  std::shared_ptr<HeldCall> call;
  {
    std::lock_guard lock(mutex_);
    auto found = held_.find(id);
    if (found == held_.end()) return;  // taken meanwhile
    call = EraseLocked(found);
  }
  call->Expire();
}

std::size_t HeldCalls::size() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

}  // namespace mcpgw::proxy
