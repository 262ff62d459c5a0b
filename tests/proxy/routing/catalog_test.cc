#include "proxy/routing/catalog.h"

#include "proxy/routing/naming.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Result;
using protocol::StatusCode;
using upstream::Offer;

Json Tool(const std::string& name) {
  return {{"name", name}, {"description", "does " + name}, {"inputSchema", {{"type", "object"}}}};
}

std::shared_ptr<const Offer> Tools(std::vector<std::string> names) {
  auto offer = std::make_shared<Offer>();
  for (const std::string& name : names) offer->tools.push_back(Tool(name));
  return offer;
}

std::vector<std::string> Names(const Json& list, const char* key = "name") {
  std::vector<std::string> names;
  for (const Json& item : list) names.push_back(item[key].get<std::string>());
  return names;
}

void CheckRoute(const Result<Route>& route, const std::string& server, const std::string& name) {
  REQUIRE(route.ok());
  CHECK(route->server == server);
  CHECK(route->name == name);
}

void CheckUnknown(const Result<Route>& route, const std::string& message) {
  REQUIRE_FALSE(route.ok());
  CHECK(route.status().code() == StatusCode::kInvalidArgument);
  CHECK(route.status().message() == message);
  const std::string resource = "Unknown resource: ";
  if (message.starts_with(resource)) {
    CHECK(route.status().detail() == Json{{"uri", message.substr(resource.size())}});
  } else {
    CHECK(route.status().detail().is_null());
  }
}

TEST_CASE("Catalog exposes tools as server, separator and original name") {
  Catalog catalog({});
  (void)catalog.Update("github", Tools({"create_issue"}));
  Json tools = catalog.Tools();
  REQUIRE(tools.size() == 1);
  CHECK(tools[0]["name"] == "github__create_issue");
  CheckRoute(catalog.ResolveTool("github__create_issue"), "github", "create_issue");
}

TEST_CASE("Catalog keeps every field of an item but its name") {
  auto offer = std::make_shared<Offer>();
  Json tool = {
      {"name", "q"},
      {"title", "Query"},
      {"description", "runs a query"},
      {"inputSchema", {{"type", "object"}, {"properties", {{"sql", {{"type", "string"}}}}}}},
      {"outputSchema", {{"type", "object"}}},
      {"annotations", {{"readOnlyHint", true}}},
      {"_meta", {{"x", 1}}},
      {"icons", Json::array({{{"src", "https://x/icon.png"}}})}};
  offer->tools.push_back(tool);
  Catalog catalog({});
  (void)catalog.Update("db", offer);
  Json expected = tool;
  expected["name"] = "db__q";
  CHECK(catalog.Tools()[0] == expected);
}

TEST_CASE("Catalog lists servers by name and items in the order their upstream gave them") {
  Catalog catalog({});
  (void)catalog.Update("zeta", Tools({"b", "a"}));
  (void)catalog.Update("alpha", Tools({"z", "y"}));
  CHECK(Names(catalog.Tools()) ==
        std::vector<std::string>{"alpha__z", "alpha__y", "zeta__b", "zeta__a"});
}

TEST_CASE("Catalog uses the configured separator") {
  NamingRules rules;
  rules.separator = "-";
  Catalog catalog(rules);
  (void)catalog.Update("fs", Tools({"read"}));
  CHECK(catalog.Tools()[0]["name"] == "fs-read");
  CheckRoute(catalog.ResolveTool("fs-read"), "fs", "read");
}

TEST_CASE("Catalog routes an alias prefix to the real server") {
  NamingRules rules;
  rules.aliases = {{"fs", "filesystem"}};
  Catalog catalog(rules);
  (void)catalog.Update("filesystem", Tools({"read_file", "list.dir"}));
  CHECK(catalog.Tools()[0]["name"] == "filesystem__read_file");  // lists show the server name
  CheckRoute(catalog.ResolveTool("fs__read_file"), "filesystem", "read_file");
  CheckRoute(catalog.ResolveTool("fs__list.dir"), "filesystem", "list.dir");
  CheckRoute(catalog.ResolveTool("fs__list_dir"), "filesystem", "list.dir");
  CheckUnknown(catalog.ResolveTool("fs__write_file"), "Unknown tool: fs__write_file");
}

