#include "proxy/http/session_token.h"

#include "protocol/base64url.h"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <stdexcept>

namespace mcpgw::proxy {
namespace {

using protocol::Base64UrlDecode;
using protocol::Base64UrlEncode;
using protocol::Json;
using protocol::Status;
using protocol::StatusCode;

std::string RandomBytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("the OpenSSL random generator failed");  // start-up or fatal
  }
  return bytes;
}

// How many verified tokens the cache holds before it starts over (a few MB at most).
constexpr std::size_t kMaxVerified = 16384;

Status Invalid(std::string why) {
  return {StatusCode::kInvalidArgument, "invalid session id: " + std::move(why)};
}

bool IsStringMember(const Json& object, const char* key) {
  return object.contains(key) && object[key].is_string();
}

bool IsIntegerMember(const Json& object, const char* key) {
  return object.contains(key) && object[key].is_number_integer();
}

bool Expired(const SessionClaims& claims) {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count() >=
         claims.expires_at;
}

}  // namespace

SessionTokens::SessionTokens(std::string secret) : secret_(std::move(secret)) {}

std::string SessionTokens::Sign(std::string_view payload) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac.data(), &length);
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

std::string SessionTokens::Issue(const SessionClaims& claims) const {
  Json body = {{"sid", claims.sid},
               {"v", claims.version},
               {"p", claims.principal},
               {"iat", claims.issued_at},
               {"exp", claims.expires_at}};
  std::string payload = Base64UrlEncode(body.dump());
  return payload + "." + Base64UrlEncode(Sign(payload));
}

bool SessionTokens::ConstantTimeEqual::operator()(std::string_view a, std::string_view b) const {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

protocol::Result<SessionClaims> SessionTokens::Verify(std::string_view token) const {
  const std::string key(token);
  {
    std::lock_guard lock(mutex_);
    if (auto found = verified_.find(key); found != verified_.end()) {
      if (Expired(found->second)) return Invalid("expired");
      return found->second;
    }
  }
  protocol::Result<SessionClaims> claims = VerifySignature(token);
  if (!claims.ok()) return claims;
  if (Expired(*claims)) return Invalid("expired");
  std::lock_guard lock(mutex_);
  if (verified_.size() >= kMaxVerified) verified_.clear();  // bounded: start over
  verified_.emplace(key, *claims);
  return claims;
}

protocol::Result<SessionClaims> SessionTokens::VerifySignature(std::string_view token) const {
  std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) return Invalid("no signature");
  std::string_view payload = token.substr(0, dot);
  std::optional<std::string> signature = Base64UrlDecode(token.substr(dot + 1));
  if (!signature) return Invalid("bad encoding");
  std::string expected = Sign(payload);
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Invalid("bad signature");
  }
  std::optional<std::string> text = Base64UrlDecode(payload);
  if (!text) return Invalid("bad encoding");
  Json body = Json::parse(*text, nullptr, false);
  if (!body.is_object() || !IsStringMember(body, "sid") || !IsStringMember(body, "v") ||
      !IsStringMember(body, "p") || !IsIntegerMember(body, "iat") ||
      !IsIntegerMember(body, "exp")) {
    return Invalid("missing claims");
  }
  return SessionClaims{body["sid"], body["v"], body["p"], body["iat"].get<std::int64_t>(),
                       body["exp"].get<std::int64_t>()};
}

std::string SessionTokens::RandomSecret() { return Base64UrlEncode(RandomBytes(32)); }
std::string SessionTokens::NewSessionId() { return Base64UrlEncode(RandomBytes(16)); }

}  // namespace mcpgw::proxy
