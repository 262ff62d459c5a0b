// With listener.cc, the only proxy files that include Asio and Beast's I/O: they are
// header-only and slow to compile.
#include "proxy/http/connection.h"

#include "protocol/log.h"
#include "proxy/http/request_parser.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>

namespace mcpgw::proxy {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using beast::error_code;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What a client may still send after the gateway stopped reading a request (a refused or
// oversized body) is read and dropped for this long, up to this much, before the socket closes:
// closing with unread bytes sends a reset, which can make the client lose the answer. A client
// stops sending once it sees the answer and the end of the stream, typically well within this.
// Loopback carries 64 MiB in a few tens of milliseconds, less than a busy client may take to
// notice the answer: the byte bound is set well above what the time allows on a slow link.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = 512 * 1024 * 1024;
constexpr std::size_t kReadSize = 16 * 1024;

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

// The answer to a request that could not be read: 431 or 413 for a limit, 400 for anything
// malformed; 0 (close without answer) when the client went or was too slow.
int StatusForReadError(const error_code& ec) {
  if (ec == http::error::header_limit || ec == HttpRequestParser::TooManyHeaders()) return 431;
  if (ec == http::error::body_limit) return 413;
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    return ec == http::error::end_of_stream || ec == http::error::partial_message ? 0 : 400;
  }
  return 0;  // timeout, reset, eof, cancelled
}

bool WantsKeepAlive(const httplib::Request& req) {
  std::string connection = req.get_header_value("Connection");
  if (req.version == "HTTP/1.0") return connection == "keep-alive" || connection == "Keep-Alive";
  return connection != "close";
}

// The status line and headers, with the framing the listener owns (Content-Length or chunked,
// Connection, Keep-Alive).
std::string ResponseHead(const httplib::Response& res, bool chunked, bool keep_alive,
                         std::chrono::milliseconds announced_idle) {
  std::string head = "HTTP/1.1 " + std::to_string(res.status) + " " + Reason(res.status) + "\r\n";
  for (const auto& [name, value] : res.headers) {
    if (name != "Connection") head += name + ": " + value + "\r\n";
  }
  if (!res.has_header("Content-Type") && (chunked || !res.body.empty())) {
    head += "Content-Type: text/plain\r\n";
  }
  head += chunked ? "Transfer-Encoding: chunked\r\n"
                  : "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
  if (!keep_alive) return head + "Connection: close\r\n\r\n";
  return head + "Connection: keep-alive\r\nKeep-Alive: timeout=" +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(announced_idle).count()) +
         "\r\n\r\n";
}

// Serves one connection on the calling thread. Every operation is asynchronous on the
// connection's own io_context, run by this thread until it completes: that is how Beast's
// timeouts apply, and how Interrupt (posted from another thread) reaches a waiting read.
template <typename Stream>
class Connection final : public HttpConnectionHandle {
 public:
  Connection(HttpListenerState& state, net::io_context& io, Stream stream)
      : state_(state),
        options_(state.options),
        io_(io),
        stream_(std::move(stream)),
        buffer_(options_.limits.max_header_bytes + kReadSize) {}

  void Run() {
    Register(true);
    if (Handshake()) {
      while (!state_.stopping && WaitForRequest() && ServeOne()) {
      }
    }
    Close();
    Register(false);
  }

  void Interrupt() override {
    net::post(io_, [this] {
      if (idle_) Lowest().cancel();
    });
  }

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void Register(bool add) {
    std::lock_guard lock(state_.mutex);
    if (add) {
      state_.connections.insert(this);
    } else {
      state_.connections.erase(this);
    }
  }

