#include "proxy/routing/methods.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;
using protocol::StatusCode;

// The requests a client may send to a server in the MCP revisions 2025-06-18 and 2025-11-25
// (the ClientRequest union of the schema); tasks/* are new in 2025-11-25.
constexpr std::string_view kSpecClientRequests[] = {"initialize",
                                                    "ping",
                                                    "tools/list",
                                                    "tools/call",
                                                    "prompts/list",
                                                    "prompts/get",
                                                    "resources/list",
                                                    "resources/templates/list",
                                                    "resources/read",
                                                    "resources/subscribe",
                                                    "resources/unsubscribe",
                                                    "completion/complete",
                                                    "logging/setLevel",
                                                    "tasks/get",
                                                    "tasks/result",
                                                    "tasks/list",
                                                    "tasks/cancel"};

// The client requests of the modern revision (2026-07-28) that the legacy ones lack. It drops
// initialize, ping, logging/setLevel and resources/(un)subscribe; its tasks extension drops
// tasks/result and tasks/list.
constexpr std::string_view kModernOnlyClientRequests[] = {"server/discover",
                                                          "subscriptions/listen"};
constexpr std::string_view kLegacyOnlyClientRequests[] = {
    "initialize",          "ping",         "logging/setLevel", "resources/subscribe",
    "resources/unsubscribe", "tasks/result", "tasks/list"};

// Those the gateway neither answers nor routes: a client gets -32601 for them.
const std::vector<std::string_view> kNotHandled = {};

const RequestMethod& Row(std::string_view name) {
  const RequestMethod* row = FindMethod(name);
  REQUIRE_MESSAGE(row != nullptr, name);
  return *row;
}

// The names of the rows that satisfy `keep`, in table order.
template <typename Keep>
std::vector<std::string_view> RowsWhere(Keep keep) {
  std::vector<std::string_view> names;
  for (const RequestMethod& row : kRequestMethods) {
    if (keep(row)) names.push_back(row.name);
  }
  return names;
}

std::shared_ptr<const upstream::Offer> FsOffer() {
  auto offer = std::make_shared<upstream::Offer>();
  offer->tools.push_back({{"name", "read_file"}, {"inputSchema", {{"type", "object"}}}});
  offer->prompts.push_back({{"name", "review"}});
  offer->resources.push_back({{"uri", "file:///pub/a.txt"}, {"name", "a"}});
  return offer;
}

// A Catalog of one server, fs: tool read_file, prompt review, resource file:///pub/a.txt.
struct FsCatalog : Catalog {
  FsCatalog() : Catalog({}) { (void)Update("fs", FsOffer()); }
};

}  // namespace

TEST_CASE("The table has a row for every client request of the spec but those not handled") {
  std::vector<std::string_view> missing;
  for (auto names : {std::span<const std::string_view>(kSpecClientRequests),
                     std::span<const std::string_view>(kModernOnlyClientRequests)}) {
    for (std::string_view name : names) {
      if (FindMethod(name) == nullptr) missing.push_back(name);
    }
  }
  CHECK(missing == kNotHandled);
  for (const RequestMethod& row : kRequestMethods) {
    const bool in_spec =
        std::ranges::find(kSpecClientRequests, row.name) != std::end(kSpecClientRequests) ||
        std::ranges::find(kModernOnlyClientRequests, row.name) !=
            std::end(kModernOnlyClientRequests);
    CHECK_MESSAGE(in_spec, row.name);
    const bool legacy_only = std::ranges::find(kLegacyOnlyClientRequests, row.name) !=
                             std::end(kLegacyOnlyClientRequests);
    CHECK_MESSAGE(row.legacy_only == legacy_only, row.name);
  }
}

