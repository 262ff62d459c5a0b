#pragma once

#include <httplib.h>

#include <functional>
#include <regex>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// The gateway's HTTP routes: a method, a path pattern and a handler each, kept in the order added
// (the first match wins). A pattern matches the whole path as an ECMAScript regex, as in
// cpp-httplib; its groups are in Request::matches. Filled once before serving, then read-only:
// any thread may read it then.
class HttpRoutes {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  struct Route {
    std::string method;
    std::string pattern;
    bool exact;         // the pattern has no regex syntax: compared as a string
    std::regex regex;   // unless exact
    Handler handler;
  };

  // Each adds a route for its method; the handler runs on an HTTP worker thread.
  HttpRoutes& Get(const std::string& pattern, Handler handler);
  HttpRoutes& Post(const std::string& pattern, Handler handler);
  HttpRoutes& Put(const std::string& pattern, Handler handler);
  HttpRoutes& Delete(const std::string& pattern, Handler handler);
  HttpRoutes& Options(const std::string& pattern, Handler handler);  // e.g. CORS preflights

  // The first route for the request's method (HEAD takes GET's routes) and path, with the
  // pattern's groups in req.matches; null when none matches.
  const Route* Find(httplib::Request& req) const;

 private:
  HttpRoutes& Add(std::string method, const std::string& pattern, Handler handler);

  std::vector<Route> routes_;
};

}  // namespace mcpgw::proxy
