#pragma once

#include "upstream/client_pool.h"
#include "upstream/connection.h"
#include "upstream/credentials.h"
#include "upstream/http_exchange.h"
#include "upstream/inbound_queue.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace mcpgw::upstream {

// What the two HTTP transports (Streamable HTTP, legacy HTTP+SSE) share: the server's URL and
// credentials, keep-alive clients for POSTs and for the long-lived GET stream, the inbound queue
// that the threads reading replies and streams push to and Receive pops, and Close. A subclass
// adds Send and Shutdown.
class HttpConnection : public Connection, private protocol::Transport {
 public:
  // Parses config.url and opens a T (StreamableHttpConnection or LegacySseConnection) on it;
  // config must outlive the connection. A null inbound makes a new queue (AutoConnection shares
  // one between the transport it tries first and the fallback). Fails with kUnavailable (detail
  // {"server": name}) for a url that cannot be parsed.
  template <typename T>
  static protocol::Result<std::unique_ptr<T>> Open(
      const ServerConfig& config, std::shared_ptr<InboundQueue> inbound = nullptr) {
    protocol::Result<Url> url = ParseUrl(config.url);
    if (!url.ok()) return UpstreamUnavailable(config.name, url.status().message());
    if (!inbound) inbound = std::make_shared<InboundQueue>(config.max_json_depth);
    return std::unique_ptr<T>(new T(config, std::move(url).value(), std::move(inbound)));
  }

  protocol::Transport& transport() override { return *this; }

  // Receive: the next message from any reply or stream; kClosed after Close.
  protocol::Result<protocol::Message> Receive() override { return inbound_->Pop(); }
  // Marks the connection closed, closes the inbound queue (after what is queued, Receive fails
  // with kClosed), wakes whoever waits on changed_ and breaks every request in flight.
  // Idempotent; any thread.
  void Close() override;

 protected:
  // A subclass keeps its constructor private and befriends HttpConnection, so that Open is the
  // way in. A POST's reply may take up to post_read_timeout.
  HttpConnection(const ServerConfig& config, Url url, std::shared_ptr<InboundQueue> inbound,
                 std::chrono::seconds post_read_timeout);

  // GETs the URL as an event stream on the stream client, sending headers (Accept included),
  // and passes each event to on_event; parser keeps the stream's last event id and retry. Blocks
  // until the stream ends, on_event returns false or Close breaks it.
  ExchangeResult GetEventStream(const httplib::Headers& headers, protocol::SseParser& parser,
                                const EventSink& on_event);

  // True for the first call only: a subclass's Shutdown does its work once.
  bool BeginShutdown();

  const ServerConfig& config_;
  const Url url_;
  std::shared_ptr<InboundQueue> inbound_;
  Credentials credentials_;
  ClientPool posts_;
  ClientPool stream_;  // the GET stream's client
  std::atomic<bool> closed_{false};

  std::mutex mutex_;                 // guards shut_down_ and the subclass's own fields
  std::condition_variable changed_;  // notified when those change, and by Close

 private:
  bool shut_down_ = false;
};

}  // namespace mcpgw::upstream