TEST_CASE("Catalog replaces characters a function name may not hold and routes back") {
  Catalog catalog({});
  (void)catalog.Update("docs", Tools({"search.pages", "get page"}));
  CHECK(Names(catalog.Tools()) == std::vector<std::string>{"docs__search_pages", "docs__get_page"});
  CheckRoute(catalog.ResolveTool("docs__search_pages"), "docs", "search.pages");
  CheckRoute(catalog.ResolveTool("docs__get_page"), "docs", "get page");
}

TEST_CASE("Catalog accepts the original name after the server prefix") {
  Catalog catalog({});
  (void)catalog.Update("docs", Tools({"search.pages"}));
  CheckRoute(catalog.ResolveTool("docs__search.pages"), "docs", "search.pages");
}

TEST_CASE("Catalog shortens a long name deterministically and resolves it") {
  std::string long_name(90, 'n');
  NamingRules rules;
  rules.aliases = {{"w", "weather"}};
  Catalog first(rules);
  Catalog second(rules);
  (void)first.Update("weather", Tools({long_name}));
  (void)second.Update("weather", Tools({long_name}));
  std::string exposed = first.Tools()[0]["name"];
  CHECK(exposed.size() == 64);
  CHECK(exposed.starts_with("weather__nnn"));
  CHECK(exposed == second.Tools()[0]["name"]);
  CheckRoute(first.ResolveTool(exposed), "weather", long_name);
  CheckRoute(first.ResolveTool("weather__" + long_name), "weather", long_name);
  CheckRoute(first.ResolveTool("w__" + exposed.substr(9)), "weather", long_name);
}

TEST_CASE("Catalog honours a smaller maximum name length") {
  NamingRules rules;
  rules.max_name_length = 20;
  Catalog catalog(rules);
  (void)catalog.Update("s", Tools({"short", "a_rather_long_tool_name"}));
  std::vector<std::string> names = Names(catalog.Tools());
  CHECK(names[0] == "s__short");
  CHECK(names[1].size() == 20);
  CheckRoute(catalog.ResolveTool(names[1]), "s", "a_rather_long_tool_name");
}

TEST_CASE("Catalog never exposes two tools with one name across servers") {
  Catalog catalog({});
  (void)catalog.Update("a_", Tools({"c"}));
  (void)catalog.Update("a", Tools({"_c"}));
  CHECK(Names(catalog.Tools()) == std::vector<std::string>{"a___c"});
  CheckRoute(catalog.ResolveTool("a___c"), "a", "_c");  // "a" sorts first, so it keeps the name
}

TEST_CASE("Catalog keeps the first of two items that sanitize to one name") {
  Catalog catalog({});
  (void)catalog.Update("s", Tools({"x.y", "x_y", "x y"}));
  CHECK(Names(catalog.Tools()) == std::vector<std::string>{"s__x_y"});
  CheckRoute(catalog.ResolveTool("s__x_y"), "s", "x.y");
  CheckUnknown(catalog.ResolveTool("s__x y"), "Unknown tool: s__x y");  // dropped: unreachable
}

TEST_CASE("Catalog keeps the first of two tools an upstream lists with one name") {
  auto offer = std::make_shared<Offer>();
  offer->tools.push_back({{"name", "t"}, {"description", "first"}});
  offer->tools.push_back({{"name", "t"}, {"description", "second"}});
  Catalog catalog({});
  (void)catalog.Update("s", offer);
  REQUIRE(catalog.Tools().size() == 1);
  CHECK(catalog.Tools()[0]["description"] == "first");
}

TEST_CASE("Catalog drops items that have no string name") {
  auto offer = std::make_shared<Offer>();
  offer->tools = Json::array({{{"description", "nameless"}}, {{"name", 7}}, Tool("ok")});
  Catalog catalog({});
  (void)catalog.Update("s", offer);
  CHECK(Names(catalog.Tools()) == std::vector<std::string>{"s__ok"});
}

