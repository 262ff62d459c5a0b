#include "upstream/streamable_http_connection.h"

#include "protocol/guard.h"
#include "protocol/log.h"
#include "upstream/modern_envelope.h"
#include "upstream/sse_reconnect.h"

#include <algorithm>

namespace mcpgw::upstream {
namespace {

using protocol::Message;
using protocol::Status;
using protocol::StatusCode;
using std::chrono::milliseconds;

constexpr std::string_view kAcceptPost = "application/json, text/event-stream";
constexpr std::string_view kAcceptStream = "text/event-stream";
constexpr int kMaxStreamFailures = 3;

// A reply may take as long as the call's timeout; RpcClient gives up first.
std::chrono::seconds PostReadTimeout(const ServerConfig& config) {
  return std::chrono::duration_cast<std::chrono::seconds>(config.timeout) + std::chrono::seconds(30);
}

bool IsInitialize(const Message& message) {
  return message.is_request() && message.method == "initialize";
}

}  // namespace

StreamableHttpConnection::StreamableHttpConnection(const ServerConfig& config, Url url,
                                                   std::shared_ptr<InboundQueue> inbound)
    : HttpConnection(config, std::move(url), std::move(inbound), PostReadTimeout(config)) {}

StreamableHttpConnection::~StreamableHttpConnection() { Shutdown(milliseconds(2000)); }

Status StreamableHttpConnection::Send(const Message& message) {
  return SendWithHeaders(message, {});
}

Status StreamableHttpConnection::SendWithHeaders(const Message& message,
                                                 const HeaderList& headers) {
  if (closed_) return Status(StatusCode::kClosed, "connection closed");
  if (IsInitialize(message)) return SendInitialize(message);
  if (message.method == "notifications/cancelled" && message.params.is_object() &&
      AbandonCall(message.params.value("requestId", protocol::Json()))) {
    return Status::Ok();
  }
  if (message.is_request()) {
    PostRequestAsync(message, headers);
    return Status::Ok();
  }
  Posted posted = Post(message, true);
  if (!posted.status.ok()) return posted.status;
  if (!posted.result.ok()) {
    log::Warn("[{}] {} got HTTP {}", config_.name, message.method, posted.result.status);
  } else if (message.method == "notifications/initialized") {
    StartGetStream();
  }
  return Status::Ok();
}

Status StreamableHttpConnection::SendInitialize(const Message& message) {
  {
    std::lock_guard lock(mutex_);
    initialize_ = message;
    session_id_.clear();
    protocol_version_.clear();
  }
  Posted posted = PostOnce(protocol::Serialize(message), [this](std::string_view text) {
    NoteInitializeReply(text);
    inbound_->PushText(text);
  });
  if (!posted.status.ok()) {
    log::Warn("{}", posted.status.message());
    return posted.status;
  }
  int status = posted.result.status;
  if (status == 400 || status == 404 || status == 405) {
    return Status(StatusCode::kNotFound,
                  fmt::format("upstream '{}': initialize got HTTP {}", config_.name, status),
                  {{"server", config_.name}, {"http_status", status}});
  }
  if (!posted.result.ok()) {
    Status failed = UpstreamUnavailable(config_.name, fmt::format("initialize got HTTP {}", status));
    log::Warn("{}", failed.message());  // RpcClient reports only "not connected"
    return failed;
  }
  std::lock_guard lock(mutex_);
  session_id_ = posted.result.session_id;
  return Status::Ok();
}

void StreamableHttpConnection::NoteInitializeReply(std::string_view text) {
  protocol::Result<Message> reply = protocol::ParseMessage(text, config_.max_json_depth);
  if (!reply.ok() || !reply->is_response() || !reply->result.is_object()) return;
  const protocol::Json& version = reply->result["protocolVersion"];
  if (!version.is_string()) return;
  std::lock_guard lock(mutex_);
  protocol_version_ = version.get<std::string>();
}

void StreamableHttpConnection::PostRequestAsync(const Message& message,
                                                const HeaderList& forwarded) {
  const bool modern = !ModernHeaders(message).empty();
  TrackCall(message.id.dump(), modern);
  StartBackground([this, message, forwarded, modern] {
    Posted posted = Post(message, true, forwarded);
    bool abandoned = EndCall(message.id.dump());
    if (posted.answered || (modern && abandoned)) return;  // a modern cancel broke the POST
    if (posted.result.too_large) {
      // Only this request's answer is lost: fail its call now, keep the connection.
      AnswerWithError(message, fmt::format("with a message over {} bytes (gateway.max_message_bytes)",
                                           config_.max_message_bytes));
    } else if (!posted.status.ok() && modern) {
      // No session to lose: only this request failed (a listen stream read past its timeout).
      if (!closed_) AnswerWithError(message, posted.status.message());
    } else if (!posted.status.ok()) {
      if (!closed_) log::Warn("{}; closing the connection", posted.status.message());
      inbound_->Close();
    } else if (!posted.result.ok()) {
      AnswerWithError(message, fmt::format("HTTP {}", posted.result.status));
    } else if (modern && !closed_) {
      AnswerWithError(message, "with a stream that ended before the response");
    }
  });
}

StreamableHttpConnection::Posted StreamableHttpConnection::Post(const Message& message,
                                                                bool may_reinitialize,
                                                                const HeaderList& forwarded) {
  std::string body = protocol::Serialize(message);
  HeaderList extra = ModernHeaders(message);
  const bool modern = !extra.empty();
  extra.insert(extra.end(), forwarded.begin(), forwarded.end());
  const std::string key = message.is_request() ? message.id.dump() : std::string();
  // Every message of the request's stream, the resumed parts included, goes through this sink,
  // marked as the request's (RpcClient attributes the server's requests by it).
  Sink sink = [this, related = message.is_request() ? message.id : protocol::Json()](
                  std::string_view text) { inbound_->PushText(text, related); };
  bool answered = false;
  Sink watched = [&](std::string_view text) {
    answered = answered || IsResponseTo(text, message.id, config_.max_json_depth);
    sink(text);
  };
  const bool listen = modern && message.method == "subscriptions/listen";
  Posted posted = PostOnce(body, watched, extra, modern ? key : std::string(), listen);
  if (posted.status.ok() && posted.result.status == 404 && may_reinitialize &&
      !posted.session.empty() && Reinitialize(posted.session)) {
    posted = PostOnce(body, watched, extra);
  }
  if (modern && !answered && !posted.result.ok() &&
      HasMediaType(posted.result.content_type, "application/json") &&
      IsResponseTo(posted.result.body, message.id, config_.max_json_depth)) {
    watched(posted.result.body);  // a modern error (HTTP 400 with its JSON-RPC error)
  }
  if (message.is_request() && !modern) ResumeUntilAnswered(message, watched, answered, posted);
  posted.answered = answered;
  return posted;
}

StreamableHttpConnection::Posted StreamableHttpConnection::PostOnce(
    const std::string& body, const Sink& sink, const HeaderList& extra,
    const std::string& watched_call, bool lines) {
  for (int attempt = 0;; ++attempt) {
    protocol::Result<httplib::Headers> headers = RequestHeaders(kAcceptPost);
    if (!headers.ok()) return {{}, headers.status(), {}, {}, {}};
    for (const auto& [name, value] : extra) headers->emplace(name, value);
    httplib::Request request;
    request.method = "POST";
    request.path = url_.target;
    request.headers = *headers;
    request.body = body;
    request.set_header("Content-Type", "application/json");
    protocol::SseParser parser(config_.max_message_bytes);
    ClientPool::Lease client = posts_.Acquire();
    if (!watched_call.empty() && !WatchCall(watched_call, &*client)) {
      return {{}, Status::Ok(), {}, {}, {}};  // cancelled before it was posted
    }
    LineSink on_line;
    if (lines) {
      on_line = [&](std::string_view line) {
        sink(line);
        return !closed_.load();
      };
    }
    ExchangeResult result = Exchange(
        *client, request, config_.max_message_bytes, parser,
        [&](const protocol::SseEvent& event) {
          if (event.event == "message") sink(event.data);
          return !closed_.load();
        },
        on_line);
    if (!watched_call.empty()) WatchCall(watched_call, nullptr);
    std::string session = request.get_header_value("Mcp-Session-Id");
    if (result.error != httplib::Error::Success) {
      Status failed = UpstreamUnavailable(config_.name, "HTTP " + httplib::to_string(result.error));
      return {result, failed, session, {}, {}};
    }
    if (result.ok() && result.event_stream()) {
      return {result, Status::Ok(), session, parser.last_event_id(), parser.retry_ms()};
    }
    if (result.status == 401 && attempt == 0 && credentials_.RefreshAfterUnauthorized(*headers)) {
      log::Info("[{}] 401 from upstream; refreshing credentials and retrying once", config_.name);
      continue;
    }
    if (result.ok() && !result.lines && HasMediaType(result.content_type, "application/json")) {
      sink(result.body);
    }
    return {result, Status::Ok(), session, {}, {}};
  }
}

bool StreamableHttpConnection::Reinitialize(const std::string& expired_session) {
  std::lock_guard serial(reinitialize_mutex_);
  Message initialize;
  {
    std::lock_guard lock(mutex_);
    if (session_id_ != expired_session) return true;  // another thread already did it
    if (!initialize_) return false;
    initialize = *initialize_;
    session_id_.clear();
  }
  log::Info("[{}] session expired (404); initializing a new one", config_.name);
  Posted posted = PostOnce(protocol::Serialize(initialize),
                           [this](std::string_view text) { NoteInitializeReply(text); });
  if (!posted.status.ok() || !posted.result.ok()) return false;
  {
    std::lock_guard lock(mutex_);
    session_id_ = posted.result.session_id;
  }
  Message initialized = protocol::MakeNotification("notifications/initialized");
  Posted notified = PostOnce(protocol::Serialize(initialized), [](std::string_view) {});
  return notified.status.ok() && notified.result.ok();
}

void StreamableHttpConnection::AnswerWithError(const Message& request, const std::string& what) {
  protocol::RpcError error{protocol::error_code::kUpstreamUnavailable,
                           fmt::format("upstream '{}' answered {}", config_.name, what),
                           {{"server", config_.name}}};
  inbound_->Push(protocol::MakeError(request.id, std::move(error)));
}

protocol::Result<httplib::Headers> StreamableHttpConnection::RequestHeaders(std::string_view accept) {
  protocol::Result<httplib::Headers> headers = credentials_.Headers();
  if (!headers.ok()) return headers;
  headers->emplace("Accept", std::string(accept));
  std::lock_guard lock(mutex_);
  if (!session_id_.empty()) headers->emplace("Mcp-Session-Id", session_id_);
  if (!protocol_version_.empty()) headers->emplace("MCP-Protocol-Version", protocol_version_);
  return headers;
}

void StreamableHttpConnection::StartBackground(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    ++background_threads_;
  }
  std::thread([this, work = std::move(work)] {
    protocol::Guarded(config_.name, work);
    std::lock_guard lock(mutex_);
    --background_threads_;
    changed_.notify_all();
  }).detach();
}

