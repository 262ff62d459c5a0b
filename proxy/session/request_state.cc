#include "proxy/session/request_state.h"

#include "protocol/base64url.h"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Status;
using protocol::StatusCode;

// Separates this key from every other use of the session secret (session ids are signed with the
// secret itself).
constexpr std::string_view kKeyLabel = "mcpgw requestState key v1";

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &length);
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

std::string RandomKey() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("the OpenSSL random generator failed");  // start-up only
  }
  return key;
}

Status Refused(std::string_view why) {
  return {StatusCode::kInvalidArgument, "Invalid params: requestState " + std::string(why)};
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 0xf];
  }
  return hex;
}

bool IsString(const Json& body, const char* key) {
  return body.contains(key) && body[key].is_string();
}

// The claims of a verified payload; nullopt when a member is missing or of the wrong type.
std::optional<RequestStateClaims> ClaimsOf(const Json& body) {
  if (!body.is_object() || !IsString(body, "p") || !IsString(body, "m") || !IsString(body, "d") ||
      !body.contains("exp") || !body["exp"].is_number_integer()) {
    return std::nullopt;
  }
  RequestStateClaims claims{.principal = body["p"],
                            .method = body["m"],
                            .params_digest = body["d"],
                            .expires_at = body["exp"].get<std::int64_t>()};
  if (IsString(body, "h")) claims.held_call = body["h"];
  if (IsString(body, "s")) claims.server = body["s"];
  if (IsString(body, "u")) claims.upstream_state = body["u"].get<std::string>();
  if (claims.held_call.empty() == claims.server.empty()) return std::nullopt;
  return claims;
}

}  // namespace

RequestStates::RequestStates(std::string_view secret)
    : key_(secret.empty() ? RandomKey() : HmacSha256(secret, kKeyLabel)) {}

std::string RequestStates::Mac(std::string_view payload) const { return HmacSha256(key_, payload); }

std::string RequestStates::Seal(const RequestStateClaims& claims) const {
  Json body = {{"p", claims.principal},
               {"m", claims.method},
               {"d", claims.params_digest},
               {"exp", claims.expires_at}};
  if (!claims.held_call.empty()) body["h"] = claims.held_call;
  if (!claims.server.empty()) body["s"] = claims.server;
  if (claims.upstream_state) body["u"] = *claims.upstream_state;
  std::string payload = protocol::Base64UrlEncode(body.dump());
  return payload + "." + protocol::Base64UrlEncode(Mac(payload));
}

protocol::Result<RequestStateClaims> RequestStates::Open(std::string_view state,
                                                         std::string_view principal,
                                                         std::string_view method,
                                                         std::string_view params_digest) const {
  const std::size_t dot = state.find('.');
  if (dot == std::string_view::npos) return Refused("is not one the gateway issued");
  const std::string_view payload = state.substr(0, dot);
  const std::optional<std::string> mac = protocol::Base64UrlDecode(state.substr(dot + 1));
  const std::string expected = Mac(payload);
  if (!mac || mac->size() != expected.size() ||
      CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0) {
    return Refused("failed verification");
  }
  const std::optional<std::string> text = protocol::Base64UrlDecode(payload);
  std::optional<RequestStateClaims> claims;
  if (text) claims = ClaimsOf(Json::parse(*text, nullptr, false));
  if (!claims) return Refused("is malformed");
  if (claims->expires_at <= ExpiresIn(std::chrono::milliseconds(0))) return Refused("has expired");
  if (claims->principal != principal) return Refused("was issued to another caller");
  if (claims->method != method || claims->params_digest != params_digest) {
    return Refused("does not belong to this request (its method or params differ)");
  }
  return *claims;
}

std::string RequestStates::Digest(std::string_view server, const Json& params) {
  Json salient = params.is_object() ? params : Json::object();
  for (const char* member : {"_meta", "inputResponses", "requestState"}) salient.erase(member);
  // nlohmann's objects keep their keys sorted: equal params always dump alike.
  const std::string text = std::string(server) + '\n' + salient.dump();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return Hex(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

std::int64_t RequestStates::ExpiresIn(std::chrono::milliseconds ttl) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch() + ttl).count();
}

}  // namespace mcpgw::proxy
