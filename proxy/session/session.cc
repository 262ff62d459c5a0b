#include "proxy/session/session.h"

#include "protocol/era.h"
#include "protocol/guard.h"
#include "protocol/json_field.h"
#include "protocol/log.h"
#include "protocol/version.h"
#include "protocol/rpc_errors.h"
#include "proxy/session/cache_hints.h"

#include <utility>
#include <vector>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

namespace {

// Everything the gateway can route. An upstream that lacks a feature answers with its own error.
// Tasks exist from 2025-11-25 on; the only task-augmented request a client sends is tools/call.
Json GatewayCapabilities(std::string_view revision) {
  Json capabilities = {{"tools", {{"listChanged", true}}},
                       {"prompts", {{"listChanged", true}}},
                       {"resources", {{"listChanged", true}, {"subscribe", true}}},
                       {"completions", Json::object()},
                       {"logging", Json::object()}};
  if (revision >= "2025-11-25" && !protocol::IsModernRevision(revision)) {
    capabilities["tasks"] = {{"list", Json::object()},
                             {"cancel", Json::object()},
                             {"requests", {{"tools", {{"call", Json::object()}}}}}};
  }
  return capabilities;
}

// The modern era's name of the tasks extension.
constexpr const char* kTasksExtension = "io.modelcontextprotocol/tasks";

// What a server's request the client can no longer answer gets.
Status ClientGone() {
  return Status(StatusCode::kUnavailable, "the client that was asked has gone");
}

// The client capability a server's request needs; empty: none the gateway checks.
std::string CapabilityNeeded(const Message& request) {
  if (request.method == "sampling/createMessage") return "sampling";
  if (request.method == "elicitation/create") return "elicitation";
  if (request.method == "roots/list") return "roots";
  return "";
}

// The wire code of "resource not found" up to 2025-11-25; the modern era uses -32602.
constexpr int kLegacyResourceNotFound = -32002;
constexpr int kInvalidParams = -32602;

// A server's "resource not found" (-32002 up to 2025-11-25, -32602 since), as a modern client
// is told it: -32602, with the URI in data.uri.
Status WithModernCodes(Status status, const std::string& resource_uri) {
  const Json& error = status.detail();
  const int code = error.is_object() ? error.value("code", 0) : 0;
  if (status.code() != StatusCode::kRemote ||
      (code != kLegacyResourceNotFound && (code != kInvalidParams || resource_uri.empty()))) {
    return status;
  }
  Json modern = error;
  modern["code"] = kInvalidParams;
  if (!resource_uri.empty()) {
    if (!modern["data"].is_object()) modern["data"] = Json::object();
    if (!modern["data"].contains("uri")) modern["data"]["uri"] = resource_uri;
  }
  return Status(StatusCode::kRemote, status.message(), std::move(modern));
}

bool IsUrlElicitation(const Message& request) {
  return request.method == "elicitation/create" &&
         protocol::StringOr(request.params, "mode") == "url";
}

}  // namespace

void Responder::Answer(Result<Json> outcome) const {
  if (audit) audit->Finish(outcome);
  counter.Count(outcome);
  if (outcome.ok()) {
    Json result = std::move(outcome).value();
    if (modern) MarkModernResult(result);
    return sink(protocol::MakeResult(id, std::move(result)));
  }
  Status failed = modern ? WithModernCodes(outcome.status(), resource_uri) : outcome.status();
  sink(protocol::MakeError(id, protocol::ToRpcError(failed)));
}

Session::Session(const SessionServices& services, ClientSink notifications,
                 policy::Principal principal)
    : services_(services),
      notifications_(std::move(notifications)),
      access_(services.permissions, std::move(principal)),
      own_upstreams_({[this] {
                        std::lock_guard lock(mutex_);
                        return RelayableCapabilities(client_capabilities_);
                      },
                      [this](const std::string& server, Message request,
                             upstream::ReplyHandler reply) {
                        return RelayToClient(server, std::move(request), std::move(reply),
                                             notifications_);
                      },
                      [this](const std::string& server, const Message& notification) {
                        FromOwnUpstream(server, notification);
                      }}) {
  services_.notifications.Join(this);
}

