#include "proxy/http_server.h"

#include "protocol/log.h"
#include "proxy/http_body_limit.h"
#include "proxy/http_metrics.h"
#include "proxy/http_reply.h"
#include "proxy/http_routes.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <limits>
#include <thread>

namespace mcpgw::proxy {
namespace {

using protocol::Status;
using protocol::StatusCode;

// The host to bind and the port, from HOST:PORT ([v6]:PORT); port -1 when unreadable.
std::pair<std::string, int> SplitListen(const std::string& listen) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return {listen, -1};
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = -1;
  std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port);
  return {host, port};
}

std::string HostForUrl(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

// The HTTP workers. cpp-httplib gives each open connection a thread for as long as it stays open
// (keep-alive included), and each SSE stream holds one too, so this bounds the connections served
// at once; an idle thread costs little more than the touched part of its stack.
constexpr std::size_t kHttpThreads = 256;

}  // namespace

HttpServer::HttpServer(Gateway& gateway, std::string session_secret, Registry* registry)
    : gateway_(gateway),
      settings_(gateway.config().gateway),
      tokens_(std::move(session_secret)),
      origins_(SplitListen(settings_.listen).first, settings_.allowed_origins,
               settings_.allowed_hosts),
      sessions_(gateway),
      endpoint_(sessions_, tokens_, in_flight_, gateway.config().keys, settings_.sse_keepalive),
      legacy_(gateway, in_flight_, settings_.sse_keepalive) {
  if (registry != nullptr) admin_.emplace(gateway, *registry, SplitListen(settings_.listen).first);
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");  // start-up
}

HttpServer::~HttpServer() {
  close(stop_pipe_[0]);
  close(stop_pipe_[1]);
}

void HttpServer::Stop() {
  char byte = 's';
  (void)!write(stop_pipe_[1], &byte, 1);
}

Status HttpServer::Create() {
  if (settings_.tls_cert.empty()) {
    server_ = std::make_unique<httplib::Server>();
    return Status::Ok();
  }
  server_ =
      std::make_unique<httplib::SSLServer>(settings_.tls_cert.c_str(), settings_.tls_key.c_str());
  if (server_->is_valid()) return Status::Ok();
  return Status(
      StatusCode::kInvalidArgument,
      "cannot load the TLS certificate " + settings_.tls_cert + " and key " + settings_.tls_key);
}

void HttpServer::Configure() {
  server_->new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
  server_->set_payload_max_length(settings_.max_message_bytes);
  // Small JSON answers must leave at once, not wait for the client's delayed ACK (Nagle).
  server_->set_tcp_nodelay(true);
  // A client keeps its connection for as many requests as it likes (cpp-httplib's default is 5,
  // after which every client reconnects).
  server_->set_keep_alive_max_count(std::numeric_limits<std::size_t>::max());
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return Admit(req, res) ? httplib::Server::HandlerResponse::Unhandled
                           : httplib::Server::HandlerResponse::Handled;
  });
  server_->set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    ApplyCloseAfter(res);
    CountHttpBytes(gateway_.metrics(), req, res);
  });
  server_->set_error_handler(
      [](const httplib::Request&, httplib::Response& res) { FillErrorBody(res); });
  server_->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          log::Error("{} {} failed: {}", req.method, req.path, e.what());
        } catch (...) {
          log::Error("{} {} failed", req.method, req.path);
        }
        res.status = 500;
        res.set_content(
            protocol::Serialize(protocol::MakeError(
                nullptr, {protocol::error_code::kInternalError, "Internal error", nullptr})),
            "application/json");
      });
}

// Runs once the headers are read, before any body byte: the framing checks, then Guard. A
// refused request's body is never read, nor one httplib leaves unread, so the connection ends
// with the response.
bool HttpServer::Admit(const httplib::Request& req, httplib::Response& res) const {
  HttpCheck check = CheckFraming(req, settings_.max_message_bytes);
  if (check) SendRefusal(res, *check);
  bool admitted = !check && Guard(req, res);
  if (admitted ? BodyLeftUnread(req) : DeclaresBody(req)) CloseAfter(res);
  return admitted;
}

// Origin and Host are checked on the MCP paths; the health endpoints answer load balancers.
bool HttpServer::Guard(const httplib::Request& req, httplib::Response& res) const {
  if (req.path == "/healthz" || req.path == "/readyz") return true;
  HttpCheck check = origins_.CheckHost(req.get_header_value("Host"));
  if (!check) check = origins_.CheckOrigin(req.get_header_value("Origin"));
  if (check) SendRefusal(res, *check);
  return !check;
}

