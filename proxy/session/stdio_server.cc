#include "proxy/session/stdio_server.h"

#include "protocol/era.h"
#include "protocol/json_field.h"
#include "protocol/log.h"
#include "protocol/rpc_errors.h"
#include "protocol/version.h"
#include "proxy/session/batch_reply.h"
#include "proxy/session/session.h"
#include "proxy/session/worker_pool.h"

namespace mcpgw::proxy {
namespace {

bool IsInitialize(const protocol::Message& request) {
  const RequestMethod* method = FindMethod(request.method);
  return method != nullptr && method->handler == MethodHandler::kInitialize;
}

}  // namespace

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
  OpenBatches batches;
  Serving serving{session, workers, batches, to_client};
  while (true) {
    protocol::Result<protocol::Frame> received = transport_.ReceiveFrame();
    if (!received.ok()) {
      if (received.status().code() == protocol::StatusCode::kClosed) break;
      ReplyUnreadable(received.status());
      continue;
    }
    protocol::Frame& frame = received.value();
    if (start_upstreams_) StartUpstreamsFor(frame);
    if (frame.batch) {
      ServeBatch(serving, frame);
    } else if (!frame.entries.front().ok()) {
      ReplyUnreadable(frame.entries.front().status());
    } else {
      Handle(serving, std::move(frame.entries.front()).value(), to_client);
    }
  }
  log::Info("input ended; answering the requests already read, then shutting down");
  services_.notifications.EndListeners();
  workers.Shutdown();  // the queued requests are dispatched first
  const std::chrono::milliseconds drain_timeout = settings_.drain_timeout;
  if (!session.WaitForIdle(std::chrono::steady_clock::now() + drain_timeout)) {
    log::Warn("calls still waiting after {} ms fail now", drain_timeout.count());
  }
  upstreams_.Stop();  // fails the calls still waiting
}

// A legacy client declares its capabilities in initialize, a modern one in every request's _meta.
void StdioServer::StartUpstreamsFor(const protocol::Frame& frame) {
  const protocol::Result<protocol::Message>& first = frame.entries.front();
  const protocol::Json* declared = nullptr;
  if (!frame.batch && first.ok() && first->is_request()) {
    if (IsInitialize(*first)) {
      declared = protocol::FindMember(first->params, "capabilities");
    } else if (protocol::DeclaredVersion(first->params)) {
      declared = protocol::FindMember(first->params["_meta"], protocol::kMetaClientCapabilities);
    }
  }
  const bool usable = declared != nullptr && declared->is_object();
  std::exchange(start_upstreams_, nullptr)(usable ? *declared : protocol::Json::object());
}

void StdioServer::ReplyUnreadable(const protocol::Status& status) {
  log::Warn("unreadable message from the client: {}", status.message());
  (void)transport_.Send(protocol::ReplyToUnreadableFrame(status));
}

void StdioServer::Handle(Serving& serving, protocol::Message message, ClientSink reply_sink) {
  Session& session = serving.session;
  if (message.is_request() && upstreams_.StartupSettled()) {
    // Nothing in a request's dispatch waits once start-up has settled (a forwarded call
    // returns as soon as it is written upstream), so it runs right here: one thread switch
    // less on every call.
    session.HandleRequest(std::move(message), std::move(reply_sink));
  } else if (message.is_request()) {
    // A list request may wait for upstreams still starting; meanwhile the loop reads on.
    serving.workers.Submit(
        [&session, sink = std::move(reply_sink), request = std::move(message)]() mutable {
          session.HandleRequest(std::move(request), sink);
        });
  } else if (message.is_notification()) {
    if (message.method == "notifications/cancelled") serving.batches.Cancelled(message);
    session.HandleNotification(message);
  } else {
    session.HandleResponse(message);
  }
}

void StdioServer::ServeBatch(Serving& serving, protocol::Frame& frame) {
  const std::string revision = serving.session.negotiated_revision();
  if (!protocol::AcceptsBatches(revision)) {
    return ReplyUnreadable({protocol::StatusCode::kInvalidMessage,
                            "JSON-RPC batches are accepted only from clients on 2025-03-26" +
                                (revision.empty() ? std::string(" (send initialize alone first)")
                                                  : ", not " + revision)});
  }
  // One slot per entry that gets an answer: each request, and each entry that could not be read.
  std::size_t slots = 0;
  for (const auto& entry : frame.entries) slots += !entry.ok() || entry->is_request() ? 1 : 0;
  auto reply = std::make_shared<BatchReply>(slots, [this](std::string array) {
    if (!transport_.SendLine(array).ok()) log::Debug("client gone; dropped a batch answer");
  });
  serving.batches.Add(reply);
  std::size_t slot = 0;
  for (auto& entry : frame.entries) {
    if (!entry.ok()) {
      log::Warn("unreadable message in a batch from the client: {}", entry.status().message());
      reply->Answer(slot++, protocol::ReplyToUnreadableFrame(entry.status()));
    } else if (entry->is_request() && IsInitialize(*entry)) {
      reply->Answer(slot++, protocol::MakeError(entry->id,
                                                protocol::ToRpcError(
                                                    {protocol::StatusCode::kInvalidMessage,
                                                     "initialize must not be part of a batch"})));
    } else if (entry->is_request()) {
      ClientSink sink = reply->SinkFor(slot++, entry->id, serving.to_client);
      Handle(serving, std::move(entry).value(), std::move(sink));
    } else {
      Handle(serving, std::move(entry).value(), serving.to_client);
    }
  }
}

}  // namespace mcpgw::proxy
