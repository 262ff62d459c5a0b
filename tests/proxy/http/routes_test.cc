#include "proxy/http/routes.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

httplib::Request Request(std::string method, std::string path) {
  httplib::Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  return req;
}

TEST_CASE("HttpRoutes finds a route by method and exact path or whole-path regex") {
  HttpRoutes routes;
  int hit = 0;
  routes.Get("/mcp", [&](const httplib::Request&, httplib::Response&) { hit = 1; });
  routes.Post("/mcp", [&](const httplib::Request&, httplib::Response&) { hit = 2; });
  routes.Put(R"(/admin/servers/([a-z]+))", [&](const httplib::Request&, httplib::Response&) { hit = 3; });
  httplib::Response res;

  httplib::Request post = Request("POST", "/mcp");
  REQUIRE(routes.Find(post) != nullptr);
  routes.Find(post)->handler(post, res);
  CHECK(hit == 2);

  httplib::Request head = Request("HEAD", "/mcp");
  REQUIRE(routes.Find(head) != nullptr);
  CHECK(routes.Find(head)->method == "GET");

  httplib::Request put = Request("PUT", "/admin/servers/abc");
  REQUIRE(routes.Find(put) != nullptr);
  CHECK(put.matches[1] == "abc");

  httplib::Request partial = Request("PUT", "/admin/servers/abc/x");
  CHECK(routes.Find(partial) == nullptr);
  httplib::Request other = Request("DELETE", "/mcp");
  CHECK(routes.Find(other) == nullptr);
  httplib::Request dot = Request("GET", "/mcpx");
  CHECK(routes.Find(dot) == nullptr);
}

TEST_CASE("HttpRoutes keeps OPTIONS routes apart from the others") {
  HttpRoutes routes;
  routes.Get("/admin/x", [](const httplib::Request&, httplib::Response&) {});
  httplib::Request preflight = Request("OPTIONS", "/admin/x");
  CHECK(routes.Find(preflight) == nullptr);
  routes.Options("/admin/x", [](const httplib::Request&, httplib::Response&) {});
  REQUIRE(routes.Find(preflight) != nullptr);
  CHECK(routes.Find(preflight)->method == "OPTIONS");
}

}  // namespace
}  // namespace mcpgw::proxy
