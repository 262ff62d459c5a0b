#pragma once

// One subscriptions/listen stream of a modern client (README "Notifications"): what it asked
// for, what the gateway agreed to, and the notifications it carries, each tagged with the
// listen request's id as its subscription id.

#include "protocol/json_rpc.h"
#include "protocol/status.h"
#include "proxy/access/access.h"
#include "proxy/session/client_requests.h"
#include "proxy/session/notification_hub.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// params.notifications of a listen request, or the part of it the gateway honours.
struct ListenFilter {
  bool tools = false;                            // toolsListChanged
  bool prompts = false;                          // promptsListChanged
  bool resources = false;                        // resourcesListChanged
  std::optional<std::vector<std::string>> uris;  // resourceSubscriptions; nullopt: not asked
};

// Reads params.notifications. Fails with kInvalidArgument ("Invalid params: ...") when it is
// missing or no object, a flag is no boolean, or resourceSubscriptions is no array of strings.
// Pure; any thread.
protocol::Result<ListenFilter> ParseListenFilter(const protocol::Json& params);

// The filter in the form of the request's params.notifications.
protocol::Json ToJson(const ListenFilter& filter);

// A listen stream as the NotificationHub's listener. It joins the hub only once acknowledged
// and leaves it when destroyed (which ends its subscriptions). Deliver and End run on the hub's
// threads under the hub's lock; Acknowledge runs once, before it joins.
class Listen : public NotificationHub::Listener {
 public:
  using Finish = std::function<void(protocol::Json result)>;

  // Notifications go to sink under subscription id `id` (the listen request's id); `honoured`
  // is what the gateway agreed to; `finish` answers the listen request (with End's result).
  // access and hub are borrowed and must outlive it.
  Listen(NotificationHub& hub, const Access& access, protocol::Json id, ClientSink sink,
         ListenFilter honoured, Finish finish);
  ~Listen() override;  // leaves the hub: no delivery reaches it once this returns
  Listen(const Listen&) = delete;
  Listen& operator=(const Listen&) = delete;

  // Sends notifications/subscriptions/acknowledged with the honoured filter, then joins the
  // hub: nothing on this subscription precedes the acknowledgement.
  void Acknowledge();

  // NotificationHub::Listener
  const Access& access() const override { return access_; }
  // Passes the list_changed kinds honoured and resources/updated (the hub sends only the URIs
  // subscribed to), tagged with the subscription id; drops anything else and anything after End.
  void Deliver(const protocol::Message& notification) override;
  // Answers the listen request {"resultType": "complete", "_meta": {subscriptionId}} once.
  void End() override;

 private:
  bool Wants(const std::string& method) const;

  NotificationHub& hub_;
  const Access& access_;
  const protocol::Json id_;
  const ClientSink sink_;
  const ListenFilter honoured_;
  const Finish finish_;
  bool ended_ = false;  // guarded by the hub's lock (only Deliver and End use it)
};

}  // namespace mcpgw::proxy