Session::~Session() {
  listens_.clear();  // each leaves the hub
  own_upstreams_.StopAll();
  services_.notifications.Leave(this);
  client_requests_->FailAll(ClientGone());
}

void Session::HandleRequest(Message request, ClientSink reply_sink) {
  // initialize opens the legacy era whatever its _meta says.
  if (request.method == "initialize" || !protocol::DeclaredVersion(request.params)) {
    return HandleModernRequest(std::move(request), nullptr, std::move(reply_sink));
  }
  Result<ModernRequest> modern = ReadModernRequest(request.params);
  if (!modern.ok()) {
    return reply_sink(protocol::MakeError(request.id, protocol::ToRpcError(modern.status())));
  }
  HandleModernRequest(std::move(request),
                      std::make_shared<const ModernRequest>(std::move(modern).value()),
                      std::move(reply_sink));
}

void Session::HandleModernRequest(Message request, std::shared_ptr<const ModernRequest> modern,
                                  ClientSink reply_sink) {
  Responder responder{request.id, std::move(reply_sink),
                      services_.audit.Begin(services_.permissions, access_.principal(),
                                            request.method, request.params),
                      services_.metrics.ForMethod(request.method), std::move(modern)};
  if (!protocol::Guarded(request.method, [&] { Dispatch(request, responder); })) {
    responder.Answer(Status(StatusCode::kInternal, "Internal error"));
  }
}

void Session::Dispatch(Message& request, const Responder& responder) {
  auto reply = [&responder](Result<Json> outcome) { responder.Answer(std::move(outcome)); };
  const RequestMethod* method = FindMethod(request.method);
  if (method == nullptr || (responder.modern && method->legacy_only) ||
      (!responder.modern && method->modern_only)) {
    return reply(MethodNotFound(request.method));
  }
  Json params = request.params.is_object() ? std::move(request.params) : Json::object();
  if (responder.modern) StripClientMeta(params);
  switch (method->handler) {
    case MethodHandler::kInitialize:
      return reply(Initialize(params));
    case MethodHandler::kDiscover:
      return reply(WithHints(Discover(), DiscoverHints(services_.catalog, access_), responder));
    case MethodHandler::kPing:
      return reply(Json::object());
    case MethodHandler::kSetLogLevel:
      return SetLogLevel(params, reply);
    case MethodHandler::kList:
      return AnswerList(*method->list, responder);
    case MethodHandler::kForward:
    case MethodHandler::kSubscribe:
    case MethodHandler::kUnsubscribe:
      return RouteToUpstream(*method, request, std::move(params), responder);
    case MethodHandler::kTask:
      return RouteTask(request, std::move(params), responder);
    case MethodHandler::kTaskList:
      return ListTasks(responder);
    case MethodHandler::kListen:
      return OpenListen(params, responder);
  }
}