TEST_CASE("Catalog rejects unknown tools with the exact message") {
  NamingRules rules;
  rules.aliases = {{"ghost", "nowhere"}};
  Catalog catalog(rules);
  (void)catalog.Update("fs", Tools({"read"}));
  CheckUnknown(catalog.ResolveTool("fs__write"), "Unknown tool: fs__write");
  CheckUnknown(catalog.ResolveTool("other__read"), "Unknown tool: other__read");
  CheckUnknown(catalog.ResolveTool("ghost__read"), "Unknown tool: ghost__read");
  CheckUnknown(catalog.ResolveTool("read"), "Unknown tool: read");
  CheckUnknown(catalog.ResolveTool(""), "Unknown tool: ");
}

TEST_CASE("Catalog namespaces prompts like tools") {
  auto offer = std::make_shared<Offer>();
  offer->prompts.push_back({{"name", "code.review"}, {"arguments", Json::array()}});
  NamingRules rules;
  rules.aliases = {{"g", "git"}};
  Catalog catalog(rules);
  (void)catalog.Update("git", offer);
  CHECK(catalog.Prompts()[0]["name"] == "git__code_review");
  CHECK(catalog.Prompts()[0]["arguments"] == Json::array());
  CheckRoute(catalog.ResolvePrompt("git__code_review"), "git", "code.review");
  CheckRoute(catalog.ResolvePrompt("g__code.review"), "git", "code.review");
  CheckUnknown(catalog.ResolvePrompt("git__other"), "Unknown prompt: git__other");
  CheckUnknown(catalog.ResolveTool("git__code_review"), "Unknown tool: git__code_review");
}

// A catalog of server "filesystem" (alias "fs") with the given tool overrides.
Catalog WithToolExposure(ItemExposure tools) {
  NamingRules rules;
  rules.aliases = {{"fs", "filesystem"}};
  rules.exposure["filesystem"].tools = std::move(tools);
  return Catalog(rules);
}

TEST_CASE("Catalog lists a renamed tool under its new name and routes it to the real name") {
  ItemExposure tools;
  tools.rename = {{"read_text_file", "read"}};
  tools.description = {{"read_text_file", "Reads a file."}};
  Catalog catalog = WithToolExposure(tools);
  (void)catalog.Update("filesystem", Tools({"read_text_file", "list_directory"}));
  Json listed = catalog.Tools();
  CHECK(Names(listed) ==
        std::vector<std::string>{"filesystem__read", "filesystem__list_directory"});
  CHECK(listed[0]["description"] == "Reads a file.");
  CHECK(listed[0]["inputSchema"] == Json{{"type", "object"}});
  CHECK(listed[1]["description"] == "does list_directory");
  CheckRoute(catalog.ResolveTool("filesystem__read"), "filesystem", "read_text_file");
  CheckRoute(catalog.ResolveTool("fs__read"), "filesystem", "read_text_file");
}

TEST_CASE("Catalog does not resolve the real name of a renamed tool") {
  ItemExposure tools;
  tools.rename = {{"read_text_file", "read"}};
  Catalog catalog = WithToolExposure(tools);
  (void)catalog.Update("filesystem", Tools({"read_text_file"}));
  CheckUnknown(catalog.ResolveTool("filesystem__read_text_file"),
               "Unknown tool: filesystem__read_text_file");
  CheckUnknown(catalog.ResolveTool("fs__read_text_file"), "Unknown tool: fs__read_text_file");
}

TEST_CASE("Catalog hides a filtered tool from the list and from every spelling") {
  ItemExposure tools;
  tools.allow = {"read_*", "write_file"};
  tools.deny = {"write_*"};
  tools.rename = {{"write_file", "write"}};
  Catalog catalog = WithToolExposure(tools);
  (void)catalog.Update("filesystem", Tools({"read_text_file", "write_file", "move_file"}));
  CHECK(Names(catalog.Tools()) == std::vector<std::string>{"filesystem__read_text_file"});
  for (const char* name : {"filesystem__write_file", "fs__write_file", "filesystem__write",
                           "fs__write", "filesystem__move_file", "fs__move_file"}) {
    CheckUnknown(catalog.ResolveTool(name), std::string("Unknown tool: ") + name);
  }
}

