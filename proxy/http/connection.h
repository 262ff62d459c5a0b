#pragma once

#include "proxy/http/listener.h"

#include <atomic>
#include <mutex>
#include <set>

namespace boost::asio::ssl {
class context;
}

namespace mcpgw::proxy {

// A connection being served, as the listener sees it.
class HttpConnectionHandle {
 public:
  virtual ~HttpConnectionHandle() = default;
  // Ends the connection if it is waiting for a request; otherwise it ends after its response
  // (the stop flag says so). Any thread.
  virtual void Interrupt() = 0;
};

// What the listener shares with its connections.
struct HttpListenerState {
  HttpListenerState(HttpApplication& a, HttpListenerOptions o) : app(a), options(std::move(o)) {}

  HttpApplication& app;
  const HttpListenerOptions options;
  std::atomic<bool> stopping{false};
  std::mutex mutex;                           // guards connections
  std::set<HttpConnectionHandle*> connections;  // being served
};

// Serves the accepted socket `fd` (owned from here) until it closes, on the calling thread:
// TLS handshake when `tls` is set, then requests while the client keeps the connection and the
// listener is not stopping.
void ServeHttpConnection(HttpListenerState& state, int fd, boost::asio::ssl::context* tls);

}  // namespace mcpgw::proxy