void Session::RouteToUpstream(const RequestMethod& method, const Message& request, Json params,
                              const Responder& responder) {
  auto reply = [&responder](Result<Json> outcome) { responder.Answer(std::move(outcome)); };
  Result<Route> route = Resolve(method, params);
  if (!route.ok() && route.status().code() == StatusCode::kInvalidArgument) {
    // The item may belong to an upstream that is still starting: wait for it, then look again.
    services_.upstreams.WaitForStartup();
    route = Resolve(method, params);
  }
  if (!route.ok()) return reply(UnknownOrUnavailable(params, route.status()));
  if (responder.audit) responder.audit->Decide(*route);
  if (Status allowed = access_.Check(method, params, *route); !allowed.ok()) {
    services_.metrics.CountDenial(route->server);
    return reply(allowed);
  }
  if (Status within = RateLimit(method, *route); !within.ok()) {
    services_.metrics.CountRateLimited(route->server);
    return reply(within);
  }
  if (method.calls_tool) {
    if (auto rejected = services_.arguments.Reject(*route, params)) {
      if (responder.audit) responder.audit->RejectArguments();
      return reply(*rejected);
    }
  }
  const std::string requested = RequestedItem(method, params);
  params = RewriteForUpstream(method, std::move(params), route->name);
  if (method.handler == MethodHandler::kSubscribe) {
    return Subscribe(request, responder, route->server, std::move(params));
  }
  if (method.handler == MethodHandler::kUnsubscribe) {
    return Unsubscribe(request, responder, route->server, std::move(params));
  }
  if (method.creates_task && params.contains("task")) {
    return Forward(request, CreatingTask(responder, route->server), route->server,
                   std::move(params));
  }
  if (responder.modern) {
    Responder answering = responder;
    if (method.cacheable) {
      answering = HintingReads(responder, IsRetry(params));
      answering.resource_uri = requested;
    }
    if (method.asks_for_input) {
      return ForwardModern(request, answering, route->server, std::move(params));
    }
    return Forward(request, answering, route->server, std::move(params));
  }
  Forward(request, responder, route->server, std::move(params));
}

void Session::AnswerList(const ListMethod& list, const Responder& responder) {
  services_.upstreams.WaitForStartup();
  const Catalog& catalog = services_.catalog;
  // A copy past its server's hint is fetched again; meanwhile it answers, with ttlMs 0.
  for (const std::string& server : catalog.ExpiredCopies(list.list)) {
    if (upstream::UpstreamPtr upstream = services_.upstreams.Find(server)) upstream->RefreshLists();
  }
  if (access_.ReadsEverything()) {
    std::shared_ptr<const std::string> text = catalog.ListResultText(list.list);
    if (responder.modern) {
      text = std::make_shared<const std::string>(MarkModernResultText(
          WithCacheHintsText(*text, ListHints(catalog, list.list, access_))));
    }
    return responder.sink(protocol::MakeSerializedResult(responder.id, std::move(text)));
  }
  auto resolve = [&catalog, &list](std::string_view name) { return (catalog.*list.resolve)(name); };
  Json result{{list.field, access_.Filter((catalog.*list.items)(), list.key, resolve)}};
  responder.Answer(WithHints(std::move(result), ListHints(catalog, list.list, access_), responder));
}

Status Session::RateLimit(const RequestMethod& method, const Route& route) {
  if (!method.rate_limited) return Status::Ok();
  return services_.rate_limiter.Acquire(access_.principal().name, route);
}

Result<Route> Session::Resolve(const RequestMethod& method, const Json& params) const {
  return ResolveItem(method, services_.catalog, params);
}

Status Session::UnknownOrUnavailable(const Json& params, Status unknown) const {
  if (unknown.code() != StatusCode::kInvalidArgument) return unknown;
  auto name = params.find("name");
  if (name == params.end() || !name->is_string()) return unknown;
  const NamingRules rules = services_.catalog.rules();  // the current aliases
  for (const auto& upstream : services_.upstreams.Running()) {
    if (upstream->state() == upstream::State::kReady) continue;
    auto rest = NameUnderServer(rules, *name->get_ptr<const std::string*>(), upstream->name());
    if (!rest || !access_.MayRead(upstream->name(), *rest)) continue;
    return {StatusCode::kUnavailable, "upstream '" + upstream->name() + "' is not connected",
            {{"server", upstream->name()}}};
  }
  return unknown;
}

Json Session::Initialize(const Json& params) {
  std::string requested = protocol::StringOr(params, "protocolVersion");
  {
    std::lock_guard lock(mutex_);
    const Json* declared = protocol::FindMember(params, "capabilities");
    client_capabilities_ = declared && declared->is_object() ? *declared : Json::object();
  }
  const std::string_view revision = protocol::NegotiateRevision(requested);
  MarkInitialized();
  {
    std::lock_guard lock(mutex_);
    revision_ = revision;
  }
  return {{"protocolVersion", revision},
          {"capabilities", GatewayCapabilities(revision)},
          {"serverInfo", {{"name", "mcpgw"}, {"version", MCPGW_VERSION}}}};
}

