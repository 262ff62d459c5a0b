#include "proxy/session/stdio_server.h"

#include "protocol/json_field.h"
#include "protocol/log.h"
#include "proxy/session/session.h"
#include "proxy/session/worker_pool.h"

namespace mcpgw::proxy {

StdioServer::StdioServer(const GatewaySettings& settings, const SessionServices& services,
                         upstream::UpstreamSet& upstreams, int in_fd, int out_fd,
                         policy::Principal principal, StartUpstreams start)
    : settings_(settings),
      services_(services),
      upstreams_(upstreams),
      principal_(std::move(principal)),
      start_upstreams_(std::move(start)),
      transport_(in_fd, out_fd, settings.max_message_bytes,
                 protocol::LineTransport::Ownership::kBorrowed, settings.max_json_depth) {}

void StdioServer::Run() {
  ClientSink to_client = [this](const protocol::Message& message) {
    if (!transport_.Send(message).ok()) log::Debug("client gone; dropped {}", message.method);
  };
  Session session(services_, to_client, principal_);
  WorkerPool workers(settings_.workers);
  while (true) {
    protocol::Result<protocol::Message> received = transport_.Receive();
    if (!received.ok()) {
      if (received.status().code() == protocol::StatusCode::kClosed) break;
      log::Warn("unreadable message from the client: {}", received.status().message());
      (void)transport_.Send(protocol::ReplyToUnreadableFrame(received.status()));
      continue;
    }
    protocol::Message& message = received.value();
    if (start_upstreams_) {
      const bool initialize = message.is_request() && message.method == "initialize";
      const protocol::Json* declared =
          initialize ? protocol::FindMember(message.params, "capabilities") : nullptr;
      std::exchange(start_upstreams_, nullptr)(declared ? *declared : protocol::Json::object());
    }
    if (message.is_request() && upstreams_.StartupSettled()) {
      // Nothing in a request's dispatch waits once start-up has settled (a forwarded call
      // returns as soon as it is written upstream), so it runs right here: one thread switch
      // less on every call.
      session.HandleRequest(std::move(message), to_client);
    } else if (message.is_request()) {
      // A list request may wait for upstreams still starting; meanwhile the loop reads on.
      workers.Submit([&session, &to_client, request = std::move(message)]() mutable {
        session.HandleRequest(std::move(request), to_client);
      });
    } else if (message.is_notification()) {
      session.HandleNotification(message);
    } else {
      session.HandleResponse(message);
    }
  }
  log::Info("input ended; answering the requests already read, then shutting down");
  workers.Shutdown();  // the queued requests are dispatched first
  const std::chrono::milliseconds drain_timeout = settings_.drain_timeout;
  if (!session.WaitForIdle(std::chrono::steady_clock::now() + drain_timeout)) {
    log::Warn("calls still waiting after {} ms fail now", drain_timeout.count());
  }
  upstreams_.Stop();  // fails the calls still waiting
}

}  // namespace mcpgw::proxy
