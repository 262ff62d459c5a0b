#pragma once

#include "upstream/http_support.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace mcpgw::upstream {

// Keep-alive HTTP clients for one origin, one per request in flight: a request borrows an idle
// client (its connection stays open for the next one) or a new one. StopAll() breaks every
// connection, in use or idle, so blocked requests return at once. Thread-safe.
class ClientPool {
 public:
  ClientPool(Url origin, const ServerConfig& config, std::chrono::seconds read_timeout);

  // A client on loan until the Lease is destroyed.
  class Lease {
   public:
    Lease(ClientPool& pool, httplib::Client* client) : pool_(pool), client_(client) {}
    ~Lease() { pool_.Release(client_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    httplib::Client& operator*() const { return *client_; }
    httplib::Client* operator->() const { return client_; }

   private:
    ClientPool& pool_;
    httplib::Client* client_;
  };

  Lease Acquire();

  // Stops every client; later Acquires still work but the caller should be closing.
  void StopAll();

 private:
  void Release(httplib::Client* client);

  const Url origin_;
  const ServerConfig& config_;
  const std::chrono::seconds read_timeout_;
  std::mutex mutex_;  // guards all_ and idle_
  std::vector<std::unique_ptr<httplib::Client>> all_;
  std::vector<httplib::Client*> idle_;
};

}  // namespace mcpgw::upstream
