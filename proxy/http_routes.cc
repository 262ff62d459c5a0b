#include "proxy/http_routes.h"

namespace mcpgw::proxy {

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

HttpRoutes& HttpRoutes::Add(std::string method, const std::string& pattern, Handler handler) {
  routes_.push_back({std::move(method), pattern, std::move(handler)});
  return *this;
}

}  // namespace mcpgw::proxy
