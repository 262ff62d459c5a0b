#pragma once

#include "upstream/http_connection.h"
#include "upstream/http_exchange.h"

#include <map>
#include <optional>

namespace mcpgw::upstream {

// An upstream over Streamable HTTP (transports spec 2025-03-26 … 2025-11-25). Every message is
// its own POST with Accept: application/json, text/event-stream; the reply (a JSON body, or each
// `message` event of an SSE body, notifications before the reply included) goes to the inbound
// queue. It keeps the server's Mcp-Session-Id and sends MCP-Protocol-Version after initialize,
// re-initializes once when the session is gone (404) and resends, opens the GET stream after
// notifications/initialized (405: the server offers none), and sends DELETE on shutdown.
// Requests are posted on a thread each, so several are in flight at once on keep-alive clients.
// A request's SSE reply that ends before its response (the server closed the connection after an
// event with an id, as SSE polling allows) is resumed with GET and Last-Event-ID, after the
// server's `retry`, until the response arrives, the call is cancelled or times out, or the
// connection closes (streamable_http_resume.cc).
// A modern request (one whose _meta declares a modern revision: there is no session then) also
// carries MCP-Protocol-Version, Mcp-Method and Mcp-Name; an HTTP error whose body is a JSON-RPC
// error for it reaches the caller as that error; its stream is never resumed (the modern
// revision has no resumption), so a stream that ends before its answer fails the request; and
// notifications/cancelled for it closes its stream instead of being posted.
class StreamableHttpConnection : public HttpConnection {
 public:
  ~StreamableHttpConnection() override;
  // Close(), waits for requests in flight to stop, then DELETEs the session (within grace).
  void Shutdown(std::chrono::milliseconds grace) override;

  // Receive: the next message from any reply or the GET stream. Send: initialize, notifications
  // and responses are posted on the calling thread (the initialize rejected with HTTP 400, 404
  // or 405 fails with kNotFound, detail {"server", "http_status"}: not a Streamable HTTP
  // endpoint); requests on a thread of their own: an HTTP error answers the request with a
  // -32001 error, a broken connection closes the transport.
  protocol::Status Send(const protocol::Message& message) override;
  // Send, with extra headers on the request's POST.
  protocol::Status SendWithHeaders(const protocol::Message& request,
                                   const HeaderList& headers) override;

 private:
  // Made by HttpConnection::Open. Connects to nothing yet: the first Send (the initialize
  // request) makes the first POST.
  friend class HttpConnection;
  StreamableHttpConnection(const ServerConfig& config, Url url,
                           std::shared_ptr<InboundQueue> inbound);

  using Sink = std::function<void(std::string_view text)>;
  struct Posted {
    ExchangeResult result;
    protocol::Status status;       // not ok: no HTTP answer at all
    std::string session;           // the session id the request was sent with
    std::string last_event_id;     // an event-stream reply's last event id, for resuming it
    std::optional<long> retry_ms;  // and the reconnection delay it asked for
    bool answered = false;         // the response to the request came
  };
  // A request posted and not yet done with (key: its id's JSON text). Guarded by mutex_.
  struct Call {
    bool modern = false;                  // cancelled by closing its stream
    bool abandoned = false;               // notifications/cancelled was sent for it
    httplib::Client* reading = nullptr;   // the client reading its stream (modern) or its
                                          // resumed stream, if any
  };
  protocol::Status SendInitialize(const protocol::Message& message);
  void PostRequestAsync(const protocol::Message& message, const HeaderList& forwarded);
  Posted Post(const protocol::Message& message, bool may_reinitialize,
              const HeaderList& forwarded = {});
  // lines: a JSON reply is read as JSON lines as they arrive (a listen stream some servers send
  // that way instead of as events).
  Posted PostOnce(const std::string& body, const Sink& sink, const HeaderList& extra = {},
                  const std::string& watched_call = {}, bool lines = false);
  bool WatchCall(const std::string& key, httplib::Client* client);
  bool Reinitialize(const std::string& expired_session);
  void AnswerWithError(const protocol::Message& request, const std::string& what);
  protocol::Result<httplib::Headers> RequestHeaders(std::string_view accept);
  void StartBackground(std::function<void()> work);
  void StartGetStream();
  void RunGetStream();
  bool ReadGetStreamOnce(std::string& last_event_id, std::optional<long>& retry_ms, bool& offered);
  bool WaitUnlessClosed(std::chrono::milliseconds pause);
  void WaitForBackground();
  void DeleteSession(std::chrono::milliseconds grace);
  void NoteInitializeReply(std::string_view text);

  // streamable_http_resume.cc: resuming a request's stream, and the calls it watches.
  void ResumeUntilAnswered(const protocol::Message& request, const Sink& sink,
                           const bool& answered, const Posted& posted);
  bool ReadResumed(const protocol::Message& request, const Sink& sink, const bool& answered,
                   std::string& last_event_id, std::optional<long>& retry_ms, int& failures);
  bool WaitToResume(const std::string& key, std::chrono::milliseconds pause,
                    std::chrono::steady_clock::time_point deadline);
  void TrackCall(const std::string& key, bool modern);
  bool EndCall(const std::string& key);  // whether it was abandoned
  // Returns true for a modern call: its stream was closed, nothing is to be posted.
  bool AbandonCall(const protocol::Json& request_id);

  // Guarded by mutex_ (HttpConnection):
  std::string session_id_;
  std::string protocol_version_;
  std::optional<protocol::Message> initialize_;  // remembered for re-initialization
  int background_threads_ = 0;  // request posts and the GET stream, detached
  bool get_stream_started_ = false;
  std::map<std::string, Call> calls_;

  std::mutex reinitialize_mutex_;  // one re-initialization at a time
};

}  // namespace mcpgw::upstream
