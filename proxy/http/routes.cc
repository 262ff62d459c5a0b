#include "proxy/http/routes.h"

namespace mcpgw::proxy {
namespace {

bool IsPlainPath(const std::string& pattern) {
  return pattern.find_first_of(R"(\^$.|?*+()[]{})") == std::string::npos;
}

}  // namespace

HttpRoutes& HttpRoutes::Get(const std::string& pattern, Handler handler) {
  return Add("GET", pattern, std::move(handler));
}

HttpRoutes& HttpRoutes::Post(const std::string& pattern, Handler handler) {
  return Add("POST", pattern, std::move(handler));
}

HttpRoutes& HttpRoutes::Put(const std::string& pattern, Handler handler) {
  return Add("PUT", pattern, std::move(handler));
}

HttpRoutes& HttpRoutes::Delete(const std::string& pattern, Handler handler) {
  return Add("DELETE", pattern, std::move(handler));
}

HttpRoutes& HttpRoutes::Options(const std::string& pattern, Handler handler) {
  return Add("OPTIONS", pattern, std::move(handler));
}

HttpRoutes& HttpRoutes::Add(std::string method, const std::string& pattern, Handler handler) {
  bool exact = IsPlainPath(pattern);
  routes_.push_back({std::move(method), pattern, exact, exact ? std::regex() : std::regex(pattern),
                     std::move(handler)});
  return *this;
}

const HttpRoutes::Route* HttpRoutes::Find(httplib::Request& req) const {
  static const std::string kGet = "GET";
  const std::string& method = req.method == "HEAD" ? kGet : req.method;
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    if (route.exact ? route.pattern == req.path : std::regex_match(req.path, req.matches, route.regex)) {
      return &route;
    }
  }
  return nullptr;
}

}  // namespace mcpgw::proxy
