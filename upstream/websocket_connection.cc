// The only file that includes Beast and Asio: they are header-only and slow to compile.
#include "upstream/websocket_connection.h"

#include "protocol/guard.h"
#include "protocol/log.h"
#include "upstream/credentials.h"
#include "upstream/http_support.h"
#include "upstream/inbound_queue.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>

namespace mcpgw::upstream {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using beast::error_code;
using protocol::Status;
using protocol::StatusCode;
using std::chrono::milliseconds;

// Bounds connecting, each handshake and the close handshake.
constexpr std::chrono::seconds kHandshakeTimeout{30};
// Beast pings after half of this without a frame from the server and fails the read after all.
constexpr std::chrono::seconds kIdleTimeout{40};

using PlainStream = websocket::stream<beast::tcp_stream>;
using TlsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// One message for the server and the promise that says whether it was written.
struct Outgoing {
  std::string text;
  std::promise<Status> written;
};

Status Closed() { return Status(StatusCode::kClosed, "connection closed"); }

// Verifies against ca_file (or the system store) unless tls_verify is off.
protocol::Result<std::unique_ptr<ssl::context>> MakeTlsContext(const ServerConfig& config) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  error_code ec;
  context->set_verify_mode(config.tls_verify ? ssl::verify_peer : ssl::verify_none, ec);
  if (!ec && config.tls_verify && config.ca_file.empty()) context->set_default_verify_paths(ec);
  if (!ec && config.tls_verify && !config.ca_file.empty())
    context->load_verify_file(config.ca_file, ec);
  if (ec) return UpstreamUnavailable(config.name, "cannot load the CAs to trust: " + ec.message());
  return context;
}

// Everything but the constructor, Send, Close and Shutdown runs on the I/O thread, the only
// thread that touches the stream (Asio's implicit strand); the others post work to it.
template <typename Stream>
class WebSocketConnection : public Connection, private protocol::Transport {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // Starts the I/O thread, which connects. tls is null for ws://.
  WebSocketConnection(const ServerConfig& config, Url url, std::unique_ptr<ssl::context> tls)
      : config_(config),
        url_(std::move(url)),
        credentials_(config),
        inbound_(config.max_json_depth),
        tls_(std::move(tls)),
        ws_(MakeStream(ioc_, tls_.get())),
        io_thread_([this] { RunIo(); }) {}
  ~WebSocketConnection() override { Shutdown(milliseconds(2000)); }

  protocol::Transport& transport() override { return *this; }
  void Shutdown(milliseconds grace) override;
  protocol::Result<protocol::Message> Receive() override { return inbound_.Pop(); }
  Status Send(const protocol::Message& message) override;
  void Close() override;

 private:
  enum class Phase { kConnecting, kOpen, kEnded };

  static Stream MakeStream(net::io_context& ioc, ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(ioc, *tls);
    } else {
      return Stream(ioc);
    }
  }
  void RunIo();
  void Connect();
  void OnResolved(error_code ec, const tcp::resolver::results_type& endpoints);
  void OnConnected(error_code ec);
  void Handshake(error_code ec);
  void OnHandshake(error_code ec);
  void Read();
  void OnRead(error_code ec);
  void Enqueue(std::shared_ptr<Outgoing> outgoing);
  void WriteNext();
  void OnWritten(error_code ec);
  void StartClose();
  bool Failed(error_code ec, std::string_view what);
  void Fail(const std::string& what);
  void FailWrites(const Status& status);

  const ServerConfig& config_;
  const Url url_;
  Credentials credentials_;
  InboundQueue inbound_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> shut_down_{false};

  std::mutex mutex_;  // guards io_done_
  std::condition_variable io_finished_;
  bool io_done_ = false;  // the I/O loop has returned: nothing posted from now on would run

  // The I/O thread's own.
  net::io_context ioc_;
  std::unique_ptr<ssl::context> tls_;
  Stream ws_;
  tcp::resolver resolver_{ioc_};
  httplib::Headers headers_;  // sent on the upgrade request; values are secrets
  websocket::response_type response_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<Outgoing>> queue_;  // front is being written when writing_
  bool writing_ = false;
  Phase phase_ = Phase::kConnecting;
  std::thread io_thread_;  // last: started after everything above exists
};

