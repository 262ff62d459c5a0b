#include "upstream/credentials.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace mcpgw::upstream {
namespace {

ServerConfig WithAuth(AuthConfig auth) {
  ServerConfig config;
  config.name = "s";
  config.type = TransportType::kHttp;
  config.url = "http://127.0.0.1:1/mcp";
  config.headers = {{"X-Org", "acme"}, {"authorization", "static-loses"}};
  config.auth = std::move(auth);
  return config;
}

std::string HeaderOf(const httplib::Headers& headers, const std::string& name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

TEST_CASE("Credentials put the auth header over static headers of the same name") {
  ServerConfig config = WithAuth({.type = AuthType::kBearer, .token = "t0k"});
  Credentials credentials(config);
  protocol::Result<httplib::Headers> headers = credentials.Headers();
  REQUIRE(headers.ok());
  CHECK(headers->count("Authorization") == 1);
  CHECK(HeaderOf(*headers, "Authorization") == "Bearer t0k");
  CHECK(HeaderOf(*headers, "X-Org") == "acme");
  CHECK_FALSE(credentials.RefreshAfterUnauthorized(*headers));  // nothing to refresh
}

TEST_CASE("Credentials send an API key in its header and basic auth as RFC 7617") {
  ServerConfig api_key = WithAuth({.type = AuthType::kApiKey, .key = "k3y", .header = "X-Key"});
  CHECK(HeaderOf(*Credentials(api_key).Headers(), "X-Key") == "k3y");
  ServerConfig basic = WithAuth({.type = AuthType::kBasic, .username = "Aladdin", .password = "open sesame"});
  CHECK(HeaderOf(*Credentials(basic).Headers(), "Authorization") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_CASE("Credentials without auth send only the static headers") {
  ServerConfig config = WithAuth({});
  httplib::Headers headers = *Credentials(config).Headers();
  CHECK(headers.size() == 2);
  CHECK(HeaderOf(headers, "Authorization") == "static-loses");
}

// A real token endpoint on 127.0.0.1: counts fetches, answers slowly so callers overlap.
class TokenServer {
 public:
  explicit TokenServer(int expires_in) {
    server_.Post("/token", [this, expires_in](const httplib::Request& request, httplib::Response& response) {
      bool client_ok = request.get_header_value("Authorization") == BasicAuthorization("id", "secret");
      if (!client_ok || request.body.find("grant_type=client_credentials") == std::string::npos) {
        response.status = 401;
        return;
      }
      last_body_ = request.body;
      int n = ++fetches_;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      response.set_content(R"({"access_token": "tok-)" + std::to_string(n) +
                               R"(", "token_type": "Bearer", "expires_in": )" + std::to_string(expires_in) + "}",
                           "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~TokenServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }
  int fetches() const { return fetches_; }
  std::string last_body() const { return last_body_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::atomic<int> fetches_{0};
  std::string last_body_;
  std::thread thread_;
};

ServerConfig OAuthConfig(const TokenServer& server, std::string secret = "secret") {
  return WithAuth({.type = AuthType::kOAuth2, .client_id = "id", .client_secret = std::move(secret),
                   .token_url = server.url(), .scope = "a b", .audience = "https://api"});
}

TEST_CASE("OAuthClient shares one fetch among concurrent callers and caches the token") {
  TokenServer server(3600);
  OAuthClient client(OAuthConfig(server));
  std::vector<std::thread> threads;
  std::vector<std::string> tokens(8);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    threads.emplace_back([&, i] { tokens[i] = *client.AccessToken(); });
  }
  for (auto& thread : threads) thread.join();
  CHECK(server.fetches() == 1);
  for (const std::string& token : tokens) CHECK(token == "tok-1");
  CHECK(*client.AccessToken() == "tok-1");
  CHECK(server.fetches() == 1);
  CHECK(server.last_body() == "grant_type=client_credentials&scope=a%20b&audience=https%3A%2F%2Fapi");
}

TEST_CASE("OAuthClient fetches anew shortly before the token expires") {
  TokenServer server(1);  // refreshed 10% early: after 0.9 s
  OAuthClient client(OAuthConfig(server));
  CHECK(*client.AccessToken() == "tok-1");
  std::this_thread::sleep_for(std::chrono::milliseconds(950));
  CHECK(*client.AccessToken() == "tok-2");
}

TEST_CASE("Credentials drop the OAuth token after a 401 so the retry fetches a fresh one") {
  TokenServer server(3600);
  ServerConfig config = OAuthConfig(server);
  Credentials credentials(config);
  httplib::Headers first = *credentials.Headers();
  CHECK(HeaderOf(first, "Authorization") == "Bearer tok-1");
  CHECK(credentials.RefreshAfterUnauthorized(first));
  CHECK(HeaderOf(*credentials.Headers(), "Authorization") == "Bearer tok-2");
  CHECK(credentials.RefreshAfterUnauthorized(first));  // a stale 401 does not drop tok-2
  CHECK(HeaderOf(*credentials.Headers(), "Authorization") == "Bearer tok-2");
  CHECK(server.fetches() == 2);
}

TEST_CASE("OAuthClient reports a refused fetch without the secret") {
  TokenServer server(3600);
  OAuthClient client(OAuthConfig(server, "wrong-secret"));
  protocol::Result<std::string> token = client.AccessToken();
  REQUIRE_FALSE(token.ok());
  CHECK(token.status().code() == protocol::StatusCode::kUnavailable);
  CHECK(token.status().message().find("HTTP 401") != std::string::npos);
  CHECK(token.status().message().find("wrong-secret") == std::string::npos);
}

}  // namespace
}  // namespace mcpgw::upstream