  // Runs the io_context until the operation `start` begins has completed; returns its error.
  template <typename Start>
  error_code Await(std::chrono::milliseconds timeout, Start start) {
    error_code result;
    Lowest().expires_after(timeout);
    start([&result](error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  bool Handshake() {
    if constexpr (kTls) {
      return !Await(options_.header_timeout, [this](auto handler) {
        stream_.async_handshake(ssl::stream_base::server, std::move(handler));
      });
    }
    return true;
  }

  // Waits for the first bytes of the next request (idle_timeout); false when none come, the
  // client closes or the listener stops.
  bool WaitForRequest() {
    if (buffer_.size() > 0) return true;  // pipelined
    idle_ = true;
    std::size_t read = 0;
    error_code ec = Await(options_.idle_timeout, [this, &read](auto handler) {
      stream_.async_read_some(buffer_.prepare(kReadSize),
                              [&read, handler](error_code ec, std::size_t n) mutable {
                                read = n;
                                handler(ec);
                              });
    });
    idle_ = false;
    buffer_.commit(read);
    return !ec && !state_.stopping;
  }

  // Reads, handles and answers one request; true when the connection may serve another.
  bool ServeOne() {
    httplib::Request req;
    httplib::Response res;
    res.version = "HTTP/1.1";
    HttpRequestParser parser(req, options_.limits);
    error_code ec = Await(options_.header_timeout, [&](auto handler) {
      http::async_read_header(stream_, buffer_, parser, std::move(handler));
    });
    if (ec) return Fail(req, res, ec);
    Describe(req);
    if (!state_.app.Admit(req, res)) return Reply(req, res, parser.is_done());
    if (!parser.is_done() && !ReadBody(req, parser, ec)) return Fail(req, res, ec);
    state_.app.Handle(req, res);
    return Reply(req, res, true);
  }

  bool ReadBody(const httplib::Request& req, HttpRequestParser& parser, error_code& ec) {
    if (req.get_header_value("Expect") == "100-continue" &&
        !Write(net::buffer(std::string_view("HTTP/1.1 100 Continue\r\n\r\n")))) {
      return false;
    }
    ec = Await(options_.body_timeout, [&](auto handler) {
      http::async_read(stream_, buffer_, parser, std::move(handler));
    });
    return !ec;
  }

  void Describe(httplib::Request& req) {
    error_code ec;
    tcp::endpoint remote = Lowest().socket().remote_endpoint(ec);
    tcp::endpoint local = Lowest().socket().local_endpoint(ec);
    req.remote_addr = remote.address().to_string();
    req.remote_port = remote.port();
    req.local_addr = local.address().to_string();
    req.local_port = local.port();
  }

  // Answers a request that could not be read (when there is an answer) and ends the connection.
  bool Fail(const httplib::Request& req, httplib::Response& res, const error_code& ec) {
    unread_ = true;
    int status = StatusForReadError(ec);
    if (status == 0) return false;
    res.status = status;
    Reply(req, res, false);
    return false;
  }

  // Writes the response; `body_read` false: the request's body was left unread, so this is the
  // connection's last answer. True when the connection may serve another request.
  bool Reply(const httplib::Request& req, httplib::Response& res, bool body_read) {
    state_.app.Complete(req, res);
    unread_ = unread_ || !body_read;
    bool keep_alive = body_read && !state_.stopping && WantsKeepAlive(req) &&
                      res.get_header_value("Connection") != "close";
    bool chunked = static_cast<bool>(res.content_provider_);
    std::string head = ResponseHead(res, chunked, keep_alive, options_.idle_timeout / 2);
    if (req.method == "HEAD") return Write(net::buffer(head)) && keep_alive;
    if (!chunked) {
      std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(res.body)};
      return Write(buffers) && keep_alive;
    }
    return Write(net::buffer(head)) && WriteStream(res) && keep_alive;
  }

  // Drives a chunked content provider: each write is a chunk, done() the last one.
  bool WriteStream(httplib::Response& res) {
    bool ok = true;
    bool more = true;
    std::size_t offset = 0;
    httplib::DataSink sink;
    sink.write = [&](const char* data, std::size_t size) {
      if (ok && size > 0) ok = WriteChunk(data, size);
      offset += size;
      return ok;
    };
    sink.is_writable = [&ok] { return ok; };
    sink.done = [&] {
      if (ok && more) ok = Write(net::buffer(std::string_view("0\r\n\r\n")));
      more = false;
    };
    // Once even when stopping: a POST's stream, begun as the drain waits for its answer, is
    // written whole by one call.
    do {
      ok = res.content_provider_(offset, 0, sink) && ok;
    } while (ok && more && !state_.stopping);
    res.content_provider_success_ = ok && !more;
    return ok && !more;  // a stream cut by a stop ends its connection
  }

  bool WriteChunk(const char* data, std::size_t size) {
    char line[24];
    int length = std::snprintf(line, sizeof line, "%zx\r\n", size);
    std::array<net::const_buffer, 3> buffers{net::buffer(line, static_cast<std::size_t>(length)),
                                             net::buffer(data, size), net::buffer("\r\n", 2)};
    return Write(buffers);
  }

  template <typename Buffers>
  bool Write(const Buffers& buffers) {
    return !Await(options_.write_timeout, [&](auto handler) {
      net::async_write(stream_, buffers, std::move(handler));
    });
  }

  // Closes the socket; after a request whose bytes were not all read, first shuts the sending
  // side and drops what still comes for a moment (see kLingerTime).
  void Close() {
    tcp::socket& socket = Lowest().socket();
    error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    auto deadline = std::chrono::steady_clock::now() + kLingerTime;
    std::array<char, kReadSize> dropped_bytes;
    for (std::size_t dropped = 0; unread_ && !ec && dropped < kLingerBytes;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      std::size_t read = 0;
      ec = Await(left, [&](auto handler) {
        Lowest().async_read_some(net::buffer(dropped_bytes),
                                 [&read, handler](error_code e, std::size_t n) mutable {
                                   read = n;
                                   handler(e);
                                 });
      });
      dropped += read;
    }
    socket.close(ec);
  }

  HttpListenerState& state_;
  const HttpListenerOptions& options_;
  net::io_context& io_;
  Stream stream_;
  beast::flat_buffer buffer_;  // bounded: a whole header, and a read's worth more
  bool idle_ = false;          // waiting for a request; only this connection's thread touches it
  bool unread_ = false;        // the client may have sent bytes that were never read
};

}  // namespace

void ServeHttpConnection(HttpListenerState& state, int fd, ssl::context* tls) {
  net::io_context io(1);
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  tcp::socket socket(io);
  error_code ec;
  socket.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
  if (ec) {
    ::close(fd);
    return log::Warn("cannot serve a connection: {}", ec.message());
  }
  // Small JSON answers must leave at once, not wait for the client's delayed ACK (Nagle).
  socket.set_option(tcp::no_delay(true), ec);
  beast::tcp_stream tcp_stream(std::move(socket));
  if (tls != nullptr) {
    Connection<TlsStream>(state, io, TlsStream(std::move(tcp_stream), *tls)).Run();
  } else {
    Connection<PlainStream>(state, io, std::move(tcp_stream)).Run();
  }
}

}  // namespace mcpgw::proxy