TEST_CASE("Discover, the lists and resources/read carry caching hints; a listen is the session's") {
  CHECK(RowsWhere([](const RequestMethod& row) { return row.cacheable; }) ==
        std::vector<std::string_view>{"server/discover", "tools/list", "prompts/list",
                                      "resources/list", "resources/templates/list",
                                      "resources/read"});
  CHECK(RowsWhere([](const RequestMethod& row) { return row.modern_only; }) ==
        std::vector<std::string_view>{"subscriptions/listen"});
  CHECK(Row("subscriptions/listen").handler == MethodHandler::kListen);
  CHECK(Row("subscriptions/listen").item == MethodItem::kNone);
}

TEST_CASE("FindMethod finds a row by its exact name, and nothing for any other") {
  CHECK(Row("tools/call").name == "tools/call");
  CHECK(IndexOf(Row("initialize")) == 0);
  CHECK(&kRequestMethods[IndexOf(Row("logging/setLevel"))] == &Row("logging/setLevel"));
  CHECK(FindMethod("tools/Call") == nullptr);
  CHECK(FindMethod("tools/call ") == nullptr);
  CHECK(FindMethod("") == nullptr);
  CHECK(MethodNotFound("x/y").code() == StatusCode::kNotFound);
  CHECK(MethodNotFound("x/y").message() == "Method not found: x/y");
}

TEST_CASE(
    "The gateway answers initialize, ping, logging/setLevel and the lists; the rest is routed") {
  CHECK(Row("initialize").handler == MethodHandler::kInitialize);
  CHECK(Row("ping").handler == MethodHandler::kPing);
  CHECK(Row("logging/setLevel").handler == MethodHandler::kSetLogLevel);
  CHECK(RowsWhere([](const RequestMethod& row) { return row.handler == MethodHandler::kList; }) ==
        std::vector<std::string_view>{"tools/list", "prompts/list", "resources/list",
                                      "resources/templates/list"});
  CHECK(RowsWhere([](const RequestMethod& row) { return row.item != MethodItem::kNone; }) ==
        std::vector<std::string_view>{"tools/call", "prompts/get", "resources/read",
                                      "resources/subscribe", "resources/unsubscribe",
                                      "completion/complete"});
  CHECK(Row("resources/subscribe").handler == MethodHandler::kSubscribe);
  CHECK(Row("resources/unsubscribe").handler == MethodHandler::kUnsubscribe);
  for (std::string_view name :
       {"tools/call", "prompts/get", "resources/read", "completion/complete"}) {
    CHECK_MESSAGE(Row(name).handler == MethodHandler::kForward, name);
  }
}

TEST_CASE("tasks/get, tasks/result and tasks/cancel go to the task's upstream; tasks/list merges") {
  CHECK(RowsWhere([](const RequestMethod& row) { return row.handler == MethodHandler::kTask; }) ==
        std::vector<std::string_view>{"tasks/get", "tasks/result", "tasks/cancel"});
  CHECK(Row("tasks/list").handler == MethodHandler::kTaskList);
  for (std::string_view name : {"tasks/get", "tasks/result", "tasks/cancel", "tasks/list"}) {
    CHECK_MESSAGE(Row(name).item == MethodItem::kNone, name);
    CHECK_FALSE_MESSAGE(Row(name).rate_limited, name);
  }
}

TEST_CASE("Only tools/call may create a task") {
  CHECK(RowsWhere([](const RequestMethod& row) { return row.creates_task; }) ==
        std::vector<std::string_view>{"tools/call"});
}

TEST_CASE("Each list row names its Catalog list, result member and item key") {
  const ListMethod& tools = *Row("tools/list").list;
  CHECK(tools.list == CatalogList::kTools);
  CHECK(std::string_view(tools.field) == "tools");
  CHECK(std::string_view(tools.key) == "name");
  const ListMethod& templates = *Row("resources/templates/list").list;
  CHECK(templates.list == CatalogList::kResourceTemplates);
  CHECK(std::string_view(templates.field) == "resourceTemplates");
  CHECK(std::string_view(templates.key) == "uriTemplate");
  FsCatalog catalog;
  const ListMethod& resources = *Row("resources/list").list;
  CHECK((catalog.*resources.items)() == catalog.Resources());
  auto route = (catalog.*resources.resolve)("file:///pub/a.txt");
  REQUIRE(route.ok());
  CHECK(route->server == "fs");
  CHECK(Row("ping").list == nullptr);
}

