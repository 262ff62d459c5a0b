#include "upstream/offer_fetch.h"

#include <doctest/doctest.h>

namespace mcpgw::upstream {
namespace {

using protocol::Json;
using protocol::Status;
using protocol::StatusCode;

// Serves tools/list from pages; records each request's params.
struct PagedServer {
  explicit PagedServer(std::vector<Json> pages_in) : pages(std::move(pages_in)) {}

  std::vector<Json> pages;
  std::vector<Json> seen_params;

  Requester AsRequester() {
    return [this](std::string method, Json params) -> protocol::Result<Json> {
      if (method != "tools/list") return Status(StatusCode::kRemote, "Method not found");
      seen_params.push_back(params);
      std::size_t index =
          params.contains("cursor") ? std::stoul(params["cursor"].get<std::string>()) : 0;
      return pages.at(index);
    };
  }
};

TEST_CASE("FetchAllPages follows nextCursor until the last page") {
  PagedServer server{{{{"tools", {{{"name", "a"}}}}, {"nextCursor", "1"}},
                      {{"tools", {{{"name", "b"}}}}, {"nextCursor", "2"}},
                      {{"tools", {{{"name", "c"}}}}}}};
  protocol::Result<ListPages> tools = FetchAllPages(server.AsRequester(), "tools/list", "tools");
  REQUIRE(tools.ok());
  CHECK(tools->items == Json::parse(R"([{"name":"a"},{"name":"b"},{"name":"c"}])"));
  REQUIRE(server.seen_params.size() == 3);
  CHECK_FALSE(server.seen_params[0].contains("cursor"));
  CHECK(server.seen_params[2]["cursor"] == "2");
}

TEST_CASE("FetchAllPages keeps the smallest ttlMs of the pages; a page without one counts as 0") {
  PagedServer hinted{{{{"tools", Json::array()}, {"nextCursor", "1"}, {"ttlMs", 900}},
                      {{"tools", Json::array()}, {"ttlMs", 300}}}};
  CHECK(FetchAllPages(hinted.AsRequester(), "tools/list", "tools")->ttl_ms == 300);
  PagedServer partly{{{{"tools", Json::array()}, {"nextCursor", "1"}, {"ttlMs", 900}},
                      {{"tools", Json::array()}}}};
  CHECK(FetchAllPages(partly.AsRequester(), "tools/list", "tools")->ttl_ms == 0);
}

TEST_CASE("FetchAllPages stops at a cursor that repeats") {
  PagedServer server{{{{"tools", Json::array()}, {"nextCursor", "0"}}}};
  protocol::Result<ListPages> tools = FetchAllPages(server.AsRequester(), "tools/list", "tools");
  REQUIRE_FALSE(tools.ok());
  CHECK(tools.status().code() == StatusCode::kInvalidMessage);
}

TEST_CASE("FetchAllPages fails on a page without the list") {
  PagedServer server{{{{"items", Json::array()}}}};
  CHECK_FALSE(FetchAllPages(server.AsRequester(), "tools/list", "tools").ok());
}

TEST_CASE("FetchLists asks only for the lists it is given and keeps a list that failed") {
  PagedServer server{{{{"tools", {{{"name", "a"}}}}}}};
  Offer offer;
  offer.prompts = Json::parse(R"([{"name":"kept"}])");
  FetchLists(server.AsRequester(), "test", kTools | kPrompts, offer);
  CHECK(offer.tools.size() == 1);
  CHECK(offer.prompts[0]["name"] == "kept");
  CHECK(offer.resources.empty());
}

TEST_CASE("DeclaredLists reads the server's capabilities") {
  CHECK(DeclaredLists(Json::object()) == 0);
  CHECK(DeclaredLists({{"tools", Json::object()}}) == kTools);
  CHECK(DeclaredLists({{"prompts", Json::object()}, {"resources", {{"subscribe", true}}}}) ==
        (kPrompts | kResources));
}

TEST_CASE("ListChangedKind maps each list_changed notification to its list") {
  CHECK(ListChangedKind("notifications/tools/list_changed") == kTools);
  CHECK(ListChangedKind("notifications/prompts/list_changed") == kPrompts);
  CHECK(ListChangedKind("notifications/resources/list_changed") == kResources);
  CHECK(ListChangedKind("notifications/message") == 0);
}

TEST_CASE("InitializeParams asks for the newest revision as client mcpgw, with the capabilities given") {
  Json params = InitializeParams({{"sampling", Json::object()}});
  CHECK(params["protocolVersion"] == "2025-11-25");
  CHECK(params["capabilities"] == Json{{"sampling", Json::object()}});
  CHECK(params["clientInfo"]["name"] == "mcpgw");
  CHECK(params["clientInfo"]["version"].is_string());
}

TEST_CASE("ApplyInitializeResult keeps what the server said about itself") {
  Offer offer;
  Json result = {{"protocolVersion", "2025-06-18"},
                 {"capabilities", {{"tools", Json::object()}}},
                 {"serverInfo", {{"name", "s"}, {"version", "1"}}}};
  REQUIRE(ApplyInitializeResult(result, offer).ok());
  CHECK(offer.protocol_version == "2025-06-18");
  CHECK(offer.capabilities.contains("tools"));
  CHECK(offer.server_info["name"] == "s");
}

TEST_CASE("ApplyInitializeResult refuses a revision the gateway does not speak") {
  Offer offer;
  Status status = ApplyInitializeResult({{"protocolVersion", "1999-01-01"}}, offer);
  CHECK(status.code() == StatusCode::kInvalidMessage);
  CHECK(offer.protocol_version.empty());
  CHECK_FALSE(ApplyInitializeResult(Json::array(), offer).ok());
}

TEST_CASE("ApplyInitializeResult refuses serverInfo fields of the wrong type, naming the field") {
  Offer offer;
  Json result = {{"protocolVersion", "2025-06-18"}, {"capabilities", Json::object()}};
  result["serverInfo"] = {{"name", 7}, {"version", "1"}};
  Status status = ApplyInitializeResult(result, offer);
  CHECK(status.code() == StatusCode::kInvalidMessage);
  CHECK(status.message() == "initialize result serverInfo.name is not a string");
  result["serverInfo"] = {{"name", "s"}, {"version", Json::array()}};
  CHECK(ApplyInitializeResult(result, offer).message() ==
        "initialize result serverInfo.version is not a string");
  result["serverInfo"] = "s";
  CHECK(ApplyInitializeResult(result, offer).message() ==
        "initialize result serverInfo is not an object");
  result.erase("serverInfo");  // optional here: some servers leave it out
  CHECK(ApplyInitializeResult(result, offer).ok());
}

}  // namespace
}  // namespace mcpgw::upstream