// Tasks are an extension in the modern era, offered where some upstream offers them.
Json Session::Discover() const {
  Json capabilities = GatewayCapabilities(protocol::kLatestModernRevision);
  for (const upstream::UpstreamPtr& upstream : services_.upstreams.Running()) {
    const Json& offered = upstream->offer()->capabilities;
    const bool tasks = offered.contains("tasks") ||
                       (offered.contains("extensions") && offered["extensions"].is_object() &&
                        offered["extensions"].contains(kTasksExtension));
    if (tasks) capabilities["extensions"] = {{kTasksExtension, Json::object()}};
  }
  return {{"supportedVersions", protocol::SupportedRevisions()}, {"capabilities", capabilities}};
}

upstream::UpstreamPtr Session::UpstreamFor(const std::string& server) {
  upstream::UpstreamPtr shared = services_.upstreams.Find(server);
  if (shared == nullptr || !shared->config().isolated) return shared;
  return own_upstreams_.For(shared->config());
}

void Session::FromOwnUpstream(const std::string& server, const Message& notification) {
  const std::string& method = notification.method;
  bool passes = method == "notifications/resources/updated" ||
                (method == "notifications/message" && access_.MayRead(server, "*")) ||
                (method == "notifications/elicitation/complete" &&
                 TakeElicitation(server, protocol::StringOr(notification.params, "elicitationId")));
  if (passes) Deliver(notification);
}

// A session's own upstream serves only it: subscriptions go there directly, uncounted.
void Session::Subscribe(const Message& request, const Responder& responder,
                        const std::string& server, Json params) {
  if (UpstreamFor(server) != services_.upstreams.Find(server)) {
    return Forward(request, responder, server, std::move(params));
  }
  const std::string uri = params["uri"].get<std::string>();  // the canonical URI, routed on
  if (!services_.notifications.Subscribe(this, server, uri)) {
    return responder.Answer(Json::object());  // the upstream already has it
  }
  Forward(request, responder, server, std::move(params), [this, server, uri](bool accepted) {
    if (accepted) return services_.notifications.Confirm(server, uri);
    services_.notifications.Withdraw(this, server, uri);
  });
}

void Session::Unsubscribe(const Message& request, const Responder& responder,
                          const std::string& server, Json params) {
  if (UpstreamFor(server) != services_.upstreams.Find(server)) {
    return Forward(request, responder, server, std::move(params));
  }
  std::optional<std::string> last =
      services_.notifications.Unsubscribe(this, server, params["uri"].get<std::string>());
  if (!last) return responder.Answer(Json::object());  // others still subscribed, or never was
  params["uri"] = *last;
  Forward(request, responder, server, std::move(params));
}

void Session::Forward(const Message& request, const Responder& responder, const std::string& server,
                      Json params, std::function<void(bool accepted)> settled) {
  auto refuse = [&responder, &settled](Status status) {
    if (settled) settled(false);
    responder.Answer(std::move(status));
  };
  upstream::UpstreamPtr upstream = UpstreamFor(server);
  if (upstream == nullptr) {
    return refuse(Status(StatusCode::kUnavailable, "upstream '" + server + "' is disabled",
                         {{"server", server}}));
  }
  const std::string key = request.id.dump();
  if (Status reserved = Reserve(key, upstream); !reserved.ok()) return refuse(reserved);
  upstream::CallHooks hooks = HooksFor(server, params, responder);
  ForwardedCall counted = services_.metrics.StartCall(server, request.method);
  upstream::CallId call_id = upstream->Call(
      request.method, std::move(params),
      [this, key, responder, counted, settled = std::move(settled)](Result<Json> outcome) {
        counted.Finish();
        if (settled) settled(outcome.ok());
        Release(key);
        // A cancelled request gets no answer (the client has stopped waiting for one).
        if (outcome.status().code() != StatusCode::kCancelled) responder.Answer(std::move(outcome));
      },
      std::move(hooks));
  RecordCallId(key, *upstream, call_id);
}

