#pragma once

#include "protocol/json_rpc.h"
#include "upstream/server_config.h"
#include "upstream/upstream.h"
#include "upstream/upstream_set.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace mcpgw::proxy {

// The upstream connections one session has to itself: one per server configured with
// "isolation": "session" (its own child process, or its own upstream HTTP session), opened on
// the session's first request to that server and stopped with the session, so that what a
// server keeps per connection (roots, subscriptions, log level) is never shared. Everything
// such a connection sends belongs to the session. Any thread.
class OwnUpstreams : public upstream::UpstreamObserver {
 public:
  // What the owning session gives its connections.
  struct Owner {
    std::function<protocol::Json()> client_capabilities;  // told in each initialize
    // Every request of the servers' goes to the session's client.
    std::function<upstream::Withdraw(const std::string& server, protocol::Message request,
                                     upstream::ReplyHandler reply)>
        relay;
    // Every notification of the servers' is the session's (it still decides what to pass on).
    std::function<void(const std::string& server, const protocol::Message& notification)> notify;
  };

  explicit OwnUpstreams(Owner owner) : owner_(std::move(owner)) {}
  ~OwnUpstreams() override;  // StopAll()
  OwnUpstreams(const OwnUpstreams&) = delete;
  OwnUpstreams& operator=(const OwnUpstreams&) = delete;

  // The session's own connection to config.name: started on first use (blocking until its first
  // attempt ends, at most the server's timeout) and replaced when config changed (a reload).
  // Null after StopAll.
  upstream::UpstreamPtr For(const upstream::ServerConfig& config);
  // Every connection open now.
  std::vector<upstream::UpstreamPtr> All() const;
  // Stops every connection (in parallel) and opens no more. Idempotent.
  void StopAll();

  // upstream::UpstreamObserver, on the connections' threads.
  void OnOfferChanged(const std::string&) override {}
  void OnStateChanged(const std::string&, upstream::State) override {}
  void OnNotification(const std::string& server, const protocol::Message& notification) override;
  upstream::Withdraw OnRequest(const std::string& server, protocol::Message request,
                               upstream::ReplyHandler reply) override;
  protocol::Json ClientCapabilities(const std::string& server) override;

 private:
  const Owner owner_;
  mutable std::mutex mutex_;
  std::map<std::string, upstream::UpstreamPtr> open_;  // by server name; guarded by mutex_
  bool stopped_ = false;                               // guarded by mutex_
};

}  // namespace mcpgw::proxy
