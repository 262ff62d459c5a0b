#include "proxy/http/auth.h"

#include "proxy/config/access.h"
#include "proxy/access/caller.h"
#include "proxy/http/reply.h"

namespace mcpgw::proxy {
namespace {

std::optional<std::string> HeaderOf(const httplib::Request& req, const char* name) {
  if (!req.has_header(name)) return std::nullopt;
  return req.get_header_value(name);
}

void SendUnauthorized(httplib::Response& res, const std::string& why) {
  SendRefusal(res, {401, "Unauthorized: " + why});
  res.set_header("WWW-Authenticate", "Bearer realm=\"mcpgw\"");
}

}  // namespace

std::optional<policy::Principal> AuthenticateRequest(const httplib::Request& req,
                                                     const std::vector<policy::KeyEntry>& keys,
                                                     httplib::Response& res) {
  if (keys.empty()) return policy::Principal{};  // no keys configured: everyone is anonymous
  // A header given twice (with any values) is a key given twice: refused, never guessed at.
  for (const char* name : {"Authorization", "X-API-Key"}) {
    if (req.get_header_value_count(name) > 1) {
      SendUnauthorized(res, std::string(name) + " is given twice");
      return std::nullopt;
    }
  }
  auto key = PresentedKey(HeaderOf(req, "Authorization"), HeaderOf(req, "X-API-Key"));
  if (!key.ok()) {
    SendUnauthorized(res, key.status().message());
    return std::nullopt;
  }
  auto principal = IdentifyCaller(keys, *key);
  if (!principal.ok()) {
    SendUnauthorized(res, principal.status().message());
    return std::nullopt;
  }
  return std::move(principal).value();
}

std::string PrincipalName(const policy::Principal& principal) {
  return principal.name.empty() ? std::string(kAnonymousPrincipal) : principal.name;
}

}  // namespace mcpgw::proxy