void StreamableHttpConnection::StartGetStream() {
  {
    std::lock_guard lock(mutex_);
    if (get_stream_started_) return;
    get_stream_started_ = true;
  }
  StartBackground([this] { RunGetStream(); });
}

// Reconnects after the server's last `retry` (ReconnectDelay bounds it), with the last event id
// seen on any connection of the stream, so that a server which closes the connection now and
// then (SSE polling) is polled for as long as the connection lives.
void StreamableHttpConnection::RunGetStream() {
  std::string last_event_id;
  std::optional<long> retry_ms;
  int failures = 0;
  while (!closed_) {
    bool offered = true;
    bool read = ReadGetStreamOnce(last_event_id, retry_ms, offered);
    if (closed_ || !offered) return;
    failures = read ? 0 : failures + 1;
    if (failures >= kMaxStreamFailures) {
      log::Warn("[{}] giving up on the GET stream after {} failures", config_.name, failures);
      return;
    }
    if (!WaitUnlessClosed(ReconnectDelay(retry_ms))) return;
  }
}

// One GET stream connection. Returns true when it was read; keeps the last event id and retry
// the server sent (an id or retry from an earlier connection stays when this one sent none);
// sets offered to false when the server offers no stream (405).
bool StreamableHttpConnection::ReadGetStreamOnce(std::string& last_event_id,
                                                 std::optional<long>& retry_ms, bool& offered) {
  protocol::Result<httplib::Headers> headers = RequestHeaders(kAcceptStream);
  if (!headers.ok()) return false;
  if (!last_event_id.empty()) headers->emplace("Last-Event-ID", last_event_id);
  protocol::SseParser parser(config_.max_message_bytes);
  ExchangeResult result = GetEventStream(*headers, parser, [&](const protocol::SseEvent& event) {
    if (event.event == "message") inbound_->PushText(event.data);
    return !closed_.load();
  });
  if (!parser.last_event_id().empty()) last_event_id = parser.last_event_id();
  if (parser.retry_ms()) retry_ms = parser.retry_ms();
  if (result.status == 405) {
    log::Info("[{}] server offers no GET stream (405)", config_.name);
    offered = false;
    return false;
  }
  if (result.status == 401) credentials_.RefreshAfterUnauthorized(*headers);
  return result.ok() && result.event_stream();
}

