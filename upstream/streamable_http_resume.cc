// StreamableHttpConnection, part two: resuming a request's SSE reply that the server ended before
// its response (Streamable HTTP, "Resumability and Redelivery" and SSE polling), and the calls
// whose cancellation stops that.
#include "protocol/log.h"
#include "upstream/sse_reconnect.h"
#include "upstream/streamable_http_connection.h"

namespace mcpgw::upstream {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A bound on reconnections per request, besides the call's timeout: at the shortest delay
// (100 ms) a minute of polling is 600 of them.
constexpr int kMaxResumes = 1000;
// Failed reconnections in a row (no event stream came back) before giving up.
constexpr int kMaxResumeFailures = 3;
// A resume answered with something other than an event stream is read up to this.
constexpr std::size_t kMaxNonStreamBody = 64 * 1024;

}  // namespace

// Runs on the request's own thread after its POST reply ended. Stops when the response has come,
// the server gave no event id to resume from, the call was cancelled (its timeout cancels it
// too), the connection closed, the call's timeout has passed, or after kMaxResumes connections
// or kMaxResumeFailures failures in a row. Giving up leaves the call to its timeout.
void StreamableHttpConnection::ResumeUntilAnswered(const protocol::Message& request,
                                                   const Sink& sink, const bool& answered,
                                                   const Posted& posted) {
  if (answered || !posted.status.ok() || !posted.result.ok() || !posted.result.event_stream()) {
    return;
  }
  const std::string key = request.id.dump();
  const Clock::time_point deadline = Clock::now() + config_.timeout;
  std::string last_event_id = posted.last_event_id;
  std::optional<long> retry_ms = posted.retry_ms;
  int failures = 0;
  for (int resumes = 0; !answered && !closed_; ++resumes) {
    if (last_event_id.empty()) {
      log::Warn("[{}] the reply to request {} ended before its response, with no event id to "
                "resume it from", config_.name, key);
      return;
    }
    if (resumes == kMaxResumes || failures == kMaxResumeFailures) {
      log::Warn("[{}] stopped resuming the reply to request {} after {} reconnections",
                config_.name, key, resumes);
      return;
    }
    if (!WaitToResume(key, ReconnectDelay(retry_ms), deadline)) return;
    if (!ReadResumed(request, sink, answered, last_event_id, retry_ms, failures)) return;
  }
}

// One GET with Last-Event-ID. Updates the cursor, the retry and the failure count; false when
// resuming is pointless: the server cannot resume the stream (400, 404, 405) or the call was
// abandoned meanwhile.
bool StreamableHttpConnection::ReadResumed(const protocol::Message& request, const Sink& sink,
                                           const bool& answered, std::string& last_event_id,
                                           std::optional<long>& retry_ms, int& failures) {
  const std::string key = request.id.dump();
  protocol::Result<httplib::Headers> headers = RequestHeaders("text/event-stream");
  if (!headers.ok()) return false;
  headers->emplace("Last-Event-ID", last_event_id);
  httplib::Request get;
  get.method = "GET";
  get.path = url_.target;
  get.headers = *headers;
  protocol::SseParser parser(config_.max_message_bytes);
  ClientPool::Lease client = posts_.Acquire();
  {
    std::lock_guard lock(mutex_);
    auto call = calls_.find(key);
    if (call != calls_.end()) {
      if (call->second.abandoned) return false;
      call->second.reading = &*client;
    }
  }
  ExchangeResult result = Exchange(*client, get, kMaxNonStreamBody, parser,
                                   [&](const protocol::SseEvent& event) {
                                     if (event.event == "message") sink(event.data);
                                     return !closed_.load() && !answered;
                                   });
  bool abandoned = false;
  {
    std::lock_guard lock(mutex_);
    auto call = calls_.find(key);
    if (call != calls_.end()) {
      call->second.reading = nullptr;
      abandoned = call->second.abandoned;
    }
  }
  if (!parser.last_event_id().empty()) last_event_id = parser.last_event_id();
  if (parser.retry_ms()) retry_ms = parser.retry_ms();
  if (abandoned) return false;
  int status = result.status;
  if (status == 400 || status == 404 || status == 405) {
    log::Warn("[{}] cannot resume the reply to request {}: GET with Last-Event-ID got HTTP {}",
              config_.name, key, status);
    return false;
  }
  if (status == 401) credentials_.RefreshAfterUnauthorized(*headers);
  failures = result.ok() && result.event_stream() ? 0 : failures + 1;
  return true;
}

// Waits pause unless the connection closes or the call is abandoned first; false then, and when
// the deadline would pass before the pause ends.
bool StreamableHttpConnection::WaitToResume(const std::string& key, milliseconds pause,
                                            Clock::time_point deadline) {
  if (Clock::now() + pause >= deadline) return false;
  std::unique_lock lock(mutex_);
  auto abandoned = [&] {
    auto call = calls_.find(key);
    return closed_.load() || (call != calls_.end() && call->second.abandoned);
  };
  changed_.wait_for(lock, pause, abandoned);
  return !abandoned();
}

void StreamableHttpConnection::TrackCall(const std::string& key, bool modern) {
  std::lock_guard lock(mutex_);
  calls_[key] = Call{.modern = modern};
}

// Notes the client reading a modern call's POST (null: done reading); false when the call was
// abandoned already.
bool StreamableHttpConnection::WatchCall(const std::string& key, httplib::Client* client) {
  std::lock_guard lock(mutex_);
  auto call = calls_.find(key);
  if (call == calls_.end()) return true;
  call->second.reading = client;
  return !call->second.abandoned;
}

bool StreamableHttpConnection::EndCall(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto call = calls_.find(key);
  if (call == calls_.end()) return false;
  bool abandoned = call->second.abandoned;
  calls_.erase(call);
  return abandoned;
}

// The gateway cancels a call (the client did, or its timeout passed): stop resuming its stream,
// breaking a resumed read in progress; a modern call's stream is closed (its cancellation).
bool StreamableHttpConnection::AbandonCall(const protocol::Json& request_id) {
  if (!request_id.is_string() && !request_id.is_number_integer()) return false;
  std::lock_guard lock(mutex_);
  auto call = calls_.find(request_id.dump());
  if (call == calls_.end()) return false;
  call->second.abandoned = true;
  if (call->second.reading != nullptr) call->second.reading->stop();
  changed_.notify_all();
  return call->second.modern;
}

}  // namespace mcpgw::upstream
