// `mcpgw reload`: asks a running gateway to re-read its config (README "Admin API and reload").
#include "proxy/app/cli.h"

#include <httplib.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace mcpgw::proxy {

int RequestReload(std::optional<int> pid, const std::string& url) {
  if (pid) {
    if (kill(*pid, SIGHUP) == 0) return 0;
    std::cerr << "mcpgw: cannot signal process " << *pid << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  httplib::Client client(url);
  httplib::Headers headers;
  if (const char* key = std::getenv("MCPGW_API_KEY"); key != nullptr && *key != '\0') {
    headers.emplace("Authorization", std::string("Bearer ") + key);
  }
  auto response = client.Post("/admin/reload", headers, "", "application/json");
  if (!response) {
    std::cerr << "mcpgw: cannot reach " << url << ": " << httplib::to_string(response.error())
              << "\n";
    return 1;
  }
  if (response->status == 200) return 0;
  std::cerr << "mcpgw: reload refused (HTTP " << response->status << "): " << response->body
            << "\n";
  return 1;
}

}  // namespace mcpgw::proxy