TEST_CASE("Catalog shortens a long new name like any other") {
  NamingRules rules;
  rules.max_name_length = 20;
  rules.exposure["svc"].tools.rename = {{"q", "a_rather_long_new_name"}};
  Catalog catalog(rules);
  (void)catalog.Update("svc", Tools({"q"}));
  std::string exposed = catalog.Tools()[0]["name"];
  CHECK(exposed.size() == 20);
  CheckRoute(catalog.ResolveTool(exposed), "svc", "q");
  CheckRoute(catalog.ResolveTool("svc__a_rather_long_new_name"), "svc", "q");
}

TEST_CASE("Catalog applies a server's prompt exposure to its prompts only") {
  auto offer = std::make_shared<Offer>();
  offer->tools.push_back(Tool("review"));
  offer->prompts.push_back({{"name", "code.review"}, {"description", "old"}});
  offer->prompts.push_back({{"name", "draft"}});
  NamingRules rules;
  rules.exposure["git"].prompts.rename = {{"code.review", "review"}};
  rules.exposure["git"].prompts.description = {{"code.review", "Reviews a diff."}};
  rules.exposure["git"].prompts.deny = {"dr*"};
  Catalog catalog(rules);
  (void)catalog.Update("git", offer);
  Json prompts = catalog.Prompts();
  CHECK(Names(prompts) == std::vector<std::string>{"git__review"});
  CHECK(prompts[0]["description"] == "Reviews a diff.");
  CheckRoute(catalog.ResolvePrompt("git__review"), "git", "code.review");
  CheckUnknown(catalog.ResolvePrompt("git__draft"), "Unknown prompt: git__draft");
  CHECK(Names(catalog.Tools()) == std::vector<std::string>{"git__review"});
  CheckRoute(catalog.ResolveTool("git__review"), "git", "review");
}

std::shared_ptr<const Offer> Resources(std::vector<std::string> uris,
                                       std::vector<std::string> templates = {}) {
  auto offer = std::make_shared<Offer>();
  for (const std::string& uri : uris) offer->resources.push_back({{"uri", uri}, {"name", uri}});
  for (const std::string& text : templates) {
    offer->resource_templates.push_back({{"uriTemplate", text}, {"name", text}});
  }
  return offer;
}

TEST_CASE("Catalog keeps resource URIs as given and routes them by URI") {
  Catalog catalog({});
  (void)catalog.Update("fs", Resources({"file:///srv/a.txt"}));
  (void)catalog.Update("db", Resources({"postgres://db/users"}));
  CHECK(Names(catalog.Resources(), "uri") ==
        std::vector<std::string>{"postgres://db/users", "file:///srv/a.txt"});
  CheckRoute(catalog.ResolveResource("file:///srv/a.txt"), "fs", "file:///srv/a.txt");
  CheckRoute(catalog.ResolveResource("postgres://db/users"), "db", "postgres://db/users");
}

TEST_CASE("Catalog gives a URI two servers list to the first server by name") {
  Catalog catalog({});
  (void)catalog.Update("b", Resources({"mem://shared", "mem://b"}));
  (void)catalog.Update("a", Resources({"mem://shared"}));
  CHECK(Names(catalog.Resources(), "uri") == std::vector<std::string>{"mem://shared", "mem://b"});
  CheckRoute(catalog.ResolveResource("mem://shared"), "a", "mem://shared");
}

TEST_CASE("Catalog routes a URI that matches a server's template to that server") {
  Catalog catalog({});
  (void)catalog.Update("everything",
                       Resources({"test://static/resource/1"}, {"test://static/resource/{id}"}));
  (void)catalog.Update("fs", Resources({}, {"file:///{+path}"}));
  CHECK(Names(catalog.ResourceTemplates(), "uriTemplate") ==
        std::vector<std::string>{"test://static/resource/{id}", "file:///{+path}"});
  CheckRoute(catalog.ResolveResource("test://static/resource/77"), "everything",
             "test://static/resource/77");
  CheckRoute(catalog.ResolveResource("file:///srv/deep/file.txt"), "fs",
             "file:///srv/deep/file.txt");
  CheckRoute(catalog.ResolveResource("file:///{+path}"), "fs", "file:///{+path}");
}