TEST_CASE("Unsubscribing needs read and is never rate-limited; other routed methods need execute") {
  for (const RequestMethod& row : kRequestMethods) {
    if (row.item == MethodItem::kNone) continue;
    const bool unsubscribe = row.name == "resources/unsubscribe";
    CHECK_MESSAGE(row.needs == (unsubscribe ? Level::kRead : Level::kExecute), row.name);
    CHECK_MESSAGE(row.rate_limited == !unsubscribe, row.name);
  }
  CHECK(RowsWhere([](const RequestMethod& row) { return row.rate_limited; }) ==
        std::vector<std::string_view>{"tools/call", "prompts/get", "resources/read",
                                      "resources/subscribe", "completion/complete"});
}

TEST_CASE("Calls, gets and reads are always audited, the other routed methods only when denied") {
  auto audited = [](AuditKind kind) {
    return RowsWhere([kind](const RequestMethod& row) { return row.audit == kind; });
  };
  CHECK(audited(AuditKind::kAlways) ==
        std::vector<std::string_view>{"tools/call", "prompts/get", "resources/read"});
  CHECK(audited(AuditKind::kDenials) == std::vector<std::string_view>{"resources/subscribe",
                                                                      "resources/unsubscribe",
                                                                      "completion/complete"});
}

TEST_CASE("Only tools/call calls a tool") {
  CHECK(RowsWhere([](const RequestMethod& row) { return row.calls_tool; }) ==
        std::vector<std::string_view>{"tools/call"});
}

TEST_CASE("ResolveItem reads the name, URI or completion ref each method names its item by") {
  FsCatalog catalog;
  auto resolve = [&catalog](std::string_view method, const Json& params) {
    return ResolveItem(Row(method), catalog, params);
  };
  auto tool = resolve("tools/call", {{"name", "fs__read_file"}});
  REQUIRE(tool.ok());
  CHECK(tool->name == "read_file");
  CHECK(resolve("prompts/get", {{"name", "fs__review"}})->name == "review");
  CHECK(resolve("prompts/get", {{"name", "fs__read_file"}}).status().message() ==
        "Unknown prompt: fs__read_file");  // a tool's name is no prompt's
  for (std::string_view method :
       {"resources/read", "resources/subscribe", "resources/unsubscribe"}) {
    auto resource = resolve(method, {{"uri", "FILE:///pub/./a.txt"}});
    REQUIRE_MESSAGE(resource.ok(), method);
    CHECK(resource->name == "file:///pub/a.txt");  // canonical
  }
  Json prompt_ref = {{"ref", {{"type", "ref/prompt"}, {"name", "fs__review"}}}};
  CHECK(resolve("completion/complete", prompt_ref)->name == "review");
  Json resource_ref = {{"ref", {{"type", "ref/resource"}, {"uri", "file:///pub/a.txt"}}}};
  CHECK(resolve("completion/complete", resource_ref)->server == "fs");
}

TEST_CASE("ResolveItem names the param at fault, and does not route a method without an item") {
  FsCatalog catalog;
  auto fault = [&catalog](std::string_view method, const Json& params) {
    protocol::Status status = ResolveItem(Row(method), catalog, params).status();
    CHECK(status.code() == StatusCode::kInvalidArgument);
    return status.message();
  };
  CHECK(fault("tools/call", {{"name", 7}}) == "Invalid params: \"name\" must be a string");
  CHECK(fault("resources/read", Json::object()) == "Invalid params: \"uri\" must be a string");
  CHECK(fault("completion/complete", {{"ref", {{"type", "ref/prompt"}}}}) ==
        "Invalid params: \"ref.name\" must be a string");
  CHECK(fault("completion/complete", {{"ref", {{"type", "ref/tool"}}}}) ==
        "Invalid params: \"ref.type\" must be \"ref/prompt\" or \"ref/resource\"");
  CHECK(fault("tools/call", {{"name", "fs__nothing"}}) == "Unknown tool: fs__nothing");
  CHECK(ResolveItem(Row("ping"), catalog, Json::object()).status().code() == StatusCode::kNotFound);
}

