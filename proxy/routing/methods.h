#pragma once

// The request methods a client may send that the gateway knows, one row each: who answers it
// and, for a routed method, where its item is named, the level it needs, whether it is
// rate-limited, audited and timed as a tool call. Every part of the gateway reads the row instead
// of comparing method names, so a new method is a new row (plus its handler in Session when the
// gateway answers it itself). The table is immutable and the functions keep no state: any thread.

#include "policy/level.h"
#include "protocol/status.h"
#include "proxy/routing/catalog.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace mcpgw::proxy {

// Who answers a method.
enum class MethodHandler {
  // The gateway itself:
  kInitialize,   // negotiates the revision and marks the session initialized
  kPing,         // answers {}
  kSetLogLevel,  // sets the session's own log level (the NotificationHub keeps it)
  kDiscover,     // the gateway's versions and the capabilities it routes (server/discover)
  kList,         // a merged list of the Catalog, the row's `list`
  // The upstream the request's item routes to:
  kForward,      // gets the request with the item's real name
  kSubscribe,    // counted per session by the hub: only the first subscription reaches it
  kUnsubscribe,  // counted likewise: only the last unsubscription reaches it
  // The upstream that owns the task params.taskId names (TaskRegistry), when the caller owns it:
  kTask,      // gets the request with the upstream's task id; the answer gets the gateway's
  kTaskList,  // the caller's own tasks, merged from the tasks/list of each upstream holding one
  // A modern client's notification stream (subscriptions/listen), kept by its session:
  kListen,
};

// The item a routed request reaches: where params name it, how the Catalog resolves that name,
// and where the item's real name goes in the params the upstream gets.
enum class MethodItem {
  kNone,           // the gateway answers: no item
  kTool,           // params.name, an exposed tool name (Catalog::ResolveTool)
  kPrompt,         // params.name, an exposed prompt name (Catalog::ResolvePrompt)
  kResource,       // params.uri, a resource URI, forwarded canonical (Catalog::ResolveResource)
  kCompletionRef,  // params.ref: {type "ref/prompt", name} or {type "ref/resource", uri}
};

// Which requests of a method get an audit line (README "Audit log").
enum class AuditKind { kNever, kAlways, kDenials };

// A merged list the gateway answers from the Catalog: which list, the member of the result that
// holds it, its items, the member naming an item, and how that name leads back to its route (for
// the permission check).
struct ListMethod {
  CatalogList list;
  const char* field;
  protocol::Json (Catalog::*items)() const;
  const char* key;
  protocol::Result<Route> (Catalog::*resolve)(std::string_view) const;
};

// One method. The members after `list` matter for routed methods only.
struct RequestMethod {
  std::string_view name;  // also its label in the request metrics
  MethodHandler handler;
  const ListMethod* list = nullptr;  // for MethodHandler::kList
  MethodItem item = MethodItem::kNone;
  policy::Level needs = policy::Level::kExecute;  // the caller's level on the item
  bool rate_limited = false;                      // takes a token of the caller's rate limits
  AuditKind audit = AuditKind::kNever;
  // Calls a tool: its arguments are checked against the tool's input schema, and the upstream's
  // time to answer is the tool-call latency of its server.
  bool calls_tool = false;
  // May be task-augmented (params.task): a CreateTaskResult's task is registered under an id of
  // the gateway's (README "Tasks").
  bool creates_task = false;
  // May answer a modern client input_required (multi round-trip requests): the server's
  // requests for it become the client's input requests (README "Input required").
  bool asks_for_input = false;
  // Exists in the legacy era only (README "Protocol eras"): a modern request for it gets
  // MethodNotFound.
  bool legacy_only = false;
  // Exists in the modern era only: a legacy request for it gets MethodNotFound.
  bool modern_only = false;
  // Its complete result carries caching hints for a modern client (README "Caching").
  bool cacheable = false;
};

inline constexpr ListMethod kToolsList = {CatalogList::kTools, "tools", &Catalog::Tools, "name",
                                          &Catalog::ResolveTool};
inline constexpr ListMethod kPromptsList = {CatalogList::kPrompts, "prompts", &Catalog::Prompts,
                                            "name", &Catalog::ResolvePrompt};
inline constexpr ListMethod kResourcesList = {
    CatalogList::kResources, "resources", &Catalog::Resources, "uri", &Catalog::ResolveResource};
inline constexpr ListMethod kResourceTemplatesList = {
    CatalogList::kResourceTemplates, "resourceTemplates", &Catalog::ResourceTemplates,
    "uriTemplate", &Catalog::ResolveResource};