TEST_CASE("Catalog rejects an unknown resource with the exact message") {
  Catalog catalog({});
  (void)catalog.Update("everything", Resources({"test://a"}, {"test://static/resource/{id}"}));
  (void)catalog.Update("memory", Resources({"memory://graph"}));
  CheckUnknown(catalog.ResolveResource("test://b"), "Unknown resource: test://b");
  CheckUnknown(catalog.ResolveResource("test://static/resource/1/2"),
               "Unknown resource: test://static/resource/1/2");
}

TEST_CASE("Catalog routes an unlisted URI to the one server that serves resources") {
  Catalog catalog({});
  (void)catalog.Update("tools_only", Tools({"t"}));
  (void)catalog.Update("everything", Resources({"demo://resource/static/document/a.md"}));
  CheckRoute(catalog.ResolveResource("demo://resource/session/made-later"), "everything",
             "demo://resource/session/made-later");
  CheckRoute(catalog.ResolveResource("DEMO://resource//session/./x"), "everything",
             "demo://resource/session/x");
  CheckUnknown(catalog.ResolveResource("file:///pub/../../etc/shadow"),
               "Invalid resource URI: \"..\" above the root: file:///pub/../../etc/shadow");

  SUBCASE("a server that declares resources but lists none counts") {
    auto declared = std::make_shared<Offer>();
    declared->capabilities = {{"resources", {{"subscribe", true}}}};
    (void)catalog.Update("empty", declared);
    CheckUnknown(catalog.ResolveResource("demo://resource/session/made-later"),
                 "Unknown resource: demo://resource/session/made-later");
  }
  SUBCASE("with a second resource server nothing unlisted is guessed") {
    (void)catalog.Update("memory", Resources({"memory://graph"}));
    CheckUnknown(catalog.ResolveResource("demo://resource/session/made-later"),
                 "Unknown resource: demo://resource/session/made-later");
    CheckRoute(catalog.ResolveResource("demo://resource/static/document/a.md"), "everything",
               "demo://resource/static/document/a.md");
  }
}

TEST_CASE("Catalog routes a resource by its canonical URI, listed or requested") {
  Catalog catalog({});
  (void)catalog.Update("fs", Resources({"FILE:///srv/%7euser/a.txt"}, {"file:///{+path}"}));
  (void)catalog.Update("ev", Resources({}, {"{+base}/x"}));  // no URI: kept by its text
  CHECK(Names(catalog.Resources(), "uri") == std::vector<std::string>{"FILE:///srv/%7euser/a.txt"});
  CheckRoute(catalog.ResolveResource("file:///srv/~user/a.txt"), "fs", "file:///srv/~user/a.txt");
  CheckRoute(catalog.ResolveResource("file:///srv//x/./../%7Euser/a.txt"), "fs",
             "file:///srv/~user/a.txt");
  CheckRoute(catalog.ResolveResource("file:///pub/../pub/private/key"), "fs",
             "file:///pub/private/key");
  CheckRoute(catalog.ResolveResource("{+base}/x"), "ev", "{+base}/x");
  CheckUnknown(catalog.ResolveResource("file:///pub/../../etc/shadow"),
               "Invalid resource URI: \"..\" above the root: file:///pub/../../etc/shadow");
}

std::vector<std::string> RouteNames(const std::vector<Route>& routes) {
  std::vector<std::string> names;
  for (const Route& route : routes) names.push_back(route.server + "/" + route.name);
  std::sort(names.begin(), names.end());
  return names;
}

