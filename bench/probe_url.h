// What mcp_probe's HTTP transports (Streamable HTTP, legacy SSE) read from their options.
#pragma once

#include <httplib.h>

#include <string>
#include <utility>
#include <vector>

namespace mcpgw::bench {

// "scheme://host:port" and "/path" (or "/") from a URL; std::invalid_argument for anything else.
std::pair<std::string, std::string> SplitUrl(const std::string& url);

// The --header "Name: value" lines as headers; std::invalid_argument for a line without a name.
httplib::Headers ReadHeaders(const std::vector<std::string>& lines);

}  // namespace mcpgw::bench