template <typename Stream>
void WebSocketConnection<Stream>::RunIo() {
  // A handler that throws (a bug) ends the connection like a network error.
  protocol::Guarded(config_.name, [this] {
    Connect();
    ioc_.run();
  });
  {
    std::lock_guard lock(mutex_);
    io_done_ = true;
  }
  Fail("stopped");
  writing_ = false;  // a write cut off by stop() never completes
  FailWrites(Closed());
  ioc_.restart();
  ioc_.poll();  // Sends posted before io_done_ was set are answered kClosed
  io_finished_.notify_all();
}

template <typename Stream>
void WebSocketConnection<Stream>::Connect() {
  protocol::Result<httplib::Headers> headers = credentials_.Headers();  // may fetch a token
  if (!headers.ok()) return Fail(headers.status().message());
  headers_ = std::move(headers).value();
  resolver_.async_resolve(url_.host, std::to_string(url_.port),
                          [this](error_code ec, const tcp::resolver::results_type& endpoints) {
                            OnResolved(ec, endpoints);
                          });
}

template <typename Stream>
void WebSocketConnection<Stream>::OnResolved(error_code ec,
                                             const tcp::resolver::results_type& endpoints) {
  if (Failed(ec, "cannot resolve the host")) return;
  beast::tcp_stream& socket = beast::get_lowest_layer(ws_);
  socket.expires_after(kHandshakeTimeout);
  socket.async_connect(endpoints, [this](error_code ec, const tcp::endpoint&) { OnConnected(ec); });
}

template <typename Stream>
void WebSocketConnection<Stream>::OnConnected(error_code ec) {
  if (Failed(ec, "cannot connect")) return;
  if constexpr (kTls) {
    beast::ssl_stream<beast::tcp_stream>& tls = ws_.next_layer();
    if (!SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str())) {
      return Fail("cannot set the TLS server name");
    }
    if (config_.tls_verify) tls.set_verify_callback(ssl::host_name_verification(url_.host));
    tls.async_handshake(ssl::stream_base::client, [this](error_code ec) { Handshake(ec); });
  } else {
    Handshake(ec);
  }
}

template <typename Stream>
void WebSocketConnection<Stream>::Handshake(error_code ec) {
  if (Failed(ec, "TLS handshake")) return;
  beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
  ws_.set_option(websocket::stream_base::timeout{kHandshakeTimeout, kIdleTimeout, true});
  ws_.set_option(websocket::stream_base::decorator([this](websocket::request_type& request) {
    request.set(beast::http::field::user_agent, "mcpgw/" MCPGW_VERSION);
    for (const auto& [name, value] : headers_) request.set(name, value);
  }));
  ws_.read_message_max(config_.max_message_bytes);
  ws_.text(true);
  ws_.async_handshake(response_, url_.host + ":" + std::to_string(url_.port), url_.target,
                      [this](error_code ec) { OnHandshake(ec); });
}

template <typename Stream>
void WebSocketConnection<Stream>::OnHandshake(error_code ec) {
  if (ec == websocket::error::upgrade_declined) {
    if (response_.result_int() == 401) credentials_.RefreshAfterUnauthorized(headers_);
    return Fail("upgrade refused with HTTP " + std::to_string(response_.result_int()));
  }
  if (Failed(ec, "handshake")) return;
  phase_ = Phase::kOpen;
  log::Info("[{}] connected over WebSocket", config_.name);
  Read();
  if (!queue_.empty()) WriteNext();
}

template <typename Stream>
void WebSocketConnection<Stream>::Read() {
  ws_.async_read(buffer_, [this](error_code ec, std::size_t) { OnRead(ec); });
}

template <typename Stream>
void WebSocketConnection<Stream>::OnRead(error_code ec) {
  if (ec == websocket::error::closed) return Fail("closed by the server");
  if (ec == websocket::error::message_too_big) return Fail("message over max_message_bytes");
  if (Failed(ec, "read")) return;
  inbound_.PushText(beast::buffers_to_string(buffer_.cdata()));
  buffer_.consume(buffer_.size());
  Read();
}

template <typename Stream>
void WebSocketConnection<Stream>::Enqueue(std::shared_ptr<Outgoing> outgoing) {
  if (phase_ == Phase::kEnded || closed_) return outgoing->written.set_value(Closed());
  queue_.push_back(std::move(outgoing));
  if (phase_ == Phase::kOpen && !writing_) WriteNext();
}

