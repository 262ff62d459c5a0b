#include "upstream/credentials.h"

#include "upstream/http_support.h"

namespace mcpgw::upstream {
namespace {

constexpr std::string_view kBearer = "Bearer ";

void Put(httplib::Headers& headers, const std::string& name, std::string value) {
  headers.erase(name);  // case-insensitive: Headers compares names with detail::ci
  headers.emplace(name, std::move(value));
}

}  // namespace

std::string BasicAuthorization(const std::string& user, const std::string& password) {
  return "Basic " + Base64(user + ":" + password);
}

Credentials::Credentials(const ServerConfig& config) : config_(config) {
  if (config.auth.type == AuthType::kOAuth2) oauth_ = std::make_unique<OAuthClient>(config);
}

protocol::Result<httplib::Headers> Credentials::Headers() {
  httplib::Headers headers(config_.headers.begin(), config_.headers.end());
  const AuthConfig& auth = config_.auth;
  switch (auth.type) {
    case AuthType::kNone:
      break;
    case AuthType::kBearer:
      Put(headers, "Authorization", std::string(kBearer) + auth.token);
      break;
    case AuthType::kApiKey:
      Put(headers, auth.header, auth.key);
      break;
    case AuthType::kBasic:
      Put(headers, "Authorization", BasicAuthorization(auth.username, auth.password));
      break;
    case AuthType::kOAuth2: {
      protocol::Result<std::string> token = oauth_->AccessToken();
      if (!token.ok()) return token.status();
      Put(headers, "Authorization", std::string(kBearer) + *token);
      break;
    }
  }
  return headers;
}

bool Credentials::RefreshAfterUnauthorized(const httplib::Headers& sent) {
  if (!oauth_) return false;
  auto authorization = sent.find("Authorization");
  if (authorization == sent.end() || !authorization->second.starts_with(kBearer)) return false;
  oauth_->Invalidate(authorization->second.substr(kBearer.size()));
  return true;
}

}  // namespace mcpgw::upstream