TEST_CASE("Catalog reports which lists an update changed, and the items it changed") {
  Catalog catalog({});
  auto offer = std::make_shared<Offer>(*Tools({"t"}));
  CatalogChanges added = catalog.Update("s", offer);
  CHECK(RouteNames(added.tools) == std::vector<std::string>{"s/t"});
  CHECK(added.prompts.empty());
  CHECK(added.resources.empty());

  CHECK_FALSE(catalog.Update("s", std::make_shared<Offer>(*offer)).any());

  auto with_resource = std::make_shared<Offer>(*offer);
  with_resource->resource_templates.push_back({{"uriTemplate", "x://{id}"}, {"name", "x"}});
  CatalogChanges resources_only = catalog.Update("s", with_resource);
  CHECK(RouteNames(resources_only.resources) == std::vector<std::string>{"s/x://{id}"});
  CHECK(resources_only.tools.empty());

  // A changed item is reported once; an unchanged one of the same server is not.
  auto changed = std::make_shared<Offer>(*Tools({"t", "u"}));
  (void)catalog.Update("s", changed);
  changed = std::make_shared<Offer>(*changed);
  changed->tools[1]["description"] = "new";
  CHECK(RouteNames(catalog.Update("s", changed).tools) == std::vector<std::string>{"s/u"});
}

TEST_CASE("Catalog reports a removed server as a change and forgets its items") {
  Catalog catalog({});
  (void)catalog.Update("s", Tools({"t"}));
  CatalogChanges removed = catalog.Update("s", nullptr);
  CHECK(RouteNames(removed.tools) == std::vector<std::string>{"s/t"});
  CHECK(catalog.Tools().empty());
  CheckUnknown(catalog.ResolveTool("s__t"), "Unknown tool: s__t");
  CHECK_FALSE(catalog.Update("s", nullptr).any());
}

TEST_CASE("Catalog reports a change when another server's update frees a clashing name") {
  Catalog catalog({});
  (void)catalog.Update("a", Tools({"_c"}));
  (void)catalog.Update("a_", Tools({"c"}));
  CHECK(RouteNames(catalog.Update("a", nullptr).tools) ==
        std::vector<std::string>{"a/_c", "a_/c"});
  CheckRoute(catalog.ResolveTool("a___c"), "a_", "c");
}

NamingRules Unprefixed(std::vector<std::string> servers) {
  NamingRules rules;
  for (const std::string& server : servers) rules.exposure[server].prefix = false;
  return rules;
}

TEST_CASE("Catalog exposes an unprefixed server's tools and prompts under their own names") {
  NamingRules rules = Unprefixed({"everything"});
  rules.aliases["ev"] = "everything";
  Catalog catalog(rules);
  auto offer = std::make_shared<Offer>(*Tools({"echo", "get-sum"}));
  offer->prompts.push_back({{"name", "simple-prompt"}});
  (void)catalog.Update("everything", offer);
  (void)catalog.Update("memory", Tools({"read_graph"}));
  CHECK(Names(catalog.Tools()) ==
        std::vector<std::string>{"echo", "get-sum", "memory__read_graph"});
  CHECK(Names(catalog.Prompts()) == std::vector<std::string>{"simple-prompt"});
  CheckRoute(catalog.ResolveTool("echo"), "everything", "echo");
  CheckRoute(catalog.ResolveTool("get-sum"), "everything", "get-sum");
  CheckRoute(catalog.ResolvePrompt("simple-prompt"), "everything", "simple-prompt");
  CheckRoute(catalog.ResolveTool("memory__read_graph"), "memory", "read_graph");
  // One name per item: neither the server's name nor an alias leads to it.
  CheckUnknown(catalog.ResolveTool("everything__echo"), "Unknown tool: everything__echo");
  CheckUnknown(catalog.ResolveTool("ev__echo"), "Unknown tool: ev__echo");
}

TEST_CASE("Catalog sanitizes, shortens and renames an unprefixed server's names like any") {
  NamingRules rules = Unprefixed({"s"});
  rules.max_name_length = 20;
  rules.exposure["s"].tools.rename = {{"old", "new_name"}};
  Catalog catalog(rules);
  std::string long_name(30, 'x');
  (void)catalog.Update("s", Tools({"get.weather", long_name, "old"}));
  std::vector<std::string> names = Names(catalog.Tools());
  REQUIRE(names.size() == 3);
  CHECK(names[0] == "get_weather");
  CHECK(names[1] == ShortenName(long_name, 20));
  CHECK(names[1].size() == 20);
  CHECK(names[2] == "new_name");
  CheckRoute(catalog.ResolveTool("get_weather"), "s", "get.weather");
  CheckRoute(catalog.ResolveTool(names[1]), "s", long_name);
  CheckRoute(catalog.ResolveTool("new_name"), "s", "old");
  CheckUnknown(catalog.ResolveTool("old"), "Unknown tool: old");
}

