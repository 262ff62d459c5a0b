#include "proxy/session/task_registry.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <random>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;

namespace {

constexpr const char* kRelatedTask = "io.modelcontextprotocol/related-task";

// params.taskId (or result.taskId) when it is a string; "" otherwise.
std::string TaskIdIn(const Json& object) {
  if (!object.is_object()) return "";
  auto id = object.find("taskId");
  return id != object.end() && id->is_string() ? id->get<std::string>() : "";
}

// The task's lifetime as the upstream reported it: a non-negative number of milliseconds, or
// none (null or absent: unlimited).
std::optional<std::chrono::milliseconds> TtlOf(const Json& task) {
  auto ttl = task.find("ttl");
  if (ttl == task.end() || !ttl->is_number() || ttl->get<double>() < 0) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(ttl->get<double>(), 1e15)));
}

}  // namespace

TaskRegistry::TaskRegistry(std::size_t max_tasks, std::function<Clock::time_point()> now)
    : max_tasks_(max_tasks), now_(std::move(now)) {}

bool TaskRegistry::Owns(const Entry& entry, const Owner& owner) {
  if (!entry.owner.key.empty()) return entry.owner.key == owner.key;
  return owner.key.empty() && entry.owner.session != nullptr &&
         entry.owner.session == owner.session;
}

std::string TaskRegistry::MintId() const {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    std::random_device device;  // OpenSSL's generator failed: the system's
    for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(device());
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "task-";
  for (unsigned char byte : bytes) {
    id += kHex[byte >> 4];
    id += kHex[byte & 15];
  }
  return id;
}

Json TaskRegistry::Created(const std::string& server, const Owner& owner, Json result) {
  if (!result.is_object() || !result.contains("task")) return result;
  Json& task = result["task"];
  const std::string upstream_id = TaskIdIn(task);
  if (upstream_id.empty()) return result;
  std::lock_guard lock(mutex_);
  Trim();
  std::string id = MintId();
  while (tasks_.contains(id)) id = MintId();
  Entry entry{{server, upstream_id}, owner, nullptr, next_order_++, Clock::time_point::max()};
  if (auto ttl = TtlOf(task)) entry.expires = now_() + *ttl;
  // An upstream that reuses an id has replaced its task: the old mapping goes.
  if (auto old = by_upstream_.find({server, upstream_id}); old != by_upstream_.end()) {
    Erase(tasks_.find(old->second));
  }
  task["taskId"] = id;
  entry.last = task;
  by_upstream_[{server, upstream_id}] = id;
  by_order_[entry.order] = id;
  next_expiry_ = std::min(next_expiry_, entry.expires);
  tasks_.emplace(id, std::move(entry));
  Trim();
  return result;
}

protocol::Result<TaskRegistry::Ref> TaskRegistry::Find(std::string_view id, const Owner& owner) {
  std::lock_guard lock(mutex_);
  Trim();
  auto found = tasks_.find(id);
  if (found == tasks_.end() || !Owns(found->second, owner)) {
    return protocol::Status(protocol::StatusCode::kInvalidArgument,
                            "Unknown task: " + std::string(id));
  }
  return found->second.ref;
}

Json TaskRegistry::ToClient(std::string_view id, Json result) {
  if (!result.is_object()) return result;
  if (result.contains("taskId")) {
    result["taskId"] = id;
    if (result.contains("status")) {
      std::lock_guard lock(mutex_);
      if (auto found = tasks_.find(id); found != tasks_.end()) found->second.last = result;
    }
  }
  auto meta = result.find("_meta");
  if (meta != result.end() && meta->is_object()) {
    auto related = meta->find(kRelatedTask);
    if (related != meta->end() && related->is_object()) (*related)["taskId"] = id;
  }
  return result;
}

std::vector<TaskRegistry::Owned> TaskRegistry::OwnedBy(const Owner& owner) {
  std::lock_guard lock(mutex_);
  Trim();
  std::vector<std::pair<std::uint64_t, Owned>> owned;
  for (const auto& [id, entry] : tasks_) {
    if (Owns(entry, owner)) owned.push_back({entry.order, Owned{id, entry.ref, entry.last}});
  }
  std::sort(owned.begin(), owned.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Owned> tasks;
  for (auto& [order, task] : owned) tasks.push_back(std::move(task));
  return tasks;
}

std::optional<TaskRegistry::Delivery> TaskRegistry::StatusNotification(
    const std::string& server, const Message& notification) {
  const std::string upstream_id = TaskIdIn(notification.params);
  std::lock_guard lock(mutex_);
  auto mapped = by_upstream_.find({server, upstream_id});
  if (upstream_id.empty() || mapped == by_upstream_.end()) return std::nullopt;
  Entry& entry = tasks_.at(mapped->second);
  if (entry.owner.session == nullptr) return std::nullopt;
  Message rewritten = notification;
  rewritten.params["taskId"] = mapped->second;
  entry.last = rewritten.params;
  return Delivery{entry.owner.session, std::move(rewritten)};
}

void TaskRegistry::SessionEnded(Session session) {
  std::lock_guard lock(mutex_);
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    auto current = it++;
    if (current->second.owner.session != session) continue;
    if (current->second.owner.key.empty()) {
      Erase(current);
    } else {
      current->second.owner.session = nullptr;
    }
  }
}

std::size_t TaskRegistry::size() {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

void TaskRegistry::Trim() {
  const Clock::time_point now = now_();
  if (next_expiry_ <= now) {
    next_expiry_ = Clock::time_point::max();
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      auto current = it++;
      if (current->second.expires <= now) {
        Erase(current);
      } else {
        next_expiry_ = std::min(next_expiry_, current->second.expires);
      }
    }
  }
  while (tasks_.size() > max_tasks_ && !by_order_.empty()) {
    Erase(tasks_.find(by_order_.begin()->second));
  }
}

void TaskRegistry::Erase(std::map<std::string, Entry, std::less<>>::iterator entry) {
  if (entry == tasks_.end()) return;
  by_upstream_.erase({entry->second.ref.server, entry->second.ref.upstream_id});
  by_order_.erase(entry->second.order);
  tasks_.erase(entry);
}

}  // namespace mcpgw::proxy
