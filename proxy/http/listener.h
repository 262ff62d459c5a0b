#pragma once

#include "protocol/status.h"

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace mcpgw::proxy {

// The limits on what one request may make the server read and hold.
struct HttpRequestLimits {
  std::size_t max_header_bytes = 64 * 1024;       // the request line and every header line
  std::size_t max_headers = 100;                  // header fields
  std::size_t max_body_bytes = 16 * 1024 * 1024;  // body octets as read, chunked or not
};

struct HttpListenerOptions {
  HttpRequestLimits limits;
  std::chrono::milliseconds header_timeout{10000};  // from a request's first byte to its header's end
  std::chrono::milliseconds body_timeout{30000};    // for a whole body
  // Between requests on a kept-alive connection. Responses announce half of it (Keep-Alive:
  // timeout=), so a client drops an idle connection well before the gateway does: one closed
  // by both sides at once fails the request the client was sending on it.
  std::chrono::milliseconds idle_timeout{10000};
  std::chrono::milliseconds write_timeout{5000};    // for each write
  std::size_t threads = 256;                        // connections served at once
  std::string tls_cert;                             // both set: HTTPS
  std::string tls_key;
};

// What the listener asks of the application for each request, on the connection's thread, in
// this order; Complete runs before every response is written, including the listener's own
// errors (431, 413, 400), whose `req` may be partly filled.
class HttpApplication {
 public:
  virtual ~HttpApplication() = default;
  // With the request's line and headers (no body yet): true to read the body and Handle it;
  // false when `res` holds the answer already (the body is then never read).
  virtual bool Admit(httplib::Request& req, httplib::Response& res) = 0;
  // With the whole body in req.body: fills `res`: status, headers, and a body or a chunked
  // content provider (driven until its sink's done(), an error or a stop).
  virtual void Handle(httplib::Request& req, httplib::Response& res) = 0;
  // The last word on a response before it is written (error bodies, metrics).
  virtual void Complete(const httplib::Request& req, httplib::Response& res) = 0;
};

// A bounded HTTP/1.1 server on Boost.Beast: a fixed pool of threads, each serving one connection
// at a time (keep-alive included) with its own io_context, so handlers may block. Beast's parser
// bounds the header (bytes and fields) and the body octets actually read; every read and write
// has a timeout. TLS through Asio when the options name a certificate and key.
class HttpListener {
 public:
  // Borrows the application, which must outlive the listener.
  HttpListener(HttpApplication& app, HttpListenerOptions options);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Loads the TLS files and binds HOST:PORT (port 0 picks a free one). Returns the bound port,
  // or why not. Call once, before Serve.
  protocol::Result<int> Bind(const std::string& host, int port);

  // Accepts and serves until Stop(); returns once every connection has ended. Call once.
  void Serve();

  // Stops accepting; idle connections close at once, busy ones after their response; a
  // chunked response ends before its next piece. Any thread, any time (before Serve too).
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcpgw::proxy
