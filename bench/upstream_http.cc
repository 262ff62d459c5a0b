// The bench upstream over Streamable HTTP, tuned so that it is not the bottleneck at 64
// concurrent keep-alive connections.
#include "bench/upstream_http.h"

#include "protocol/log.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <thread>

namespace mcpgw::bench {
namespace {

// Each keep-alive connection holds a cpp-httplib worker for its whole life.
constexpr std::size_t kThreads = 128;
constexpr std::size_t kKeepAliveMaxCount = 1000000;
constexpr time_t kKeepAliveSeconds = 10;

// HOST and PORT from HOST:PORT ([v6]:PORT); port -1 when unreadable.
std::pair<std::string, int> SplitListen(const std::string& listen) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return {listen, -1};
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = -1;
  auto [end, error] =
      std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port);
  if (error != std::errc() || end != listen.data() + listen.size()) port = -1;
  return {host, port};
}

void Route(httplib::Server& server, const UpstreamReplies& replies) {
  server.Post("/mcp", [&replies](const httplib::Request& req, httplib::Response& res) {
    std::optional<std::string> answer = replies.Answer(req.body);
    if (!answer) {
      res.status = 202;
      return;
    }
    res.set_content(std::move(*answer), "application/json");
  });
  auto refuse = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "POST");
  };
  server.Get("/mcp", refuse);
  server.Delete("/mcp", refuse);
}

// Waits for SIGTERM or SIGINT (blocked in every thread) and stops the server.
void StopOnSignal(httplib::Server& server, sigset_t signals) {
  std::thread([&server, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    server.stop();
  }).detach();
}

}  // namespace

int ServeHttp(const UpstreamReplies& replies, const std::string& listen) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto [host, port] = SplitListen(listen);
  if (port < 0 || port > 65535) {
    log::Error("--http wants HOST:PORT, got {}", listen);
    return 1;
  }
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  server.set_keep_alive_max_count(kKeepAliveMaxCount);
  server.set_keep_alive_timeout(kKeepAliveSeconds);
  server.set_tcp_nodelay(true);
  Route(server, replies);
  if (port == 0) {
    port = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    log::Error("cannot listen on {}", listen);
    return 1;
  }
  std::string url_host = host.find(':') == std::string::npos ? host : "[" + host + "]";
  std::string line = "listening on http://" + url_host + ":" + std::to_string(port) + "/mcp\n";
  fputs(line.c_str(), stderr);
  fflush(stderr);
  StopOnSignal(server, signals);
  server.listen_after_bind();
  return 0;
}

}  // namespace mcpgw::bench
