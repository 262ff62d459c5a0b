#pragma once

#include "protocol/json_rpc.h"
#include "protocol/status.h"
#include "proxy/access/access.h"
#include "proxy/routing/catalog.h"
#include "upstream/upstream.h"

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpgw::proxy {

// The key of params._meta that names the server an upstream's log line came from.
inline constexpr std::string_view kServerMetaKey = "io.mcpgw/server";
class TaskRegistry;

// The one place every notification for the connected clients passes (README "Notifications").
// It decides per session, with the session's Access, who gets what:
//   - an upstream's log line (notifications/message) goes to a session whose key may read that
//     server as a whole (level read on its tool "*") and whose own log level (logging/setLevel;
//     none: everything) the line reaches, as the upstream sent it plus the server's name in
//     params._meta[kServerMetaKey];
//   - notifications/resources/updated goes to a session that subscribed to that URI on that
//     server and may read it; an update nobody subscribed to is dropped;
//   - list_changed goes to every session (it tells only that a merged list changed), and to a
//     listener only when it may read one of the items that changed;
//   - notifications/tasks/status goes only to the session that created the task, under the
//     gateway's task id (TaskRegistry); a status nobody owns is dropped.
// It also owns what the sessions share upstream: subscriptions are counted per session (the
// upstream unsubscribe goes out when the last subscriber leaves or its session ends), and each
// upstream's log level is the lowest level asked for by a session that may read it (a session
// that never asked counts as wanting everything). Both are sent again when an upstream becomes
// ready (after a restart it has forgotten them). Besides sessions it serves listeners, the
// subscriptions/listen streams of modern clients (Listener). Any thread.
class NotificationHub {
 public:
  // One downstream session as the hub sees it. Must stay alive until it has left.
  class Member {
   public:
    virtual ~Member() = default;
    virtual const Access& access() const = 0;
    // Sends a notification the hub decided this session gets. Called on upstream (and
    // request) threads with the hub's lock held: must return quickly and not call the hub.
    virtual void Deliver(const protocol::Message& notification) = 0;
    // Relays a server's request to this session's client (upstream::RequestRelay). Same
    // threads and rules as Deliver.
    virtual upstream::Withdraw Relay(const std::string& server, protocol::Message request,
                                     upstream::ReplyHandler reply) = 0;
    // Whether this session's client got the URL-mode elicitation `id` of `server` (and it has
    // not completed yet); forgets it when true. Same threads and rules as Deliver.
    virtual bool TakeElicitation(const std::string& server, const std::string& id) = 0;
  };

  // A subscriptions/listen stream: a member that gets only the list changes the hub decides it
  // may see and the updates of the URIs it subscribed to; never log lines, task status, a
  // server's requests or elicitation completions.
  class Listener : public Member {
   public:
    // The gateway is shutting down: the listen request gets its final answer, and nothing is
    // delivered after it. Same threads and rules as Deliver.
    virtual void End() = 0;
    // A listener carries no server's requests: refused with kUnavailable, nothing to withdraw.
    upstream::Withdraw Relay(const std::string& server, protocol::Message request,
                             upstream::ReplyHandler reply) final;
    bool TakeElicitation(const std::string&, const std::string&) final { return false; }
  };

  // The upstreams, for the requests the hub sends on the sessions' behalf.
  class Upstreams {
   public:
    virtual ~Upstreams() = default;
    // The names of the running upstreams.
    virtual std::vector<std::string> Names() const = 0;
    // Sends a request nobody waits for the answer of; an upstream that is not ready (or lacks
    // the feature) is skipped: it gets the hub's state when it becomes ready. Called one at a
    // time, in the order the hub decided; must not call the hub.
    virtual void Send(const std::string& server, const std::string& method,
                      protocol::Json params) = 0;
  };

  // `tasks` (borrowed, may be null: no task notifications are delivered) routes task status.
  explicit NotificationHub(Upstreams& upstreams, TaskRegistry* tasks = nullptr);
  NotificationHub(const NotificationHub&) = delete;
  NotificationHub& operator=(const NotificationHub&) = delete;

  // Adds the member, with no log level of its own (it gets every level).
  void Join(Member* member);
  // Adds a listener; it takes no part in log levels and is never the one member a server's
  // request is relayed to.
  void JoinListener(Listener* listener);
  // Forgets the member (or listener): unsubscribes upstream where it was the last subscriber
  // and recomputes the upstream log levels. No delivery reaches it once this returns.
  void Leave(Member* member);
  // Ends every listener (Listener::End): the gateway is shutting down. They stay joined until
  // they leave.
  void EndListeners();

  // Records the member's subscription to `uri` on `server`. Returns whether the caller must
  // forward resources/subscribe upstream: until one upstream subscribe has succeeded (Confirm).
  bool Subscribe(Member* member, const std::string& server, const std::string& uri);
  // The upstream accepted a subscribe for `uri` on `server`.
  void Confirm(const std::string& server, const std::string& uri);
  // Takes back a subscription whose upstream subscribe failed.
  void Withdraw(Member* member, const std::string& server, const std::string& uri);
  // Ends the member's subscription. When it was the last subscriber, returns the URI to forward
  // resources/unsubscribe upstream with (as the upstream was subscribed); else nullopt, also
  // when the member had no such subscription.
  std::optional<std::string> Unsubscribe(Member* member, const std::string& server,
                                         const std::string& uri);

  // The member's log level (an RFC 5424 name, as logging/setLevel takes); kInvalidArgument for
  // another name. Sends the upstreams whose lowest level changed their new one.
  protocol::Status SetLevel(Member* member, std::string_view level);

  // A notification from an upstream, in the upstream's form.
  void FromUpstream(const std::string& server, const protocol::Message& notification);
  // A notification of the gateway's own (list_changed) for every session, and for every
  // listener that may read one of the items `changed` (routes of the Catalog's items) leads to.
  void ListChanged(const protocol::Message& notification, const std::vector<Route>& changed);
  // A server's request that no call claims, in stdio mode: relayed to the one session when
  // exactly one has joined (the one client); else nullopt, and request and reply are untouched.
  std::optional<upstream::Withdraw> RelayToOnlyMember(const std::string& server,
                                                      const protocol::Message& request,
                                                      const upstream::ReplyHandler& reply);
  // The upstream (re)connected: it gets the current subscriptions and log level.
  void UpstreamReady(const std::string& server);

 private:
  struct Subscription {
    std::string uri;  // as the first subscriber sent it: what the upstream is told
    std::set<Member*> members;
    bool confirmed = false;
  };
  using SubscriptionKey = std::pair<std::string, std::string>;  // server, ResourceKey(uri)
  struct Outgoing {
    std::string server;
    std::string method;
    protocol::Json params;
  };

  void DeliverLogLine(const std::string& server, const protocol::Message& notification);
  void DeliverUpdate(const std::string& server, const protocol::Message& notification);
  // notifications/elicitation/complete goes to the one session that got that elicitation.
  void DeliverElicitationComplete(const std::string& server, const protocol::Message& notification);
  void DeliverTaskStatus(const std::string& server, const protocol::Message& notification);
  // Removes member from the subscription; returns the subscription when it was its last member.
  std::optional<Subscription> Remove(Member* member, const SubscriptionKey& key);
  // Queues the lowest level the readers of each server want, where it changed. Caller holds
  // send_mutex_ and mutex_.
  void UpdateUpstreamLevels(const std::vector<std::string>& servers);
  std::optional<int> LowestWanted(const std::string& server) const;
  void Queue(const std::string& server, const char* method, const std::string& uri);
  void SendQueued();

  Upstreams& upstreams_;
  TaskRegistry* const tasks_;     // taken after mutex_ (its own lock never calls back here)
  std::mutex send_mutex_;         // taken before mutex_; held while deciding and sending
  std::vector<Outgoing> queued_;  // requests decided under mutex_; guarded by send_mutex_
  std::mutex mutex_;              // guards everything below; held while delivering
  std::map<Member*, std::optional<int>> members_;  // each member's log level rank, if set
  std::set<Listener*> listeners_;
  std::map<SubscriptionKey, Subscription> subscriptions_;
  std::map<std::string, int, std::less<>> upstream_levels_;  // the level last sent, by server
};

// The form of a resource URI that subscriptions and updates are matched on.
std::string ResourceKey(std::string_view uri);

}  // namespace mcpgw::proxy
