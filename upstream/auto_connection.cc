#include "upstream/auto_connection.h"

#include "protocol/log.h"

namespace mcpgw::upstream {

using protocol::Status;
using protocol::StatusCode;

protocol::Result<std::unique_ptr<Connection>> AutoConnection::Open(const ServerConfig& config) {
  auto inbound = std::make_shared<InboundQueue>(config.max_json_depth);
  auto http = HttpConnection::Open<StreamableHttpConnection>(config, inbound);
  if (!http.ok()) return http.status();
  return std::unique_ptr<Connection>(new AutoConnection(config, inbound, std::move(http).value()));
}

AutoConnection::AutoConnection(const ServerConfig& config, std::shared_ptr<InboundQueue> inbound,
                               std::unique_ptr<StreamableHttpConnection> http)
    : config_(config), inbound_(std::move(inbound)), http_(std::move(http)) {}

AutoConnection::~AutoConnection() { Shutdown(std::chrono::milliseconds(2000)); }

protocol::Transport* AutoConnection::Current() {
  std::lock_guard lock(mutex_);
  if (legacy_) return &legacy_->transport();
  return &http_->transport();
}

Status AutoConnection::Send(const protocol::Message& message) {
  Status sent = Current()->Send(message);
  bool rejected = sent.code() == StatusCode::kNotFound && message.method == "initialize";
  if (!rejected) return sent;
  log::Info("[{}] no Streamable HTTP here (HTTP {}); trying the legacy HTTP+SSE transport",
            config_.name, sent.detail().value("http_status", 0));
  auto legacy = HttpConnection::Open<LegacySseConnection>(config_, inbound_);
  if (!legacy.ok()) return legacy.status();
  {
    std::lock_guard lock(mutex_);
    if (closed_) return Status(StatusCode::kClosed, "connection closed");
    legacy_ = std::move(legacy).value();
  }
  return legacy_->transport().Send(message);
}

Status AutoConnection::SendWithHeaders(const protocol::Message& request,
                                       const HeaderList& headers) {
  {
    std::lock_guard lock(mutex_);
    if (legacy_) return legacy_->transport().Send(request);
  }
  return http_->SendWithHeaders(request, headers);
}

void AutoConnection::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    if (legacy_) legacy_->transport().Close();
  }
  http_->transport().Close();
}

void AutoConnection::Shutdown(std::chrono::milliseconds grace) {
  Close();
  http_->Shutdown(grace);
  std::lock_guard lock(mutex_);
  if (legacy_) legacy_->Shutdown(grace);
}

}  // namespace mcpgw::upstream