void HttpServer::Route() {
  using httplib::Request;
  using httplib::Response;
  HttpRoutes routes;
  routes.Post("/mcp", [this](const Request& req, Response& res) { endpoint_.Post(req, res); });
  routes.Get("/mcp", [this](const Request& req, Response& res) { endpoint_.Get(req, res); });
  routes.Delete("/mcp", [this](const Request& req, Response& res) { endpoint_.Delete(req, res); });
  routes.Get("/sse", [this](const Request& req, Response& res) { legacy_.Open(req, res); });
  routes.Post("/messages", [this](const Request& req, Response& res) { legacy_.Post(req, res); });
  routes.Get("/healthz", [](const Request&, Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  routes.Get("/readyz", [this](const Request&, Response& res) { Ready(res); });
  if (admin_) admin_->Route(routes);
  routes.Get("/metrics",
             [this](const Request& req, Response& res) { ServeMetrics(gateway_, req, res); });
  Install(routes);
}

// Every route that may carry a body reads it through ReadBodyThen, and so do the methods with a
// body on every other path (404), since httplib would read those whole.
void HttpServer::Install(const HttpRoutes& routes) {
  const std::size_t limit = settings_.max_message_bytes;
  for (const HttpRoutes::Route& route : routes.routes()) {
    if (route.method == "GET") server_->Get(route.pattern, route.handler);
    if (route.method == "POST") server_->Post(route.pattern, ReadBodyThen(limit, route.handler));
    if (route.method == "PUT") server_->Put(route.pattern, ReadBodyThen(limit, route.handler));
    if (route.method == "DELETE") {
      server_->Delete(route.pattern, ReadBodyThen(limit, route.handler));
    }
  }
  auto unrouted = [](const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader&) {
    res.status = 404;
    if (DeclaresBody(req)) CloseAfter(res);
  };
  server_->Post(".*", unrouted).Put(".*", unrouted).Patch(".*", unrouted).Delete(".*", unrouted);
}

// 200 when every enabled upstream is connected (503 otherwise, and while draining), with each
// upstream's state.
void HttpServer::Ready(httplib::Response& res) const {
  protocol::Json upstreams = protocol::Json::object();
  bool ready = !draining_;
  for (const auto& upstream : gateway_.Upstreams()) {
    upstream::State state = upstream->state();
    upstreams[upstream->name()] = upstream::StateName(state);
    ready = ready && state == upstream::State::kReady;
  }
  const char* status = draining_ ? "draining" : ready ? "ready" : "not ready";
  res.status = ready ? 200 : 503;
  res.set_content(protocol::Json{{"status", status}, {"upstreams", upstreams}}.dump(),
                  "application/json");
}

Status HttpServer::Run(const std::string& listen) {
  if (Status created = Create(); !created.ok()) return created;
  Configure();
  Route();
  auto [host, port] = SplitListen(listen);
  int bound = port == 0                           ? server_->bind_to_any_port(host)
              : server_->bind_to_port(host, port) ? port
                                                  : -1;
  if (port < 0 || bound <= 0) {
    return Status(StatusCode::kUnavailable, "cannot listen on " + listen);
  }
  log::Info("listening on {}://{}:{}/mcp", settings_.tls_cert.empty() ? "http" : "https",
            HostForUrl(host), bound);
  std::thread drainer([this] { WaitAndDrain(); });
  server_->listen_after_bind();  // returns once stopped and every worker has finished
  Stop();                        // wakes the drainer if listening ended on its own
  drainer.join();
  gateway_.Stop();
  log::Info("HTTP server stopped");
  return Status::Ok();
}

void HttpServer::WaitAndDrain() {
  char byte;
  while (read(stop_pipe_[0], &byte, 1) < 0 && errno == EINTR) {
  }
  draining_ = true;
  log::Info("draining: no new connections; waiting up to {} ms for calls in flight",
            settings_.drain_timeout.count());
  server_->stop();
  sessions_.CloseStreams();
  if (!in_flight_.WaitForIdle(std::chrono::steady_clock::now() + settings_.drain_timeout)) {
    log::Warn("calls still waiting after {} ms fail now", settings_.drain_timeout.count());
  }
  legacy_.CloseAll();
  gateway_.Stop();  // fails the calls still waiting, so their handlers can finish
}

}  // namespace mcpgw::proxy
