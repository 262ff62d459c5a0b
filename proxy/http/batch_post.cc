// McpEndpoint::PostBatch: a POST whose body is a JSON-RPC batch, from a client on 2025-03-26
// (README "Batches").

#include "protocol/log.h"
#include "protocol/rpc_errors.h"
#include "protocol/sse_writer.h"
#include "protocol/version.h"
#include "proxy/http/mcp_endpoint.h"
#include "proxy/http/reply.h"
#include "proxy/routing/methods.h"

#include <optional>
#include <string>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Message;

Message InvalidEntry(const protocol::Json& id, std::string why) {
  return protocol::MakeError(
      id, protocol::ToRpcError({protocol::StatusCode::kInvalidMessage, std::move(why)}));
}

// A request of the batch that went to the session: its slot in the answer, its id, and the
// stream its answer (and the notifications before it) arrive on.
struct Waiting {
  std::size_t slot;
  std::string id;
  HttpSession::Reader pending;
};

bool IsInitialize(const Message& request) {
  const RequestMethod* method = FindMethod(request.method);
  return method != nullptr && method->handler == MethodHandler::kInitialize;
}

}  // namespace

void McpEndpoint::PostBatch(const httplib::Request& req, protocol::Frame frame,
                            httplib::Response& res) {
  std::shared_ptr<HttpSession> session = FindSession(req, res);
  if (!session) return;
  // Negotiated here, or (a session initialized on another replica) as its signed id says.
  std::string revision = session->session().negotiated_revision();
  if (revision.empty()) revision = session->claims().version;
  if (!protocol::AcceptsBatches(revision)) {
    res.status = 400;
    return res.set_content(
        protocol::Serialize(protocol::ReplyToUnreadableFrame(
            {protocol::StatusCode::kInvalidMessage,
             "JSON-RPC batches are accepted only from clients on 2025-03-26, not " + revision})),
        "application/json");
  }
  std::vector<std::optional<Message>> answers;  // by slot: one per request or unreadable entry
  std::vector<Waiting> waiting;
  for (auto& entry : frame.entries) {
    if (!entry.ok()) {
      answers.push_back(protocol::ReplyToUnreadableFrame(entry.status()));
    } else if (entry->is_notification()) {
      Notify(*session, *entry);
    } else if (!entry->is_request()) {
      session->session().HandleResponse(*entry);
    } else if (IsInitialize(*entry)) {
      answers.push_back(InvalidEntry(entry->id, "initialize must not be part of a batch"));
    } else {
      const std::string id = entry->id.dump();
      HttpSession::Reader pending = session->AddPending(id);
      if (!pending.stream) {
        answers.push_back(InvalidEntry(entry->id, "request id " + id + " is already in use"));
        continue;
      }
      waiting.push_back({answers.size(), id, pending});
      answers.emplace_back();
      // The batch is answered at the end, so a server's request for one of its calls goes to
      // the session's GET stream, where the client can answer it meanwhile.
      session->session().HandleRequest(
          std::move(entry).value(), [stream = pending.stream, session](const Message& m) {
            if (m.is_request()) return session->Notify(m);
            stream->Push(m);
          });
    }
  }
  if (answers.empty()) {
    res.status = 202;  // only notifications and responses
    return;
  }
  std::shared_ptr<void> token = in_flight_.Enter();
  std::shared_ptr<void> use = sessions_.Use(session);
  // One request at a time: the others' messages wait in their queues meanwhile. A queue that
  // closes without an answer is a request the client cancelled (or the session ended).
  std::vector<Message> before;  // notifications for the requests, sent ahead of the answers
  for (const Waiting& request : waiting) {
    const HttpSession::Reader& pending = request.pending;
    for (std::uint64_t after = 0;;) {
      EventStream::Read next = pending.stream->Next(pending.reader, after, keepalive_);
      if (next.kind == EventStream::Read::Kind::kIdle) continue;
      if (next.kind != EventStream::Read::Kind::kEvent) break;
      after = next.seq;
      if (!next.message.is_response()) {
        before.push_back(std::move(next.message));
        continue;
      }
      answers[request.slot] = std::move(next.message);
      break;
    }
    session->Forget(request.id, pending.stream);
  }
  std::string body;
  if (before.empty()) {
    for (const std::optional<Message>& answer : answers) {
      if (answer) body += (body.empty() ? "[" : ",") + protocol::Serialize(*answer);
    }
    if (body.empty()) {
      res.status = 204;  // every request was cancelled: nobody is waiting
      return;
    }
    res.status = 200;
    return res.set_content(body + "]", "application/json");
  }
  for (const Message& message : before) {
    body += protocol::FormatSseEvent("message", protocol::Serialize(message));
  }
  for (const std::optional<Message>& answer : answers) {
    if (answer) body += protocol::FormatSseEvent("message", protocol::Serialize(*answer));
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_content(body, "text/event-stream");
}

}  // namespace mcpgw::proxy
