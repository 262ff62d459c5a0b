// Session's handling of tasks (README "Tasks"): task-augmented tools/call, tasks/get,
// tasks/result, tasks/cancel and tasks/list. The TaskRegistry maps the gateway's task ids to
// (server, upstream id, owner); this file routes by it and rewrites the ids on the way back.

#include "protocol/json_field.h"
#include "proxy/session/session.h"

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;
using protocol::Result;

namespace {

// How many pages of one upstream's tasks/list are read for one merged answer.
constexpr int kMaxListPages = 16;

// One tasks/list answer being put together from the upstreams holding the caller's tasks.
// Shared by the upstream callbacks (any upstream thread); the last one to finish answers.
class TaskListMerge {
 public:
  TaskListMerge(std::vector<TaskRegistry::Owned> owned, Responder responder)
      : owned_(std::move(owned)), responder_(std::move(responder)) {
    for (const TaskRegistry::Owned& task : owned_) servers_.insert(task.ref.server);
    pending_ = servers_.size();
  }

  const std::set<std::string>& servers() const { return servers_; }

  // One page of `server`'s tasks; returns whether more pages should be read.
  void AddPage(const std::string& server, const Json& tasks) {
    if (!tasks.is_array()) return;
    std::lock_guard lock(mutex_);
    for (const Json& task : tasks) {
      if (task.is_object() && task.contains("taskId") && task["taskId"].is_string()) {
        listed_[server][task["taskId"].get<std::string>()] = task;
      }
    }
  }

  // `server` is done: listed (`complete`) or not (its tasks show their last known state).
  void Finish(const std::string& server, bool complete) {
    {
      std::lock_guard lock(mutex_);
      if (!complete) unlisted_.insert(server);
      if (--pending_ > 0) return;
    }
    Answer();
  }

 private:
  // In the order the caller created them, as their upstream listed them. A task missing from
  // a listing read in full is gone; from one that failed or was cut short, it shows its last
  // known state.
  void Answer() {
    Json tasks = Json::array();
    for (TaskRegistry::Owned& task : owned_) {
      auto& listed = listed_[task.ref.server];
      auto found = listed.find(task.ref.upstream_id);
      if (found != listed.end()) {
        found->second["taskId"] = task.id;
        tasks.push_back(std::move(found->second));
      } else if (unlisted_.contains(task.ref.server) && task.last.is_object()) {
        tasks.push_back(std::move(task.last));
      }
    }
    responder_.Answer(Json{{"tasks", std::move(tasks)}});
  }

  std::vector<TaskRegistry::Owned> owned_;
  const Responder responder_;
  std::set<std::string> servers_;
  std::mutex mutex_;
  std::size_t pending_ = 0;                                    // guarded by mutex_
  std::set<std::string> unlisted_;                             // guarded by mutex_
  std::map<std::string, std::map<std::string, Json>> listed_;  // guarded by mutex_
};

// Reads `server`'s tasks/list from `cursor` on, page by page, into merge.
void ListPages(std::shared_ptr<TaskListMerge> merge, upstream::UpstreamPtr upstream, Json cursor,
               int page) {
  Json params = Json::object();
  if (!cursor.is_null()) params["cursor"] = cursor;
  upstream->Call("tasks/list", std::move(params), [merge, upstream, page](Result<Json> outcome) {
    const std::string& server = upstream->name();
    if (!outcome.ok() || !outcome->is_object()) return merge->Finish(server, false);
    merge->AddPage(server, outcome->value("tasks", Json()));
    auto next = outcome->find("nextCursor");
    if (next == outcome->end() || !next->is_string()) {
      return merge->Finish(server, true);
    }
    if (page + 1 >= kMaxListPages) return merge->Finish(server, false);
    ListPages(merge, upstream, *next, page + 1);
  });
}

}  // namespace

TaskRegistry::Owner Session::TaskOwner() const { return {access_.principal().name, this}; }

Responder Session::CreatingTask(const Responder& responder, const std::string& server) const {
  Responder creating = responder;
  creating.sink = [tasks = &services_.tasks, owner = TaskOwner(), server,
                   sink = responder.sink](const Message& message) {
    if (!message.is_response() || message.error) return sink(message);
    Message answer = message;
    answer.result = tasks->Created(server, owner, std::move(answer.result));
    sink(answer);
  };
  return creating;
}

void Session::RouteTask(const Message& request, Json params, const Responder& responder) {
  Result<std::string> id = protocol::RequireString(params, "taskId", "taskId");
  if (!id.ok()) return responder.Answer(id.status());
  Result<TaskRegistry::Ref> task = services_.tasks.Find(*id, TaskOwner());
  if (!task.ok()) return responder.Answer(task.status());
  params["taskId"] = task->upstream_id;
  Responder rewriting = responder;
  rewriting.sink = [tasks = &services_.tasks, id = *id, sink = responder.sink](const Message& m) {
    if (!m.is_response() || m.error) return sink(m);
    Message answer = m;
    answer.result = tasks->ToClient(id, std::move(answer.result));
    sink(answer);
  };
  Forward(request, rewriting, task->server, std::move(params));
}

void Session::ListTasks(const Responder& responder) {
  std::vector<TaskRegistry::Owned> owned = services_.tasks.OwnedBy(TaskOwner());
  if (owned.empty()) return responder.Answer(Json{{"tasks", Json::array()}});
  auto merge = std::make_shared<TaskListMerge>(std::move(owned), responder);
  for (const std::string& server : merge->servers()) {
    upstream::UpstreamPtr upstream = services_.upstreams.Find(server);
    if (upstream == nullptr) {
      merge->Finish(server, false);
      continue;
    }
    ListPages(merge, std::move(upstream), nullptr, 0);
  }
}

}  // namespace mcpgw::proxy
