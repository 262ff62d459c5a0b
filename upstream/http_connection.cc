#include "upstream/http_connection.h"

namespace mcpgw::upstream {
namespace {

// A stream may stay quiet this long between events before its read gives up.
constexpr std::chrono::seconds kStreamReadTimeout{300};
// A GET answered with something other than an event stream (an error page) is read up to this.
constexpr std::size_t kMaxNonStreamBody = 64 * 1024;

}  // namespace

HttpConnection::HttpConnection(const ServerConfig& config, Url url,
                               std::shared_ptr<InboundQueue> inbound,
                               std::chrono::seconds post_read_timeout)
    : config_(config),
      url_(std::move(url)),
      inbound_(std::move(inbound)),
      credentials_(config),
      posts_(url_, config, post_read_timeout),
      stream_(url_, config, kStreamReadTimeout) {}

void HttpConnection::Close() {
  if (closed_.exchange(true)) return;
  inbound_->Close();
  {
    std::lock_guard lock(mutex_);
    changed_.notify_all();
  }
  posts_.StopAll();
  stream_.StopAll();
}

ExchangeResult HttpConnection::GetEventStream(const httplib::Headers& headers,
                                              protocol::SseParser& parser,
                                              const EventSink& on_event) {
  httplib::Request request;
  request.method = "GET";
  request.path = url_.target;
  request.headers = headers;
  ClientPool::Lease client = stream_.Acquire();
  return Exchange(*client, request, kMaxNonStreamBody, parser, on_event);
}

bool HttpConnection::BeginShutdown() {
  std::lock_guard lock(mutex_);
  return !std::exchange(shut_down_, true);
}

}  // namespace mcpgw::upstream