bool StreamableHttpConnection::WaitUnlessClosed(milliseconds pause) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, pause, [this] { return closed_.load(); });
  return !closed_;
}

void StreamableHttpConnection::Shutdown(milliseconds grace) {
  if (!BeginShutdown()) return;
  Close();
  WaitForBackground();
  DeleteSession(grace);
}

// A thread may have borrowed a client just after StopAll; stopping again catches it.
void StreamableHttpConnection::WaitForBackground() {
  std::unique_lock lock(mutex_);
  while (!changed_.wait_for(lock, milliseconds(100), [this] { return background_threads_ == 0; })) {
    lock.unlock();
    posts_.StopAll();
    stream_.StopAll();
    lock.lock();
  }
}

void StreamableHttpConnection::DeleteSession(milliseconds grace) {
  std::string session;
  {
    std::lock_guard lock(mutex_);
    session = session_id_;
  }
  if (session.empty()) return;
  protocol::Result<httplib::Headers> headers = RequestHeaders(kAcceptPost);
  if (!headers.ok()) return;
  auto seconds = std::max<std::int64_t>(1, grace.count() / 1000);
  auto client = MakeHttpClient(url_, config_, std::chrono::seconds(seconds));
  client->set_connection_timeout(static_cast<time_t>(seconds), 0);
  httplib::Result result = client->Delete(url_.target, *headers);
  log::Info("[{}] session ended: DELETE {}", config_.name,
            result ? std::to_string(result->status) : httplib::to_string(result.error()));
}

}  // namespace mcpgw::upstream
