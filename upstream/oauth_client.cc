#include "upstream/oauth_client.h"

#include "protocol/json_field.h"
#include "protocol/json_scan.h"
#include "protocol/log.h"
#include "upstream/credentials.h"
#include "upstream/http_support.h"

#include <algorithm>
#include <cctype>

namespace mcpgw::upstream {
namespace {

using Clock = std::chrono::steady_clock;
using protocol::Json;
using protocol::Status;

constexpr std::chrono::seconds kTokenTimeout{30};
constexpr std::chrono::seconds kMaxMargin{30};

std::string FormBody(const AuthConfig& auth) {
  std::string body = "grant_type=client_credentials";
  if (!auth.scope.empty()) body += "&scope=" + httplib::detail::encode_query_param(auth.scope);
  if (!auth.audience.empty()) {
    body += "&audience=" + httplib::detail::encode_query_param(auth.audience);
  }
  return body;
}

// Refresh before the token expires: 10% of its lifetime early, at most 30 s.
Clock::time_point RefreshAt(const Json& expires_in) {
  if (!expires_in.is_number() || expires_in.get<double>() <= 0) return Clock::time_point::max();
  auto lifetime = std::chrono::milliseconds(static_cast<std::int64_t>(expires_in.get<double>() * 1000));
  auto margin = std::min<std::chrono::milliseconds>(lifetime / 10, kMaxMargin);
  return Clock::now() + lifetime - margin;
}

}  // namespace

OAuthClient::OAuthClient(const ServerConfig& config) : config_(config) {}

protocol::Result<std::string> OAuthClient::AccessToken() {
  std::unique_lock lock(mutex_);
  std::uint64_t seen = generation_;
  fetched_.wait(lock, [this] { return !fetching_; });
  if (CachedIsFresh()) return token_;
  if (generation_ != seen && !last_error_.ok()) return last_error_;  // shared a failed fetch
  fetching_ = true;
  lock.unlock();
  protocol::Result<Fetched> fetched = Fetch();
  lock.lock();
  fetching_ = false;
  ++generation_;
  last_error_ = fetched.status();
  if (fetched.ok()) {
    token_ = fetched->token;
    refresh_at_ = fetched->refresh_at;
  }
  fetched_.notify_all();
  if (!fetched.ok()) return fetched.status();
  return token_;
}

void OAuthClient::Invalidate(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (token_ == token) token_.clear();
}

std::uint64_t OAuthClient::fetch_count() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

bool OAuthClient::CachedIsFresh() const {
  return !token_.empty() && Clock::now() < refresh_at_;
}

protocol::Result<OAuthClient::Fetched> OAuthClient::Fetch() const {
  protocol::Result<Url> url = ParseUrl(config_.auth.token_url);
  if (!url.ok()) return UpstreamUnavailable(config_.name, "oauth2 token_url: " + url.status().message());
  auto client = MakeHttpClient(*url, config_, kTokenTimeout);
  httplib::Headers headers = {
      {"Authorization", BasicAuthorization(config_.auth.client_id, config_.auth.client_secret)},
      {"Accept", "application/json"}};
  httplib::Result res =
      client->Post(url->target, headers, FormBody(config_.auth), "application/x-www-form-urlencoded");
  if (!res) {
    return UpstreamUnavailable(config_.name,
                               "oauth2 token endpoint unreachable: " + httplib::to_string(res.error()));
  }
  log::Debug("[{}] oauth2 token endpoint answered {}", config_.name, res->status);
  return ReadTokenResponse(res->status, res->body);
}

protocol::Result<OAuthClient::Fetched> OAuthClient::ReadTokenResponse(int status,
                                                                       const std::string& body) const {
  // Too deep is read as not JSON: the answer then has no usable field.
  Json doc = protocol::NestedDeeperThan(body, config_.max_json_depth)
                 ? Json()
                 : Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (status != 200) {
    std::string error = protocol::StringOr(doc, "error");
    return UpstreamUnavailable(config_.name, "oauth2 token endpoint refused: HTTP " +
                                                 std::to_string(status) +
                                                 (error.empty() ? "" : " " + error));
  }
  if (!doc.is_object() || !doc.contains("access_token") || !doc["access_token"].is_string()) {
    return UpstreamUnavailable(config_.name, "oauth2 token endpoint sent no access_token");
  }
  // Absent means Bearer; of another type it is not Bearer.
  const bool has_type = protocol::FindMember(doc, "token_type") != nullptr;
  std::string type = has_type ? protocol::StringOr(doc, "token_type") : "Bearer";
  std::transform(type.begin(), type.end(), type.begin(), ::tolower);
  if (type != "bearer") {
    return UpstreamUnavailable(config_.name, "oauth2 token_type is not Bearer");
  }
  return Fetched{doc["access_token"].get<std::string>(), RefreshAt(doc.value("expires_in", Json()))};
}

}  // namespace mcpgw::upstream
