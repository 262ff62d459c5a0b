// What mcp_probe's HTTP transports read from their options.
#include "bench/probe_url.h"

#include <stdexcept>

namespace mcpgw::bench {

std::pair<std::string, std::string> SplitUrl(const std::string& url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw std::invalid_argument("not a URL: " + url);
  std::size_t path_start = url.find('/', scheme_end + 3);
  if (path_start == std::string::npos) return {url, "/"};
  return {url.substr(0, path_start), url.substr(path_start)};
}

httplib::Headers ReadHeaders(const std::vector<std::string>& lines) {
  httplib::Headers headers;
  for (const std::string& line : lines) {
    std::size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0)
      throw std::invalid_argument("--header wants \"Name: value\", got " + line);
    std::size_t value = line.find_first_not_of(" \t", colon + 1);
    headers.emplace(line.substr(0, colon), value == std::string::npos ? "" : line.substr(value));
  }
  return headers;
}

}  // namespace mcpgw::bench