Status Session::Reserve(const std::string& key, upstream::UpstreamPtr upstream) {
  std::lock_guard lock(mutex_);
  if (in_flight_.emplace(key, InFlight{std::move(upstream)}).second) return Status::Ok();
  return Status(StatusCode::kInvalidMessage, "request id " + key + " is already in use");
}

void Session::Release(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(key);
  }
  idle_.notify_all();
}

upstream::CallHooks Session::HooksFor(const std::string& server, const Json& params,
                                      const Responder& responder) {
  const ClientSink& sink = responder.sink;
  upstream::CallHooks hooks;
  hooks.owner = this;
  if (responder.modern) {
    hooks.forward_headers = responder.modern->forward_headers;
    // A modern client takes no requests from servers.
    hooks.on_request = [server](Message request, upstream::ReplyHandler reply) {
      log::Info("[{}] refused {}: the client speaks the modern era", server, request.method);
      reply(Status(StatusCode::kNotFound, "Method not found: " + request.method));
      return upstream::Withdraw();
    };
  } else {
    hooks.on_request = [this, server, sink](Message request, upstream::ReplyHandler reply) {
      return RelayToClient(server, std::move(request), std::move(reply), sink);
    };
  }
  const Json* meta = protocol::FindMember(params, "_meta");
  const Json* token = meta ? protocol::FindMember(*meta, "progressToken") : nullptr;
  if (token == nullptr) return hooks;
  // The upstream gets the client's own token unless another call on its connection uses it;
  // either way the client's token goes back on every progress notification for this request.
  hooks.progress_token = *token;
  hooks.on_progress = [sink, token = *token](Json progress) {
    progress["progressToken"] = token;
    sink(protocol::MakeNotification("notifications/progress", std::move(progress)));
  };
  return hooks;
}

// Only a legacy client initializes; a modern one takes no requests from servers (its calls'
// own requests become input_required, README "Input required (modern clients)").
upstream::Withdraw Session::Relay(const std::string& server, Message request,
                                  upstream::ReplyHandler reply) {
  bool legacy = false;
  {
    std::lock_guard lock(mutex_);
    legacy = initialized_;
  }
  if (!legacy) {
    log::Info("[{}] refused {}: the client speaks the modern era", server, request.method);
    reply(Status(StatusCode::kNotFound, "Method not found: " + request.method));
    return nullptr;
  }
  return RelayToClient(server, std::move(request), std::move(reply), notifications_);
}

upstream::Withdraw Session::RelayToClient(const std::string& server, Message request,
                                          upstream::ReplyHandler reply, const ClientSink& sink) {
  const std::string needed = CapabilityNeeded(request);
  {
    std::lock_guard lock(mutex_);
    const bool lacks = !needed.empty() && client_capabilities_.is_object() &&
                       !client_capabilities_.contains(needed);
    if (lacks) {
      log::Info("[{}] refused {}: the client did not declare the {} capability", server,
                request.method, needed);
      reply(Status(StatusCode::kNotFound, "Method not found: " + request.method +
                                              " (the client has no " + needed + " capability)"));
      return nullptr;
    }
    if (IsUrlElicitation(request)) {
      open_elicitations_.emplace(server, protocol::StringOr(request.params, "elicitationId"));
    }
  }
  return client_requests_->Send(std::move(request), std::move(reply), sink);
}

bool Session::TakeElicitation(const std::string& server, const std::string& id) {
  std::lock_guard lock(mutex_);
  return open_elicitations_.erase({server, id}) > 0;
}

