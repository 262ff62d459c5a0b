#include "proxy/http/mcp_endpoint.h"

#include "protocol/json_field.h"
#include "protocol/era.h"
#include "protocol/log.h"
#include "protocol/sse_writer.h"
#include "protocol/version.h"
#include "proxy/http/auth.h"
#include "proxy/http/reply.h"
#include "protocol/rpc_errors.h"

namespace mcpgw::proxy {
namespace {

using protocol::Message;

constexpr const char* kSessionHeader = "Mcp-Session-Id";
// The revision that brought priming events (SSE polling), and the reconnection delay they ask for.
constexpr std::string_view kFirstPrimedRevision = "2025-11-25";
constexpr long kRetryMs = 1000;

// Whether a request's MCP-Protocol-Version names a modern revision (ModernPost checks it).
bool ModernHeader(const httplib::Request& req) {
  return protocol::IsModernRevision(req.get_header_value("MCP-Protocol-Version"));
}

// The legacy revision check; a modern revision is ModernPost's to check.
HttpCheck CheckLegacyVersion(const httplib::Request& req) {
  if (ModernHeader(req)) return std::nullopt;
  return CheckProtocolVersion(req.get_header_value("MCP-Protocol-Version"));
}

// The message (or batch) a POST carries, or the 400 that says why there is none.
std::optional<protocol::Frame> ReadFrame(const httplib::Request& req, httplib::Response& res,
                                         std::size_t max_json_depth) {
  for (const HttpCheck& check :
       {CheckPostAccept(req.get_header_value("Accept")),
        CheckContentType(req.get_header_value("Content-Type")), CheckLegacyVersion(req)}) {
    if (check) {
      SendRefusal(res, *check);
      return std::nullopt;
    }
  }
  protocol::Result<protocol::Frame> frame = protocol::ParseFrame(req.body, max_json_depth);
  protocol::Status failed = !frame.ok()    ? frame.status()
                            : frame->batch ? protocol::Status::Ok()
                                           : frame->entries.front().status();
  if (failed.ok()) return std::move(frame).value();
  res.status = 400;
  res.set_content(protocol::Serialize(protocol::ReplyToUnreadableFrame(failed)),
                  "application/json");
  return std::nullopt;
}

// The error for a request whose id another unanswered request of its session already has.
Message AlreadyInUse(const protocol::Json& id) {
  return protocol::MakeError(id, protocol::ToRpcError({protocol::StatusCode::kInvalidMessage,
                                             "request id " + id.dump() + " is already in use"}));
}

// The event that opens a stream for a client of 2025-11-25 or later: its id lets the client
// resume before any message came, and retry says how soon. Older revisions get none: their
// clients may take an event with empty data for a broken message.
std::string Priming(std::string_view version, const EventStream& stream) {
  if (version < kFirstPrimedRevision) return {};
  return protocol::FormatSsePrimingEvent(stream.IdOf(0), kRetryMs);
}

// The modern era has no session stream and no session to end.
void RefuseModern(httplib::Response& res) {
  res.set_header("Allow", "POST");
  SendRefusal(res, {405, "Method Not Allowed: the modern era has no GET stream and no session"});
}

}  // namespace

McpEndpoint::McpEndpoint(HttpSessionRegistry& sessions, ModernPost& modern,
                         const SessionTokens& tokens, InFlightTracker& in_flight,
                         const std::vector<policy::KeyEntry>& keys,
                         std::chrono::milliseconds keepalive, std::size_t max_json_depth)
    : sessions_(sessions),
      modern_(modern),
      tokens_(tokens),
      in_flight_(in_flight),
      keys_(keys),
      keepalive_(keepalive),
      max_json_depth_(max_json_depth) {}

std::shared_ptr<HttpSession> McpEndpoint::FindSession(const httplib::Request& req,
                                                      httplib::Response& res) {
  std::optional<policy::Principal> principal = AuthenticateRequest(req, keys_, res);
  if (!principal) return nullptr;
  if (!req.has_header(kSessionHeader)) {
    SendRefusal(res, {400, "Bad Request: Mcp-Session-Id header is required"});
    return nullptr;
  }
  protocol::Result<SessionClaims> claims = tokens_.Verify(req.get_header_value(kSessionHeader));
  std::shared_ptr<HttpSession> session;
  // A session answers only the principal it was issued to: another key cannot take it over.
  if (claims.ok() && claims->principal == PrincipalName(*principal)) {
    session = sessions_.Attach(*claims, *std::move(principal));
  }
  if (!session) SendRefusal(res, {404, "Session not found"});
  return session;
}

void McpEndpoint::Post(const httplib::Request& req, httplib::Response& res) {
  std::optional<protocol::Frame> frame = ReadFrame(req, res, max_json_depth_);
  if (!frame) return;
  if (frame->batch) return PostBatch(req, std::move(*frame), res);
  std::optional<Message> message = std::move(frame->entries.front()).value();
  if (ModernPost::Claims(req, *message)) return modern_.Post(req, std::move(*message), res);
  if (message->is_request() && message->method == "initialize") {
    std::optional<policy::Principal> principal = AuthenticateRequest(req, keys_, res);
    if (!principal) return;
    return Initialize(std::move(*message), *std::move(principal), res);
  }
  std::shared_ptr<HttpSession> session = FindSession(req, res);
  if (!session) return;
  if (message->is_request()) return Answer(session, std::move(*message), Version(req), res);
  if (message->is_notification()) {
    Notify(*session, *message);
  } else {
    session->session().HandleResponse(*message);
  }
  res.status = 202;
}

void McpEndpoint::Notify(HttpSession& session, const Message& notification) {
  if (notification.method == "notifications/cancelled" && notification.params.is_object() &&
      notification.params.contains("requestId")) {
    session.CancelPending(notification.params["requestId"].dump());
  }
  session.session().HandleNotification(notification);
}

void McpEndpoint::Initialize(Message request, policy::Principal principal,
                             httplib::Response& res) {
  std::shared_ptr<HttpSession> session = sessions_.Create(std::move(principal));
  SessionClaims claims = session->claims();
  auto reply = std::make_shared<MessageQueue>();
  session->session().HandleRequest(std::move(request),
                                   [reply](const Message& m) { reply->Push(m); });
  std::optional<Message> answer = reply->Pop(std::chrono::milliseconds(0));  // answered inline
  if (!answer) return SendRefusal(res, {500, "initialize gave no answer"});
  claims.version =
      protocol::StringOr(answer->result, "protocolVersion",
                         std::string(protocol::kLatestSessionRevision));
  res.set_header(kSessionHeader, tokens_.Issue(claims));
  log::Info("HTTP session {} initialized ({})", claims.sid, claims.version);
  SendMessage(res, *answer);
}

// The negotiated revision, from the session id's claims (verified before: a cache hit). The
// HttpSession's own claims may predate the negotiation.
std::string McpEndpoint::Version(const httplib::Request& req) const {
  protocol::Result<SessionClaims> claims = tokens_.Verify(req.get_header_value(kSessionHeader));
  return claims.ok() ? claims->version : std::string();
}

void McpEndpoint::Answer(const std::shared_ptr<HttpSession>& session, Message request,
                         const std::string& version, httplib::Response& res) {
  const std::string id = request.id.dump();
  HttpSession::Reader pending = session->AddPending(id);
  // A duplicate is refused before anything else: the first request's POST keeps its stream.
  if (!pending.stream) return SendMessage(res, AlreadyInUse(request.id));
  std::shared_ptr<EventStream> stream = pending.stream;
  std::shared_ptr<void> token = in_flight_.Enter();
  std::shared_ptr<void> use = sessions_.Use(session);
  // The sink keeps the session alive until the upstream has answered; the answer frees the id
  // even when the client has gone (it may still resume the stream).
  session->session().HandleRequest(std::move(request), [stream, session, id](const Message& m) {
    stream->Push(m);
    if (m.is_response()) session->Forget(id, stream);
  });
  // A client on a revision with priming events gets every answer as a stream it may resume,
  // opened at once with a priming event, as the official SDK servers answer. An older one gets
  // JSON when the answer comes first, and a stream when notifications for the request do.
  if (version < kFirstPrimedRevision) {
    EventStream::Read first = stream->Next(pending.reader, 0, keepalive_);
    while (first.kind == EventStream::Read::Kind::kIdle) {
      first = stream->Next(pending.reader, 0, keepalive_);
    }
    if (first.kind != EventStream::Read::Kind::kEvent) {
      session->Forget(id, stream);
      res.status = 204;  // cancelled by the client, or the session ended: nobody is waiting
      return;
    }
    if (first.message.is_response()) {
      session->Forget(id, stream);
      return SendMessage(res, first.message, std::move(first.data));
    }
  }
  session->KeepForResume(stream);
  EventStreamOptions options;
  options.reader = pending.reader;
  options.prelude = Priming(version, *stream);
  options.keepalive = keepalive_;
  options.hold = token;
  options.on_end = [session, id, pending, use]() mutable {
    pending.stream->Detach(pending.reader);
    if (pending.stream->finished()) session->Forget(id, pending.stream);
    use.reset();
  };
  StreamEvents(res, stream, std::move(options));
}

void McpEndpoint::Get(const httplib::Request& req, httplib::Response& res) {
  if (ModernHeader(req)) return RefuseModern(res);
  for (const HttpCheck& check :
       {CheckStreamAccept(req.get_header_value("Accept")),
        CheckProtocolVersion(req.get_header_value("MCP-Protocol-Version"))}) {
    if (check) return SendRefusal(res, *check);
  }
  std::shared_ptr<HttpSession> session = FindSession(req, res);
  if (!session) return;
  EventStreamOptions options;
  options.keepalive = keepalive_;
  HttpSession::Reader reader;
  HttpSession::Resume resume = HttpSession::Resume::kUnknown;
  if (req.has_header("Last-Event-ID")) {
    resume = session->ResumeStream(req.get_header_value("Last-Event-ID"), reader, options.after);
    if (resume == HttpSession::Resume::kForeign) {
      return SendRefusal(res, {404, "Not Found: Last-Event-ID names no stream of this session"});
    }
  }
  // A stream this replica does not hold is not replayed: the request opens the GET stream.
  if (resume != HttpSession::Resume::kFound) {
    reader = session->OpenStream();
    if (!reader.stream) {
      return SendRefusal(res, {409, "Conflict: this session already has a GET stream"});
    }
    options.prelude = Priming(Version(req), *reader.stream);
  }
  options.reader = reader.reader;
  options.on_end = [session, reader, use = sessions_.Use(session)]() mutable {
    session->StreamEnded(reader);
    use.reset();
  };
  StreamEvents(res, reader.stream, std::move(options));
}

void McpEndpoint::Delete(const httplib::Request& req, httplib::Response& res) {
  if (ModernHeader(req)) return RefuseModern(res);
  HttpCheck version = CheckProtocolVersion(req.get_header_value("MCP-Protocol-Version"));
  if (version) return SendRefusal(res, *version);
  std::shared_ptr<HttpSession> session = FindSession(req, res);
  if (!session) return;
  sessions_.End(session->claims());
  log::Info("HTTP session {} ended by the client", session->claims().sid);
  res.status = 200;
}

}  // namespace mcpgw::proxy
