#pragma once

#include "protocol/json_rpc.h"
#include "protocol/status.h"
#include "proxy/session/notification_hub.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpgw::proxy {

// The tasks upstreams have created for the gateway's clients (README "Tasks"). The client never
// sees an upstream's task id: each task gets an id the gateway mints ("task-" and 32 random hex
// digits), mapped here to the server, the upstream's own id and the task's owner. Two upstreams'
// ids therefore never collide, and a caller reaches only the tasks it owns: a key's tasks belong
// to that key (any of its sessions on this replica), an anonymous caller's to its session alone.
// A task is forgotten when its ttl (as the upstream reported it) has passed, when its anonymous
// session ends, or, past max_tasks, oldest first. Any thread; one mutex guards everything.
class TaskRegistry {
 public:
  using Clock = std::chrono::steady_clock;
  using Session = const NotificationHub::Member*;  // compared, never dereferenced

  // Who owns a task: the caller's key name (empty: anonymous, then only `session`), and the
  // session that created it, which alone gets its status notifications.
  struct Owner {
    std::string key;
    Session session = nullptr;
  };
  // Where a task lives.
  struct Ref {
    std::string server;
    std::string upstream_id;
  };
  // One of a caller's tasks: its gateway id, where it lives and its last known state (a Task
  // object under the gateway id).
  struct Owned {
    std::string id;
    Ref ref;
    protocol::Json last;
  };
  // A status notification for the session that owns its task.
  struct Delivery {
    Session session = nullptr;
    protocol::Message notification;
  };

  static constexpr std::size_t kMaxTasks = 10000;

  explicit TaskRegistry(std::size_t max_tasks = kMaxTasks,
                        std::function<Clock::time_point()> now = Clock::now);
  TaskRegistry(const TaskRegistry&) = delete;
  TaskRegistry& operator=(const TaskRegistry&) = delete;

  // A CreateTaskResult from `server` for `owner`: registers result.task (when it has a string
  // taskId; else the result is returned as it came) and returns the result with the gateway's
  // id in place of the upstream's.
  protocol::Json Created(const std::string& server, const Owner& owner, protocol::Json result);

  // Where task `id` lives, when `owner` owns it. Fails kInvalidArgument "Unknown task: ID" for
  // an id that is unknown, expired or another owner's: the answers cannot be told apart.
  protocol::Result<Ref> Find(std::string_view id, const Owner& owner);

  // An upstream's answer about task `id` (a Task for tasks/get and tasks/cancel; for
  // tasks/result the underlying result, whose _meta may name the task) with the gateway's id in
  // place of the upstream's. A Task becomes the task's last known state.
  protocol::Json ToClient(std::string_view id, protocol::Json result);

  // The caller's tasks, oldest first.
  std::vector<Owned> OwnedBy(const Owner& owner);

  // notifications/tasks/status from `server`, for the session that created the task, under the
  // gateway's id; nullopt when the task is unknown here or its session has ended.
  std::optional<Delivery> StatusNotification(const std::string& server,
                                             const protocol::Message& notification);

  // The session has ended: its anonymous tasks are forgotten, and its keyed ones get no more
  // status notifications (its key still reaches them).
  void SessionEnded(Session session);

  std::size_t size();

 private:
  struct Entry {
    Ref ref;
    Owner owner;
    protocol::Json last;
    std::uint64_t order = 0;    // creation order
    Clock::time_point expires;  // max(): no ttl
  };
  using UpstreamKey = std::pair<std::string, std::string>;  // server, upstream id

  static bool Owns(const Entry& entry, const Owner& owner);
  std::string MintId() const;
  // Drops expired entries (scanning only once one may have expired), then the oldest past
  // max_tasks_. Caller holds mutex_.
  void Trim();
  void Erase(std::map<std::string, Entry, std::less<>>::iterator entry);

  const std::size_t max_tasks_;
  const std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> tasks_;           // by gateway id; guarded by mutex_
  std::map<UpstreamKey, std::string> by_upstream_;            // gateway id; guarded by mutex_
  std::map<std::uint64_t, std::string> by_order_;             // gateway id; guarded by mutex_
  std::uint64_t next_order_ = 0;                              // guarded by mutex_
  Clock::time_point next_expiry_ = Clock::time_point::max();  // guarded by mutex_
};

}  // namespace mcpgw::proxy
