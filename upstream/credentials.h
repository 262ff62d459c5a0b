#pragma once

#include "protocol/status.h"
#include "upstream/oauth_client.h"
#include "upstream/server_config.h"

#include <httplib.h>

#include <memory>
#include <string>

namespace mcpgw::upstream {

// "Basic base64(user:password)" (RFC 7617), for basic auth and OAuth client authentication.
std::string BasicAuthorization(const std::string& user, const std::string& password);

// The headers that authenticate the gateway to one upstream: the configured static headers, then
// the auth header (bearer, api_key, basic, or an OAuth 2.0 access token), which wins over a
// static header of the same name. Only the config's own credentials are ever sent: nothing from
// a downstream caller reaches here. Thread-safe.
class Credentials {
 public:
  explicit Credentials(const ServerConfig& config);

  // Headers for one request. Fails (kUnavailable, no secret in the message) only when an OAuth
  // token cannot be fetched. Any thread; may block on a token fetch.
  protocol::Result<httplib::Headers> Headers();

  // The upstream answered 401 to a request sent with `sent` (from Headers()). Returns true when
  // new Headers() may succeed where these failed (oauth2: the token is dropped, so the next
  // Headers() fetches a fresh one); the caller then retries once. Any thread.
  bool RefreshAfterUnauthorized(const httplib::Headers& sent);

 private:
  const ServerConfig& config_;
  std::unique_ptr<OAuthClient> oauth_;  // only for oauth2
};

}  // namespace mcpgw::upstream
