#include "upstream/pending_calls.h"

#include <algorithm>

namespace mcpgw::upstream {

CallId PendingCalls::NextId() {
  std::lock_guard lock(mutex_);
  return ++last_id_;
}

bool PendingCalls::Add(PendingCall&& call, protocol::Json* token) {
  std::lock_guard lock(mutex_);
  if (!open_) return false;
  *token = nullptr;
  if (call.hooks.on_progress) {
    for (protocol::Json candidate : {call.hooks.progress_token, protocol::Json(call.id),
                                     protocol::Json("mcpgw-" + std::to_string(call.id))}) {
      if (candidate.is_null()) continue;
      std::string key = candidate.dump();
      if (!by_progress_key_.emplace(key, call.id).second) continue;
      call.progress_key = std::move(key);
      *token = std::move(candidate);
      break;
    }
  }
  // Wake the timer only when it would otherwise look too late: calls made one after another with
  // the same timeout never wake it, which keeps a thread switch off every call's path.
  bool sooner = call.deadline < timer_wakes_at_;
  CallId id = call.id;
  calls_.emplace(id, std::move(call));
  if (sooner) deadline_changed_.notify_all();
  return true;
}

std::optional<PendingCall> PendingCalls::Take(CallId id) {
  std::lock_guard lock(mutex_);
  auto found = calls_.find(id);
  if (found == calls_.end()) return std::nullopt;
  return EraseLocked(found);
}

PendingCall PendingCalls::EraseLocked(std::map<CallId, PendingCall>::iterator found) {
  PendingCall call = std::move(found->second);
  calls_.erase(found);
  if (!call.progress_key.empty()) by_progress_key_.erase(call.progress_key);
  return call;
}

ProgressHandler PendingCalls::ProgressFor(const protocol::Json& token) const {
  std::lock_guard lock(mutex_);
  auto key = by_progress_key_.find(token.dump());
  if (key == by_progress_key_.end()) return nullptr;
  auto found = calls_.find(key->second);
  return found == calls_.end() ? nullptr : found->second.hooks.on_progress;
}

RequestRelay PendingCalls::RelayFor(CallId id) const {
  std::lock_guard lock(mutex_);
  auto found = calls_.find(id);
  return found == calls_.end() ? nullptr : found->second.hooks.on_request;
}

RequestRelay PendingCalls::SoleOwnerRelay() const {
  std::lock_guard lock(mutex_);
  const PendingCall* sole = nullptr;
  for (const auto& [id, call] : calls_) {
    if (!call.hooks.on_request) continue;
    if (sole != nullptr && sole->hooks.owner != call.hooks.owner) return nullptr;
    sole = &call;
  }
  return sole ? sole->hooks.on_request : nullptr;
}

std::vector<PendingCall> PendingCalls::CloseAndTakeAll() {
  std::lock_guard lock(mutex_);
  open_ = false;
  std::vector<PendingCall> all;
  all.reserve(calls_.size());
  for (auto& [id, call] : calls_) all.push_back(std::move(call));
  calls_.clear();
  by_progress_key_.clear();
  return all;
}

void PendingCalls::Open() {
  std::lock_guard lock(mutex_);
  open_ = true;
}

std::vector<PendingCall> PendingCalls::WaitForExpired() {
  std::unique_lock lock(mutex_);
  while (!shut_down_) {
    auto expired = TakeExpiredLocked(Clock::now());
    if (!expired.empty()) return expired;
    timer_wakes_at_ = NextDeadlineLocked().value_or(Clock::time_point::max());
    if (timer_wakes_at_ == Clock::time_point::max()) {
      deadline_changed_.wait(lock);
    } else {
      deadline_changed_.wait_until(lock, timer_wakes_at_);
    }
  }
  return {};
}

void PendingCalls::Shutdown() {
  std::lock_guard lock(mutex_);
  shut_down_ = true;
  deadline_changed_.notify_all();
}

std::size_t PendingCalls::size() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

std::vector<PendingCall> PendingCalls::TakeExpiredLocked(Clock::time_point now) {
  std::vector<PendingCall> expired;
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (it->second.deadline <= now) {
      expired.push_back(EraseLocked(it++));
    } else {
      ++it;
    }
  }
  return expired;
}

std::optional<Clock::time_point> PendingCalls::NextDeadlineLocked() const {
  if (calls_.empty()) return std::nullopt;
  auto earliest = std::min_element(calls_.begin(), calls_.end(), [](auto& a, auto& b) {
    return a.second.deadline < b.second.deadline;
  });
  return earliest->second.deadline;
}

}  // namespace mcpgw::upstream