template <typename Stream>
void WebSocketConnection<Stream>::WriteNext() {
  writing_ = true;
  ws_.async_write(net::buffer(queue_.front()->text),
                  [this](error_code ec, std::size_t) { OnWritten(ec); });
}

template <typename Stream>
void WebSocketConnection<Stream>::OnWritten(error_code ec) {
  if (!writing_) return;  // RunIo already failed it
  writing_ = false;
  queue_.front()->written.set_value(
      ec ? UpstreamUnavailable(config_.name, "WebSocket write: " + ec.message()) : Status::Ok());
  queue_.pop_front();
  if (Failed(ec, "write")) return;
  if (!queue_.empty()) WriteNext();
}

template <typename Stream>
void WebSocketConnection<Stream>::StartClose() {
  if (phase_ != Phase::kOpen) return Fail("closed");
  ws_.async_close(websocket::close_code::normal, [this](error_code) { Fail("closed"); });
}

// True when the connection has ended, or ends now because of ec.
template <typename Stream>
bool WebSocketConnection<Stream>::Failed(error_code ec, std::string_view what) {
  if (phase_ == Phase::kEnded) return true;
  if (ec) Fail(std::string(what) + ": " + ec.message());
  return static_cast<bool>(ec);
}

// Ends the connection: fails the queued writes, ends Receive, closes the socket and stops the
// I/O loop. Idempotent.
template <typename Stream>
void WebSocketConnection<Stream>::Fail(const std::string& what) {
  if (phase_ == Phase::kEnded) return;
  phase_ = Phase::kEnded;
  if (!closed_) log::Warn("[{}] WebSocket connection ended: {}", config_.name, what);
  FailWrites(UpstreamUnavailable(config_.name, "WebSocket " + what));
  inbound_.Close();
  resolver_.cancel();
  error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  ioc_.stop();  // Beast's timeout timer would keep run() going; RunIo answers what is left
}

// Answers every queued write but one being written with status.
template <typename Stream>
void WebSocketConnection<Stream>::FailWrites(const Status& status) {
  auto unwritten = queue_.begin() + (writing_ ? 1 : 0);
  for (auto it = unwritten; it != queue_.end(); ++it) (*it)->written.set_value(status);
  queue_.erase(unwritten, queue_.end());
}

template <typename Stream>
Status WebSocketConnection<Stream>::Send(const protocol::Message& message) {
  auto outgoing = std::make_shared<Outgoing>();
  outgoing->text = protocol::Serialize(message);
  std::future<Status> written = outgoing->written.get_future();
  {
    std::lock_guard lock(mutex_);
    if (closed_ || io_done_) return Closed();
    net::post(ioc_, [this, outgoing] { Enqueue(outgoing); });
  }
  // The first Send waits for the connection too.
  if (written.wait_for(std::max<milliseconds>(config_.timeout, kHandshakeTimeout)) !=
      std::future_status::ready) {
    return UpstreamUnavailable(config_.name, "WebSocket write timed out");
  }
  return written.get();
}

template <typename Stream>
void WebSocketConnection<Stream>::Close() {
  if (closed_.exchange(true)) return;
  inbound_.Close();
  net::post(ioc_, [this] { StartClose(); });
}

template <typename Stream>
void WebSocketConnection<Stream>::Shutdown(milliseconds grace) {
  if (shut_down_.exchange(true)) return;
  Close();
  std::unique_lock lock(mutex_);
  if (!io_finished_.wait_for(lock, grace, [this] { return io_done_; })) ioc_.stop();
  lock.unlock();
  io_thread_.join();
}

}  // namespace

protocol::Result<std::unique_ptr<Connection>> OpenWebSocketConnection(const ServerConfig& config) {
  protocol::Result<Url> url = ParseUrl(config.url);
  if (!url.ok()) return UpstreamUnavailable(config.name, url.status().message());
  if (url->scheme != "ws" && url->scheme != "wss") {
    return UpstreamUnavailable(config.name, "a websocket url must be ws:// or wss://");
  }
  if (!url->secure()) {
    return std::unique_ptr<Connection>(
        new WebSocketConnection<PlainStream>(config, std::move(url).value(), nullptr));
  }
  protocol::Result<std::unique_ptr<ssl::context>> tls = MakeTlsContext(config);
  if (!tls.ok()) return tls.status();
  return std::unique_ptr<Connection>(
      new WebSocketConnection<TlsStream>(config, std::move(url).value(), std::move(tls).value()));
}

}  // namespace mcpgw::upstream
