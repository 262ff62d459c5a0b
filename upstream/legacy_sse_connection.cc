#include "upstream/legacy_sse_connection.h"

#include "protocol/guard.h"
#include "protocol/log.h"

namespace mcpgw::upstream {
namespace {

using protocol::Status;
using protocol::StatusCode;
using std::chrono::milliseconds;

constexpr std::chrono::seconds kPostReadTimeout{30};
constexpr milliseconds kMinEndpointWait{30000};

}  // namespace

LegacySseConnection::LegacySseConnection(const ServerConfig& config, Url url,
                                         std::shared_ptr<InboundQueue> inbound)
    : HttpConnection(config, std::move(url), std::move(inbound), kPostReadTimeout),
      reader_([this] { protocol::Guarded(config_.name, [this] { ReadStream(); }); }) {}

LegacySseConnection::~LegacySseConnection() { Shutdown(milliseconds(2000)); }

void LegacySseConnection::ReadStream() {
  bool unauthorized = false;
  bool read = ReadStreamOnce(unauthorized);
  if (!read && unauthorized && !closed_) read = ReadStreamOnce(unauthorized);  // token refreshed
  if (!closed_) log::Warn("[{}] SSE stream ended", config_.name);
  inbound_->Close();
  std::lock_guard lock(mutex_);
  reader_done_ = true;
  changed_.notify_all();
}

bool LegacySseConnection::ReadStreamOnce(bool& unauthorized) {
  protocol::Result<httplib::Headers> headers = credentials_.Headers();
  if (!headers.ok()) {
    log::Warn("{}", headers.status().message());
    return false;
  }
  headers->emplace("Accept", "text/event-stream");
  protocol::SseParser parser(config_.max_message_bytes);
  ExchangeResult result = GetEventStream(
      *headers, parser, [this](const protocol::SseEvent& event) { return OnEvent(event); });
  unauthorized = result.status == 401 && credentials_.RefreshAfterUnauthorized(*headers);
  if (!result.ok() && !closed_) {
    log::Warn("[{}] SSE stream: {}", config_.name,
              result.status ? "HTTP " + std::to_string(result.status) : httplib::to_string(result.error));
  }
  return result.ok();
}

bool LegacySseConnection::OnEvent(const protocol::SseEvent& event) {
  if (event.event == "message") {
    inbound_->PushText(event.data);
  } else if (event.event == "endpoint") {
    protocol::Result<Url> endpoint = ResolveUrl(url_, event.data);
    if (!endpoint.ok() || endpoint->HttpOrigin() != url_.HttpOrigin()) {
      log::Warn("[{}] SSE endpoint is not on the server's origin; refusing it", config_.name);
      return false;
    }
    std::lock_guard lock(mutex_);
    endpoint_ = endpoint->target;
    changed_.notify_all();
  }
  return !closed_.load();
}

std::optional<std::string> LegacySseConnection::WaitForEndpoint() {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::max(config_.timeout, kMinEndpointWait),
                    [this] { return endpoint_ || closed_ || inbound_->closed(); });
  return endpoint_;
}

Status LegacySseConnection::Send(const protocol::Message& message) {
  if (closed_) return Status(StatusCode::kClosed, "connection closed");
  std::optional<std::string> target = WaitForEndpoint();
  if (!target) return UpstreamUnavailable(config_.name, "SSE stream gave no endpoint");
  std::string body = protocol::Serialize(message);
  bool unauthorized = false;
  httplib::Headers sent;
  Status posted = PostOnce(*target, body, unauthorized, sent);
  if (unauthorized && credentials_.RefreshAfterUnauthorized(sent)) {
    posted = PostOnce(*target, body, unauthorized, sent);
  }
  if (!posted.ok()) log::Warn("{}", posted.message());
  return posted;
}

Status LegacySseConnection::PostOnce(const std::string& target, const std::string& body,
                                     bool& unauthorized, httplib::Headers& sent) {
  protocol::Result<httplib::Headers> headers = credentials_.Headers();
  if (!headers.ok()) return headers.status();
  sent = *headers;
  ClientPool::Lease client = posts_.Acquire();
  httplib::Result result = client->Post(target, *headers, body, "application/json");
  if (!result) return UpstreamUnavailable(config_.name, "POST " + httplib::to_string(result.error()));
  unauthorized = result->status == 401;
  if (result->status < 200 || result->status >= 300) {
    return UpstreamUnavailable(config_.name, "POST got HTTP " + std::to_string(result->status));
  }
  return Status::Ok();
}

void LegacySseConnection::Shutdown(milliseconds) {
  if (!BeginShutdown()) return;
  Close();
  std::unique_lock lock(mutex_);
  // The reader may have borrowed a client just after Close stopped them all: stop it again.
  while (!changed_.wait_for(lock, milliseconds(100), [this] { return reader_done_; })) {
    lock.unlock();
    stream_.StopAll();
    lock.lock();
  }
  lock.unlock();
  reader_.join();
}

}  // namespace mcpgw::upstream
