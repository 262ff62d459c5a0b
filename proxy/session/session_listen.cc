// Session's subscriptions/listen (README "Notifications"): a modern client's notification stream.

#include "proxy/session/session.h"

#include "protocol/log.h"

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Result;
using protocol::StatusCode;

void Session::OpenListen(const Json& params, const Responder& responder) {
  Result<ListenFilter> asked = ParseListenFilter(params);
  if (!asked.ok()) return responder.Answer(asked.status());
  ListenFilter honoured = *std::move(asked);
  std::vector<Route> routes;
  if (honoured.uris) routes = ListenableUris(*honoured.uris);
  auto listen = std::make_shared<Listen>(
      services_.notifications, access_, responder.id, responder.sink, std::move(honoured),
      [responder](Json result) { responder.Answer(std::move(result)); });
  const std::string key = responder.id.dump();
  {
    std::lock_guard lock(mutex_);
    if (in_flight_.contains(key) || !listens_.emplace(key, listen).second) {
      return responder.Answer(protocol::Status(StatusCode::kInvalidMessage,
                                               "request id " + key + " is already in use"));
    }
  }
  // A cancel from here on takes it out of listens_; this reference keeps it until it is set up.
  listen->Acknowledge();
  for (const Route& route : routes) SubscribeForListen(*listen, route);
}

std::vector<Route> Session::ListenableUris(std::vector<std::string>& uris) {
  const RequestMethod& subscribe = *FindMethod("resources/subscribe");
  std::vector<std::string> kept;
  std::vector<Route> routes;
  for (std::string& uri : uris) {
    const Json params = {{"uri", uri}};
    Result<Route> route = Resolve(subscribe, params);
    if (!route.ok() && route.status().code() == StatusCode::kInvalidArgument) {
      services_.upstreams.WaitForStartup();  // it may be a server's still starting
      route = Resolve(subscribe, params);
    }
    // Left out exactly as resources/subscribe would refuse it; a server of the session's own
    // ("isolation": "session") keeps its subscriptions to itself.
    if (!route.ok() || !access_.Check(subscribe, params, *route).ok() ||
        UpstreamFor(route->server) != services_.upstreams.Find(route->server) ||
        !RateLimit(subscribe, *route).ok()) {
      continue;
    }
    kept.push_back(std::move(uri));
    routes.push_back(*std::move(route));
  }
  uris = std::move(kept);
  return routes;
}

void Session::SubscribeForListen(Listen& listen, const Route& route) {
  NotificationHub& hub = services_.notifications;
  if (!hub.Subscribe(&listen, route.server, route.name)) return;  // the upstream already has it
  upstream::UpstreamPtr upstream = services_.upstreams.Find(route.server);
  // One not ready gets it from the hub when it becomes ready.
  if (upstream == nullptr || upstream->state() != upstream::State::kReady) return;
  upstream->Call("resources/subscribe", {{"uri", route.name}},
                 [&hub, server = route.server, uri = route.name](Result<Json> outcome) {
                   if (outcome.ok()) return hub.Confirm(server, uri);
                   log::Debug("[{}] resources/subscribe {} for a listen failed: {}", server, uri,
                              outcome.status().message());
                 });
}

bool Session::EndListen(const std::string& key) {
  std::shared_ptr<Listen> ended;
  {
    std::lock_guard lock(mutex_);
    auto found = listens_.find(key);
    if (found == listens_.end()) return false;
    ended = std::move(found->second);
    listens_.erase(found);
  }
  return true;  // `ended` leaves the hub here, outside mutex_
}

}  // namespace mcpgw::proxy
