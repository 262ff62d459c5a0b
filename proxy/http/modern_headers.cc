#include "proxy/http/modern_headers.h"

#include "protocol/era.h"
#include "protocol/json_field.h"
#include "proxy/session/modern_request.h"

#include <openssl/evp.h>

#include <fmt/format.h>
#include <strings.h>

namespace mcpgw::proxy {
namespace {

using protocol::Status;

constexpr std::string_view kBase64Open = "=?base64?";
constexpr std::string_view kBase64Close = "?=";
constexpr std::string_view kParamPrefix = "mcp-param-";

Status Mismatch(std::string message) {
  return ModernError(protocol::kHeaderMismatch, "Header mismatch: " + std::move(message));
}

// A header value in the =?base64?...?= form, decoded; other values as they are; nullopt for
// base64 that does not decode.
std::optional<std::string> DecodeHeaderValue(const std::string& value) {
  const bool encoded = value.size() >= kBase64Open.size() + kBase64Close.size() &&
                       value.starts_with(kBase64Open) && value.ends_with(kBase64Close);
  if (!encoded) return value;
  const std::string body =
      value.substr(kBase64Open.size(), value.size() - kBase64Open.size() - kBase64Close.size());
  if (body.size() % 4 != 0) return std::nullopt;
  std::string decoded(body.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                     reinterpret_cast<const unsigned char*>(body.data()),
                                     static_cast<int>(body.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as decoded zero bytes.
  std::size_t padding = 0;
  for (auto c = body.rbegin(); c != body.rend() && *c == '=' && padding < 2; ++c) ++padding;
  decoded.resize(static_cast<std::size_t>(length) - padding);
  return decoded;
}

}  // namespace

std::optional<Status> CheckModernHeaders(const httplib::Request& req,
                                         const protocol::Message& message) {
  const std::string version = req.get_header_value("MCP-Protocol-Version");
  if (version.empty()) return Mismatch("the MCP-Protocol-Version header is required");
  if (!protocol::ServesModernRevision(version)) {
    return ModernError(protocol::kUnsupportedProtocolVersion, "Unsupported protocol version",
                       {{"supported", protocol::SupportedRevisions()}, {"requested", version}});
  }
  if (message.is_request()) {
    const std::optional<std::string> declared = protocol::DeclaredVersion(message.params);
    if (declared && *declared != version) {
      return Mismatch(fmt::format("MCP-Protocol-Version header value '{}' does not match body "
                                  "value '{}'",
                                  version, *declared));
    }
  }
  if (!req.has_header("Mcp-Method")) return Mismatch("the Mcp-Method header is required");
  const std::string method = req.get_header_value("Mcp-Method");
  if (method != message.method) {
    return Mismatch(fmt::format("Mcp-Method header value '{}' does not match body value '{}'",
                                method, message.method));
  }
  const char* field = message.is_request() ? protocol::NamedItemField(message.method) : nullptr;
  if (field == nullptr) return std::nullopt;
  if (!req.has_header("Mcp-Name")) return Mismatch("the Mcp-Name header is required");
  const std::optional<std::string> name = DecodeHeaderValue(req.get_header_value("Mcp-Name"));
  const std::string body = protocol::StringOr(message.params, field);
  if (!name) return Mismatch("the Mcp-Name header is not valid base64");
  if (*name != body) {
    return Mismatch(fmt::format("Mcp-Name header value '{}' does not match body value '{}'",
                                *name, body));
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> ParamHeaders(const httplib::Request& req) {
  std::vector<std::pair<std::string, std::string>> found;
  for (const auto& [name, value] : req.headers) {
    if (name.size() > kParamPrefix.size() &&
        strncasecmp(name.c_str(), kParamPrefix.data(), kParamPrefix.size()) == 0) {
      found.emplace_back(name, value);
    }
  }
  return found;
}

}  // namespace mcpgw::proxy
