#include "proxy/http_checks.h"

#include "protocol/version.h"

#include <fmt/format.h>

#include <algorithm>

namespace mcpgw::proxy {
namespace {

constexpr std::string_view kLocalNames[] = {"localhost", "127.0.0.1", "[::1]"};

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  std::size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  return text.substr(start, text.find_last_not_of(" \t") - start + 1);
}

std::vector<std::string> LowerAll(std::vector<std::string> values) {
  for (std::string& value : values) value = Lower(value);
  return values;
}

// "host" from "host", "host:port", "[v6]" or "[v6]:port", in lower case.
std::string HostName(std::string_view authority) {
  std::size_t colon = authority.rfind(':');
  bool port =
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
  return Lower(port ? authority.substr(0, colon) : authority);
}

bool IsLocalName(std::string_view host) {
  return std::find(std::begin(kLocalNames), std::end(kLocalNames), host) != std::end(kLocalNames);
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The media types of an Accept or Content-Type header, lower case, without parameters.
std::vector<std::string> MediaTypes(std::string_view header) {
  std::vector<std::string> types;
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    types.push_back(Lower(Trim(item.substr(0, item.find(';')))));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
  }
  return types;
}

bool Accepts(const std::vector<std::string>& accepted, std::string_view type) {
  std::string family = std::string(type.substr(0, type.find('/'))) + "/*";
  return Contains(accepted, type) || Contains(accepted, family) || Contains(accepted, "*/*");
}

HttpRefusal Forbidden(std::string message) { return {403, std::move(message)}; }

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

OriginPolicy::OriginPolicy(std::string_view listen_host, std::vector<std::string> allowed_origins,
                           std::vector<std::string> allowed_hosts)
    : loopback_(IsLoopbackHost(listen_host)),
      allowed_origins_(LowerAll(std::move(allowed_origins))),
      allowed_hosts_(LowerAll(std::move(allowed_hosts))) {}

HttpCheck OriginPolicy::CheckHost(std::string_view host_header) const {
  std::string host = HostName(host_header);
  if (Contains(allowed_hosts_, host)) return std::nullopt;
  if (loopback_ ? IsLocalName(host) : allowed_hosts_.empty()) return std::nullopt;
  return Forbidden("Forbidden: Host not allowed");
}

HttpCheck OriginPolicy::CheckOrigin(std::string_view origin_header) const {
  if (origin_header.empty()) return std::nullopt;
  std::string origin = Lower(origin_header);
  if (Contains(allowed_origins_, origin)) return std::nullopt;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (loopback_ && origin.starts_with(scheme) &&
        IsLocalName(HostName(std::string_view(origin).substr(scheme.size())))) {
      return std::nullopt;
    }
  }
  return Forbidden("Forbidden: Origin not allowed");
}

HttpCheck CheckPostAccept(std::string_view accept) {
  std::vector<std::string> types = MediaTypes(accept);
  if (Accepts(types, "application/json") && Accepts(types, "text/event-stream"))
    return std::nullopt;
  return HttpRefusal{406,
                     "Not Acceptable: Accept must include application/json and "
                     "text/event-stream"};
}

HttpCheck CheckStreamAccept(std::string_view accept) {
  if (Accepts(MediaTypes(accept), "text/event-stream")) return std::nullopt;
  return HttpRefusal{406, "Not Acceptable: Accept must include text/event-stream"};
}

HttpCheck CheckContentType(std::string_view content_type) {
  std::vector<std::string> types = MediaTypes(content_type);
  if (types.size() == 1 && types[0] == "application/json") return std::nullopt;
  return HttpRefusal{415, "Unsupported Media Type: Content-Type must be application/json"};
}

HttpCheck CheckProtocolVersion(std::string_view version_header) {
  if (version_header.empty() || protocol::IsSupportedRevision(version_header)) return std::nullopt;
  return HttpRefusal{400,
                     fmt::format("Bad Request: Unsupported protocol version: {} (supported: {})",
                                 version_header, fmt::join(protocol::kSessionRevisions, ", "))};
}

}  // namespace mcpgw::proxy
