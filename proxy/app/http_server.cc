#include "proxy/app/http_server.h"

#include "protocol/log.h"
#include "proxy/http/cors.h"
#include "proxy/http/framing.h"
#include "proxy/http/metrics_page.h"
#include "proxy/http/reply.h"
#include "proxy/http/routes.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
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

// The HTTP workers. The listener gives each open connection a thread for as long as it stays
// open (keep-alive included), and each SSE stream holds one too, so this bounds the connections
// served at once; an idle thread costs little more than the touched part of its stack.
constexpr std::size_t kHttpThreads = 256;

HttpListenerOptions ListenerOptions(const GatewaySettings& settings) {
  HttpListenerOptions options;
  options.limits = {settings.http_max_header_bytes, settings.http_max_headers,
                    settings.max_message_bytes};
  options.header_timeout = settings.http_header_timeout;
  options.body_timeout = settings.http_body_timeout;
  options.threads = kHttpThreads;
  options.tls_cert = settings.tls_cert;
  options.tls_key = settings.tls_key;
  return options;
}

// How long, at the end of a drain, the failed calls' answers get to reach their POSTs.
constexpr std::chrono::milliseconds kReleaseGrace{1000};

// A handler's exception is logged and answered with 500 and a JSON-RPC internal error.
void SendInternalError(const httplib::Request& req, httplib::Response& res,
                       std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::Error("{} {} failed: {}", req.method, req.path, e.what());
  } catch (...) {
    log::Error("{} {} failed", req.method, req.path);
  }
  res.status = 500;
  res.set_content(protocol::Serialize(protocol::MakeError(
                      nullptr, {protocol::error_code::kInternalError, "Internal error", nullptr})),
                  "application/json");
}

}  // namespace

HttpServer::HttpServer(Gateway& gateway, std::string session_secret, Registry* registry)
    : gateway_(gateway),
      settings_(gateway.config().gateway),
      tokens_(std::move(session_secret)),
      origins_(SplitListen(settings_.listen).first, settings_.allowed_origins,
               settings_.allowed_hosts),
      sessions_(gateway.session_services(), settings_),
      modern_(gateway.session_services(), in_flight_, gateway.config().keys,
              settings_.sse_keepalive),
      endpoint_(sessions_, modern_, tokens_, in_flight_, gateway.config().keys,
                settings_.sse_keepalive,
                settings_.max_json_depth),
      legacy_(gateway.session_services(), gateway.config().keys, in_flight_,
              settings_.sse_keepalive, settings_.max_json_depth),
      listener_(*this, ListenerOptions(settings_)) {
  if (registry != nullptr) {
    admin_.emplace(gateway.config(), gateway.upstreams(), gateway.catalog(), *registry,
                   SplitListen(settings_.listen).first);
  }
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

// Once the headers are read, before any body byte: the framing checks, Guard, and that a route
// takes the request (404 otherwise: no body is read for a path nobody serves).
bool HttpServer::Admit(httplib::Request& req, httplib::Response& res) {
  if (HttpCheck check = CheckFraming(req)) {
    SendRefusal(res, *check);
    return false;
  }
  if (!Guard(req, res)) return false;
  if (routes_.Find(req) != nullptr) return true;
  res.status = 404;
  return false;
}

void HttpServer::Handle(httplib::Request& req, httplib::Response& res) {
  const HttpRoutes::Route* route = routes_.Find(req);
  if (route == nullptr) {  // Admit has refused such a request already
    res.status = 404;
    return;
  }
  try {
    route->handler(req, res);
  } catch (...) {
    SendInternalError(req, res, std::current_exception());
  }
  if (res.status == -1) res.status = 200;
}

void HttpServer::Complete(const httplib::Request& req, httplib::Response& res) {
  if (res.status >= 400) FillErrorBody(res);
  CountHttpBytes(gateway_.metrics(), req, res);
}

// Host on every path (a rebinding page must not read /readyz either), then Origin: the admin API
// takes only the configured allowed_origins. A request that passes from an allowed Origin gets
// the CORS headers that let its page read the answer.
bool HttpServer::Guard(const httplib::Request& req, httplib::Response& res) const {
  HttpCheck check = origins_.CheckHost(req.get_header_value("Host"), req.version);
  std::string origin = req.get_header_value("Origin");
  bool admin = req.path == "/admin" || req.path.starts_with("/admin/");
  if (!check) check = admin ? origins_.CheckAdminOrigin(origin) : origins_.CheckOrigin(origin);
  if (check) {
    SendRefusal(res, *check);
    return false;
  }
  AllowOrigin(req, res);
  return true;
}

void HttpServer::Route() {
  using httplib::Request;
  using httplib::Response;
  routes_.Post("/mcp", [this](const Request& req, Response& res) { endpoint_.Post(req, res); });
  routes_.Get("/mcp", [this](const Request& req, Response& res) { endpoint_.Get(req, res); });
  routes_.Delete("/mcp", [this](const Request& req, Response& res) { endpoint_.Delete(req, res); });
  routes_.Get("/sse", [this](const Request& req, Response& res) { legacy_.Open(req, res); });
  routes_.Post("/messages", [this](const Request& req, Response& res) { legacy_.Post(req, res); });
  routes_.Get("/healthz", [](const Request&, Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  routes_.Get("/readyz", [this](const Request&, Response& res) { Ready(res); });
  if (admin_) admin_->Route(routes_);
  routes_.Get("/metrics", [this](const Request& req, Response& res) {
    ServeMetrics(gateway_.metrics(), gateway_.config().keys, req, res);
  });
  routes_.Options(".*", [](const Request& req, Response& res) { AnswerPreflight(req, res); });
}

// 200 when every enabled upstream is connected (503 otherwise, and while draining), with each
// upstream's state.
void HttpServer::Ready(httplib::Response& res) const {
  protocol::Json upstreams = protocol::Json::object();
  bool ready = !draining_;
  for (const auto& upstream : gateway_.upstreams().Running()) {
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
  Route();
  auto [host, port] = SplitListen(listen);
  if (port < 0) return Status(StatusCode::kUnavailable, "cannot listen on " + listen);
  protocol::Result<int> bound = listener_.Bind(host, port);
  if (!bound.ok()) return bound.status();
  log::Info("listening on {}://{}:{}/mcp", settings_.tls_cert.empty() ? "http" : "https",
            HostForUrl(host), *bound);
  std::thread drainer([this] { WaitAndDrain(); });
  listener_.Serve();  // returns once stopped and every connection has ended
  Stop();             // wakes the drainer if serving ended on its own
  drainer.join();
  gateway_.upstreams().Stop();
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
  listener_.Stop();
  gateway_.session_services().notifications.EndListeners();
  sessions_.CloseStreams();
  if (!in_flight_.WaitForIdle(std::chrono::steady_clock::now() + settings_.drain_timeout)) {
    log::Warn("calls still waiting after {} ms fail now", settings_.drain_timeout.count());
  }
  legacy_.CloseAll();
  gateway_.upstreams().Stop();  // fails the calls still waiting, so their handlers can finish
  // A POST that no answer can reach any more (its call cancelled or lost) is released after a
  // moment for the failures above to be written: a drain always ends.
  if (!in_flight_.WaitForIdle(std::chrono::steady_clock::now() + kReleaseGrace)) {
    log::Warn("releasing the requests still waiting without an answer");
    sessions_.EndAll();
  }
}

}  // namespace mcpgw::proxy