void Session::HandleResponse(const Message& response) {
  if (!client_requests_->Answer(response)) {
    log::Debug("dropped the client's answer to {}: no request of the gateway's", response.id.dump());
  }
}

void Session::RecordCallId(const std::string& key, upstream::Upstream& upstream,
                           upstream::CallId call_id) {
  std::optional<std::string> cancel_reason;
  {
    std::lock_guard lock(mutex_);
    auto found = in_flight_.find(key);
    if (found == in_flight_.end()) return;  // already answered
    found->second.call_id = call_id;
    cancel_reason = found->second.cancel_reason;
  }
  if (cancel_reason) upstream.Cancel(call_id, *cancel_reason);
}

// The level is this session's own: the hub filters what it gets, and tells the upstreams the
// lowest level any session asked for.
void Session::SetLogLevel(const Json& params, const Reply& reply) {
  Result<std::string> level = protocol::RequireString(params, "level", "level");
  if (!level.ok()) return reply(level.status());
  Status set = services_.notifications.SetLevel(this, *level);
  if (!set.ok()) return reply(set);
  reply(Json::object());
}

void Session::HandleNotification(const Message& notification) {
  if (notification.method == "notifications/cancelled") {
    protocol::Guarded(notification.method, [&] { CancelRequest(notification.params); });
  } else if (notification.method == "notifications/roots/list_changed") {
    TellRootsChanged();
  } else if (notification.method != "notifications/initialized") {
    log::Debug("ignored client notification {}", notification.method);
  }
}

void Session::TellRootsChanged() {
  std::vector<upstream::UpstreamPtr> upstreams = services_.upstreams.Running();
  for (upstream::UpstreamPtr& own : own_upstreams_.All()) upstreams.push_back(std::move(own));
  for (const upstream::UpstreamPtr& upstream : upstreams) {
    if (upstream->state() == upstream::State::kReady) {
      (void)upstream->Notify("notifications/roots/list_changed", Json::object());
    }
  }
}

void Session::CancelRequest(const Json& params) {
  if (!params.is_object() || !params.contains("requestId")) return;
  const std::string key = params["requestId"].dump();
  if (EndListen(key)) return;
  const std::string reason = protocol::StringOr(params, "reason", "cancelled by the client");
  upstream::UpstreamPtr upstream;
  upstream::CallId call_id = -1;
  {
    std::lock_guard lock(mutex_);
    auto found = in_flight_.find(key);
    if (found == in_flight_.end()) return;  // finished, or never forwarded: nothing to do
    if (found->second.call_id < 0) {
      found->second.cancel_reason = reason;  // RecordCallId will cancel it
      return;
    }
    upstream = found->second.upstream;
    call_id = found->second.call_id;
  }
  upstream->Cancel(call_id, reason);
}

void Session::CancelAll(const std::string& reason) {
  std::vector<std::pair<upstream::UpstreamPtr, upstream::CallId>> calls;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, call] : in_flight_) {
      call.cancel_reason = reason;  // RecordCallId cancels a call still being sent
      if (call.call_id >= 0) calls.emplace_back(call.upstream, call.call_id);
    }
  }
  for (auto& [upstream, call_id] : calls) upstream->Cancel(call_id, reason);
  std::map<std::string, std::shared_ptr<Listen>> listens;
  {
    std::lock_guard lock(mutex_);
    listens.swap(listens_);
  }
  listens.clear();  // each leaves the hub, outside mutex_
  client_requests_->FailAll(ClientGone());
}

void Session::MarkInitialized() {
  std::lock_guard lock(mutex_);
  initialized_ = true;
}

std::string Session::negotiated_revision() {
  std::lock_guard lock(mutex_);
  return revision_;
}

bool Session::WaitForIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return in_flight_.empty(); });
}

void Session::Deliver(const Message& notification) {
  {
    std::lock_guard lock(mutex_);
    if (!initialized_) return;
  }
  notifications_(notification);
}

}  // namespace mcpgw::proxy