TEST_CASE("Catalog gives a name two servers expose to the first server by name, and warns") {
  Catalog catalog(Unprefixed({"alpha", "beta"}));
  (void)catalog.Update("beta", Tools({"echo", "only_beta"}));
  (void)catalog.Update("alpha", Tools({"echo"}));
  (void)catalog.Update("gamma", Tools({"x"}));
  CHECK(Names(catalog.Tools()) == std::vector<std::string>{"echo", "only_beta", "gamma__x"});
  CheckRoute(catalog.ResolveTool("echo"), "alpha", "echo");
  CheckRoute(catalog.ResolveTool("only_beta"), "beta", "only_beta");
  CHECK(catalog.Warnings() ==
        std::vector<std::string>{"dropping tool 'echo' of server 'beta': its name 'echo' is "
                                 "taken by 'echo' of server 'alpha'"});

  SUBCASE("an unprefixed name against a prefixed one: the same rule") {
    (void)catalog.Update("alpha", Tools({"gamma__x"}));
    CheckRoute(catalog.ResolveTool("gamma__x"), "alpha", "gamma__x");
    CheckRoute(catalog.ResolveTool("echo"), "beta", "echo");
    CHECK(catalog.Warnings() ==
          std::vector<std::string>{"dropping tool 'x' of server 'gamma': its name 'gamma__x' is "
                                   "taken by 'gamma__x' of server 'alpha'"});
  }
  SUBCASE("the clash ends when the first server goes") {
    (void)catalog.Update("alpha", nullptr);
    CheckRoute(catalog.ResolveTool("echo"), "beta", "echo");
    CHECK(catalog.Warnings().empty());
  }
}

TEST_CASE("NameUnderServer reads a prefix or alias, and takes any name for an unprefixed one") {
  NamingRules rules = Unprefixed({"bare"});
  rules.aliases = {{"fs", "filesystem"}, {"b", "bare"}};
  CHECK(NameUnderServer(rules, "filesystem__read", "filesystem") == "read");
  CHECK(NameUnderServer(rules, "fs__read", "filesystem") == "read");
  CHECK(NameUnderServer(rules, "memory__read", "filesystem") == std::nullopt);
  CHECK(NameUnderServer(rules, "read", "filesystem") == std::nullopt);
  CHECK(NameUnderServer(rules, "read", "bare") == "read");
  CHECK(NameUnderServer(rules, "b__read", "bare") == "b__read");
}

TEST_CASE("Catalog lists and resolves 500 tools from 10 servers") {
  Catalog catalog({});
  for (int server = 0; server < 10; ++server) {
    std::vector<std::string> names;
    for (int tool = 0; tool < 50; ++tool) names.push_back("tool_" + std::to_string(tool));
    (void)catalog.Update("server" + std::to_string(server), Tools(names));
  }
  Json tools = catalog.Tools();
  REQUIRE(tools.size() == 500);
  for (const Json& tool : tools) CHECK(catalog.ResolveTool(tool["name"].get<std::string>()).ok());
}

TEST_CASE("Catalog serves readers while another thread updates it") {
  Catalog catalog({});
  (void)catalog.Update("s", Tools({"stable"}));
  (void)catalog.Update("t", Tools({"start"}));
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) (void)catalog.Update("t", Tools({"v" + std::to_string(i)}));
    done = true;
  });
  int bad_reads = 0;
  while (!done) {
    if (!catalog.ResolveTool("s__stable").ok() || catalog.Tools().size() != 2) ++bad_reads;
  }
  writer.join();
  CHECK(bad_reads == 0);
  CheckRoute(catalog.ResolveTool("t__v199"), "t", "v199");
}

}  // namespace
}  // namespace mcpgw::proxy
