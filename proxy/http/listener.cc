#include "proxy/http/listener.h"

#include "protocol/blocking_queue.h"
#include "protocol/log.h"
#include "proxy/http/connection.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <unistd.h>

#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mcpgw::proxy {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
using protocol::Status;
using protocol::StatusCode;

// After a failed accept (out of descriptors, say), the next one waits this long.
constexpr std::chrono::milliseconds kAcceptBackoff{50};

protocol::Result<std::unique_ptr<ssl::context>> LoadTls(const HttpListenerOptions& options) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1,
                       ec);
  if (!ec) context->use_certificate_chain_file(options.tls_cert, ec);
  if (!ec) context->use_private_key_file(options.tls_key, ssl::context::pem, ec);
  if (!ec) return context;
  return Status(StatusCode::kInvalidArgument, "cannot load the TLS certificate " +
                                                  options.tls_cert + " and key " + options.tls_key);
}

}  // namespace

// The accepting thread hands sockets to the pool through `pending`; each pool thread serves one
// connection at a time.
class HttpListener::Impl {
 public:
  Impl(HttpApplication& app, HttpListenerOptions options)
      : state_(app, std::move(options)) {}

  protocol::Result<int> Bind(const std::string& host, int port) {
    if (!state_.options.tls_cert.empty()) {
      protocol::Result<std::unique_ptr<ssl::context>> tls = LoadTls(state_.options);
      if (!tls.ok()) return tls.status();
      tls_ = std::move(tls).value();
    }
    error_code ec;
    tcp::resolver resolver(io_);
    auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
    if (ec || found.empty()) return Unbound(host, port, ec);
    tcp::endpoint endpoint = found.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Unbound(host, port, ec);
    return static_cast<int>(acceptor_.local_endpoint().port());
  }

  void Serve() {
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < state_.options.threads; ++i) pool.emplace_back([this] { Work(); });
    Accept();
    io_.run();  // until Stop closes the acceptor
    pending_.Close();
    for (std::thread& thread : pool) thread.join();
  }

  void Stop() {
    state_.stopping = true;
    net::post(io_, [this] {
      error_code ec;
      acceptor_.close(ec);
      backoff_.cancel();
    });
    std::lock_guard lock(state_.mutex);
    for (HttpConnectionHandle* connection : state_.connections) connection->Interrupt();
  }

 private:
  static Status Unbound(const std::string& host, int port, const error_code& ec) {
    return Status(StatusCode::kUnavailable,
                  "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }

  void Accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
      if (!acceptor_.is_open()) return;
      if (!ec) {
        Hand(socket.release());
        return Accept();
      }
      log::Warn("cannot accept a connection: {}", ec.message());
      backoff_.expires_after(kAcceptBackoff);
      backoff_.async_wait([this](error_code) {
        if (acceptor_.is_open()) Accept();
      });
    });
  }

  void Hand(int fd) { pending_.Push(fd); }

  // A pool thread: serves the accepted sockets one at a time until the listener has stopped
  // and none is left; a socket accepted just before the stop is closed unserved.
  void Work() {
    while (std::optional<int> fd = pending_.Pop()) {
      if (state_.stopping) {
        ::close(*fd);
      } else {
        ServeHttpConnection(state_, *fd, tls_.get());
      }
    }
  }

  HttpListenerState state_;
  std::unique_ptr<ssl::context> tls_;  // set for HTTPS; read-only once serving
  net::io_context io_{1};              // the accepting thread's
  tcp::acceptor acceptor_{io_};
  net::steady_timer backoff_{io_};
  protocol::BlockingQueue<int> pending_;  // accepted, not yet served; closed once accepting ends
};

HttpListener::HttpListener(HttpApplication& app, HttpListenerOptions options)
    : impl_(std::make_unique<Impl>(app, std::move(options))) {}

HttpListener::~HttpListener() = default;

protocol::Result<int> HttpListener::Bind(const std::string& host, int port) {
  return impl_->Bind(host, port);
}

void HttpListener::Serve() { impl_->Serve(); }

void HttpListener::Stop() { impl_->Stop(); }

}  // namespace mcpgw::proxy
