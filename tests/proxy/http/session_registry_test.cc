#include "proxy/http/session_registry.h"

#include "proxy/app/gateway.h"

#include <doctest/doctest.h>

#include <thread>

namespace mcpgw::proxy {
namespace {

using namespace std::chrono_literals;

Config Limits(std::size_t max_sessions, std::chrono::milliseconds idle_timeout) {
  Config config;
  config.gateway.max_sessions = max_sessions;
  config.gateway.session_idle_timeout = idle_timeout;
  return config;
}

// A registry on a gateway without upstreams.
struct Replica {
  explicit Replica(Config config) : gateway(std::move(config)) {}
  Gateway gateway;
  HttpSessionRegistry sessions{gateway.session_services(), gateway.config().gateway};

  std::shared_ptr<HttpSession> Attach(const std::shared_ptr<HttpSession>& session) {
    return sessions.Attach(session->claims(), policy::Principal{});
  }
};

}  // namespace

TEST_CASE("HttpSessionRegistry issues claims that expire after the session lifetime") {
  Config config;
  config.gateway.session_lifetime = 1500ms;
  Replica replica(std::move(config));
  const SessionClaims& claims = replica.sessions.Create(policy::Principal{})->claims();
  CHECK(claims.principal == "anonymous");
  CHECK(claims.expires_at - claims.issued_at == 2);  // whole seconds, rounded up
}

TEST_CASE("HttpSessionRegistry past its cap drops the least recently used session not in use") {
  Replica replica(Limits(3, 0ms));
  auto a = replica.sessions.Create(policy::Principal{});
  auto b = replica.sessions.Create(policy::Principal{});
  auto c = replica.sessions.Create(policy::Principal{});
  std::shared_ptr<EventStream> c_stream = c->OpenStream().stream;
  CHECK(replica.Attach(a) == a);                         // a is now the most recently used
  std::shared_ptr<void> busy = replica.sessions.Use(b);  // b waits for an answer: kept
  auto d = replica.sessions.Create(policy::Principal{});
  CHECK(c_stream->finished());  // c went, and its state with it
  CHECK(replica.Attach(a) == a);
  CHECK(replica.Attach(b) == b);
  CHECK(replica.Attach(d) == d);
  auto c_again = replica.Attach(c);  // a dropped session comes back, fresh
  REQUIRE(c_again != nullptr);
  CHECK(c_again != c);
}

TEST_CASE("HttpSessionRegistry keeps its cap over many sessions, every one in use or not") {
  Replica replica(Limits(100, 0ms));
  std::vector<std::shared_ptr<void>> uses;
  std::shared_ptr<HttpSession> last;
  for (int i = 0; i < 5000; ++i) {
    last = replica.sessions.Create(policy::Principal{});
    if (i % 2 == 0) uses.push_back(replica.sessions.Use(last));
  }
  CHECK(replica.Attach(last) == last);
}

TEST_CASE("HttpSessionRegistry ends a session unused for the idle timeout, not one in use") {
  Replica replica(Limits(10, 50ms));
  auto idle = replica.sessions.Create(policy::Principal{});
  auto busy = replica.sessions.Create(policy::Principal{});
  std::shared_ptr<void> use = replica.sessions.Use(busy);
  std::this_thread::sleep_for(120ms);
  CHECK(replica.Attach(idle) == nullptr);
  CHECK(replica.Attach(idle) == nullptr);  // ended, not merely dropped: it does not come back
  CHECK(replica.Attach(busy) == busy);
  use.reset();  // its POST is answered: the idle clock starts now
  std::this_thread::sleep_for(120ms);
  CHECK(replica.Attach(busy) == nullptr);
}

TEST_CASE("HttpSessionRegistry refuses a DELETEd session after many more have ended") {
  Replica replica(Limits(16, 0ms));
  auto deleted = replica.sessions.Create(policy::Principal{});
  std::shared_ptr<EventStream> waiting = deleted->AddPending("77").stream;
  CHECK(replica.sessions.End(deleted->claims()));
  CHECK(waiting->finished());           // its POST is released
  for (int i = 0; i < 100001; ++i) {  // one more than a fixed memory of 100000 ended ids
    replica.sessions.End(replica.sessions.Create(policy::Principal{})->claims());
  }
  CHECK(replica.Attach(deleted) == nullptr);
  CHECK_FALSE(replica.sessions.End(deleted->claims()));
  auto fresh = replica.sessions.Create(policy::Principal{});
  CHECK(replica.Attach(fresh) == fresh);
}

TEST_CASE("HttpSession refuses a second pending POST for an id without touching the first") {
  Replica replica(Limits(10, 0ms));
  auto session = replica.sessions.Create(policy::Principal{});
  std::shared_ptr<EventStream> first = session->AddPending("77").stream;
  REQUIRE(first != nullptr);
  CHECK(session->AddPending("77").stream == nullptr);
  session->CancelPending("77");
  CHECK(first->finished());  // the cancel reaches the first POST
  session->Forget("77", first);
  CHECK(session->AddPending("77").stream != nullptr);  // the id is free again
}

}  // namespace mcpgw::proxy
