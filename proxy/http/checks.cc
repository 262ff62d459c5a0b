#include "proxy/http/checks.h"

#include "protocol/version.h"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

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

bool IsRegNameChar(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; }

bool IsRegName(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), IsRegNameChar);
}

// "[v6]" holding an address inet_pton takes (no zone id).
bool IsIpv6Literal(std::string_view host) {
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  std::string inner(host.substr(1, host.size() - 2));
  in6_addr address;
  return inet_pton(AF_INET6, inner.c_str(), &address) == 1;
}

bool IsPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return false;
  }
  return std::stoi(std::string(port)) <= 65535;
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

// "http://" or "https://" and an authority naming a local host, with nothing after it.
bool IsLocalOrigin(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!origin.starts_with(scheme)) continue;
    std::optional<Authority> authority = ParseAuthority(origin.substr(scheme.size()));
    return authority && IsLocalName(authority->host);
  }
  return false;
}

HttpRefusal Forbidden(std::string message) { return {403, std::move(message)}; }
HttpRefusal BadRequest(std::string message) { return {400, std::move(message)}; }

}  // namespace

std::optional<Authority> ParseAuthority(std::string_view text) {
  bool bracketed = text.starts_with('[');
  std::size_t split = bracketed ? text.find(']') : text.find(':');
  if (bracketed && split != std::string_view::npos) ++split;
  std::string_view host = text.substr(0, split);
  std::string_view rest = split == std::string_view::npos ? "" : text.substr(split);
  bool host_ok = bracketed ? IsIpv6Literal(host) : IsRegName(host);
  bool rest_ok = rest.empty() || (rest.front() == ':' && IsPort(rest.substr(1)));
  if (!host_ok || !rest_ok) return std::nullopt;
  return Authority{Lower(host), std::string(rest.empty() ? rest : rest.substr(1))};
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

OriginPolicy::OriginPolicy(std::string_view listen_host, std::vector<std::string> allowed_origins,
                           std::vector<std::string> allowed_hosts)
    : loopback_(IsLoopbackHost(listen_host)),
      allowed_origins_(LowerAll(std::move(allowed_origins))),
      allowed_hosts_(LowerAll(std::move(allowed_hosts))) {}

HttpCheck OriginPolicy::CheckHost(std::string_view host_header,
                                  std::string_view http_version) const {
  bool any_host = !loopback_ && allowed_hosts_.empty();
  if (host_header.empty()) {
    if (any_host && http_version == "HTTP/1.0") return std::nullopt;
    return BadRequest("Bad Request: missing Host header");
  }
  std::optional<Authority> authority = ParseAuthority(host_header);
  if (!authority) return BadRequest("Bad Request: malformed Host header");
  if (any_host || Contains(allowed_hosts_, authority->host)) return std::nullopt;
  if (loopback_ && IsLocalName(authority->host)) return std::nullopt;
  return Forbidden("Forbidden: Host not allowed");
}

HttpCheck OriginPolicy::CheckOrigin(std::string_view origin_header) const {
  std::string origin = Lower(origin_header);
  if (origin.empty() || Contains(allowed_origins_, origin)) return std::nullopt;
  if (loopback_ && IsLocalOrigin(origin)) return std::nullopt;
  return Forbidden("Forbidden: Origin not allowed");
}

HttpCheck OriginPolicy::CheckAdminOrigin(std::string_view origin_header) const {
  if (origin_header.empty() || Contains(allowed_origins_, Lower(origin_header))) {
    return std::nullopt;
  }
  return Forbidden("Forbidden: Origin not allowed (the admin API takes only allowed_origins)");
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