// The table, in the order the request metrics list the methods.
inline constexpr RequestMethod kRequestMethods[] = {
    {.name = "initialize", .handler = MethodHandler::kInitialize, .legacy_only = true},
    {.name = "ping", .handler = MethodHandler::kPing, .legacy_only = true},
    {.name = "server/discover", .handler = MethodHandler::kDiscover, .cacheable = true},
    {.name = "tools/list",
     .handler = MethodHandler::kList,
     .list = &kToolsList,
     .cacheable = true},
    {.name = "tools/call",
     .handler = MethodHandler::kForward,
     .item = MethodItem::kTool,
     .rate_limited = true,
     .audit = AuditKind::kAlways,
     .calls_tool = true,
     .creates_task = true,
     .asks_for_input = true},
    {.name = "prompts/list",
     .handler = MethodHandler::kList,
     .list = &kPromptsList,
     .cacheable = true},
    {.name = "prompts/get",
     .handler = MethodHandler::kForward,
     .item = MethodItem::kPrompt,
     .rate_limited = true,
     .audit = AuditKind::kAlways,
     .asks_for_input = true},
    {.name = "resources/list",
     .handler = MethodHandler::kList,
     .list = &kResourcesList,
     .cacheable = true},
    {.name = "resources/templates/list",
     .handler = MethodHandler::kList,
     .list = &kResourceTemplatesList,
     .cacheable = true},
    {.name = "resources/read",
     .handler = MethodHandler::kForward,
     .item = MethodItem::kResource,
     .rate_limited = true,
     .audit = AuditKind::kAlways,
     .asks_for_input = true,
     .cacheable = true},
    {.name = "resources/subscribe",
     .handler = MethodHandler::kSubscribe,
     .item = MethodItem::kResource,
     .rate_limited = true,
     .audit = AuditKind::kDenials,
     .legacy_only = true},
    // Unsubscribing only stops news about an item the caller may see: it needs read, and is
    // never refused for the rate.
    {.name = "resources/unsubscribe",
     .handler = MethodHandler::kUnsubscribe,
     .item = MethodItem::kResource,
     .needs = policy::Level::kRead,
     .rate_limited = false,
     .audit = AuditKind::kDenials,
     .legacy_only = true},
    {.name = "completion/complete",
     .handler = MethodHandler::kForward,
     .item = MethodItem::kCompletionRef,
     .rate_limited = true,
     .audit = AuditKind::kDenials},
    {.name = "logging/setLevel", .handler = MethodHandler::kSetLogLevel, .legacy_only = true},
    // A task is reached by the caller that created it (the registry checks the owner); the
    // level and the rate were decided when it was created.
    {.name = "tasks/get", .handler = MethodHandler::kTask},
    // The modern era's tasks extension drops tasks/result and tasks/list.
    {.name = "tasks/result", .handler = MethodHandler::kTask, .legacy_only = true},
    {.name = "tasks/cancel", .handler = MethodHandler::kTask},
    {.name = "tasks/list", .handler = MethodHandler::kTaskList, .legacy_only = true},
    // Its resourceSubscriptions are each decided, limited and counted like resources/subscribe.
    {.name = "subscriptions/listen", .handler = MethodHandler::kListen, .modern_only = true},
};
inline constexpr std::size_t kRequestMethodCount = std::size(kRequestMethods);

// The row of method `name`; null for a method the gateway does not know. A scan of a few
// string_views, cheap enough for every request.
const RequestMethod* FindMethod(std::string_view name);

// The row's place in kRequestMethods.
std::size_t IndexOf(const RequestMethod& method);

// What a client gets for a method the gateway does not know or route: kNotFound
// "Method not found: NAME" (-32601).
protocol::Status MethodNotFound(std::string_view name);

// Which upstream serves the item params name, and the item's real name (or canonical URI)
// there. Fails kInvalidArgument when params do not name the item as the method says
// ("Invalid params: ...") or the Catalog knows no such item ("Unknown tool: NAME", ...), and
// MethodNotFound for a method that reaches no item.
protocol::Result<Route> ResolveItem(const RequestMethod& method, const Catalog& catalog,
                                    const protocol::Json& params);

// The name or URI of the item as the caller gave it in params; "" when params have none.
std::string RequestedItem(const RequestMethod& method, const protocol::Json& params);

// What an item the caller may not see gets: exactly what an unknown one gets, kInvalidArgument
// "Unknown tool: NAME" ("Unknown prompt: NAME", "Unknown resource: URI" with data.uri) with the
// name or URI the caller used. For a method that reaches an item.
protocol::Status UnknownItem(const RequestMethod& method, const protocol::Json& params);

// params as the upstream gets them: the item's real name (or canonical URI), `name`, in place of
// the one the caller used. params must have resolved (ResolveItem) for the method.
protocol::Json RewriteForUpstream(const RequestMethod& method, protocol::Json params,
                                  const std::string& name);

}  // namespace mcpgw::proxy