TEST_CASE("RequestedItem and UnknownItem give the name or URI the caller used") {
  CHECK(RequestedItem(Row("tools/call"), {{"name", "f__x"}, {"uri", "u"}}) == "f__x");
  CHECK(RequestedItem(Row("resources/read"), {{"name", "n"}, {"uri", "file:///a"}}) == "file:///a");
  CHECK(RequestedItem(Row("tools/call"), Json::object()) == "");
  CHECK(RequestedItem(Row("ping"), {{"name", "n"}}) == "");
  CHECK(UnknownItem(Row("tools/call"), {{"name", "f__x"}}).message() == "Unknown tool: f__x");
  CHECK(UnknownItem(Row("prompts/get"), {{"name", "p"}}).message() == "Unknown prompt: p");
  CHECK(UnknownItem(Row("resources/unsubscribe"), {{"uri", "file:///a"}}).message() ==
        "Unknown resource: file:///a");
  Json prompt_ref = {{"ref", {{"type", "ref/prompt"}, {"name", "q"}}}};
  CHECK(UnknownItem(Row("completion/complete"), prompt_ref).message() == "Unknown prompt: q");
  Json resource_ref = {{"ref", {{"type", "ref/resource"}, {"uri", "file:///b"}}}};
  protocol::Status unknown = UnknownItem(Row("completion/complete"), resource_ref);
  CHECK(unknown.code() == StatusCode::kInvalidArgument);
  CHECK(unknown.message() == "Unknown resource: file:///b");
  CHECK(unknown.detail() == Json{{"uri", "file:///b"}});  // the modern era asks for data.uri
  CHECK(UnknownItem(Row("tools/call"), {{"name", "t"}}).detail().is_null());
}

TEST_CASE("RewriteForUpstream puts the real name where the caller's was, and keeps the rest") {
  Json call =
      RewriteForUpstream(Row("tools/call"), {{"name", "fs__read"}, {"arguments", {1}}}, "read");
  CHECK(call == Json{{"name", "read"}, {"arguments", {1}}});
  CHECK(RewriteForUpstream(Row("prompts/get"), {{"name", "fs__p"}}, "p") == Json{{"name", "p"}});
  CHECK(RewriteForUpstream(Row("resources/subscribe"), {{"uri", "FILE:///a"}}, "file:///a") ==
        Json{{"uri", "file:///a"}});
  Json prompt_ref = {{"ref", {{"type", "ref/prompt"}, {"name", "fs__q"}}}, {"argument", 1}};
  CHECK(RewriteForUpstream(Row("completion/complete"), prompt_ref, "q") ==
        Json{{"ref", {{"type", "ref/prompt"}, {"name", "q"}}}, {"argument", 1}});
  Json resource_ref = {{"ref", {{"type", "ref/resource"}, {"uri", "FILE:///b"}}}};
  CHECK(RewriteForUpstream(Row("completion/complete"), resource_ref, "file:///b") ==
        Json{{"ref", {{"type", "ref/resource"}, {"uri", "file:///b"}}}});
  // The ref's type decides: a resource ref that also has a name still gets the canonical uri,
  // so the upstream never reads a spelling other than the one decided on.
  Json named_resource_ref = {
      {"ref", {{"type", "ref/resource"}, {"name", "x"}, {"uri", "file:///pub/../pub/c"}}}};
  CHECK(RewriteForUpstream(Row("completion/complete"), named_resource_ref, "file:///pub/c") ==
        Json{{"ref", {{"type", "ref/resource"}, {"name", "x"}, {"uri", "file:///pub/c"}}}});
}

}  // namespace mcpgw::proxy
