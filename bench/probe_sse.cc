// mcp_probe's legacy HTTP+SSE transport: a reader thread on the GET stream, posts from ours.
#include "bench/probe_sse.h"

#include "bench/probe_url.h"
#include "protocol/sse_parser.h"

#include <stdexcept>

namespace mcpgw::bench {
namespace {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

// The stream may stay quiet between requests; Close() ends it, not a read timeout.
constexpr auto kStreamReadTimeout = std::chrono::hours(24);
constexpr auto kStopPoll = std::chrono::milliseconds(10);

// A client for origin whose every request waits at most timeout.
std::unique_ptr<httplib::Client> MakeClient(const std::string& origin,
                                            std::chrono::milliseconds timeout) {
  auto client = std::make_unique<httplib::Client>(origin);
  if (!client->is_valid()) throw std::invalid_argument("cannot use URL " + origin);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(timeout);
  client->set_read_timeout(timeout);
  client->set_write_timeout(timeout);
  return client;
}

}  // namespace

SseProbe::SseProbe(const std::string& url, const std::vector<std::string>& headers,
                   std::chrono::milliseconds timeout)
    : headers_(ReadHeaders(headers)), timeout_(timeout) {
  std::tie(origin_, path_) = SplitUrl(url);
  post_ = MakeClient(origin_, timeout_);
  post_origin_ = origin_;
}

SseProbe::~SseProbe() { Close(); }

Result<Message> SseProbe::Request(const std::string& method, Json params,
                                  Clock::time_point deadline) {
  std::unique_lock stream(mutex_);
  bool open = open_;
  stream.unlock();
  if (method == "initialize" && !open)
    if (Status status = Open(deadline); !status.ok()) return status;
  Json id = next_id_++;
  {
    std::lock_guard lock(mutex_);
    if (!open_) return Status(StatusCode::kClosed, "no event stream: " + failure_);
    awaited_id_ = id;
    answer_.reset();
  }
  if (Status status = Post(protocol::MakeRequest(id, method, std::move(params))); !status.ok())
    return status;
  std::unique_lock lock(mutex_);
  bool done = changed_.wait_until(lock, deadline, [&] { return answer_ || !open_; });
  awaited_id_ = nullptr;
  if (answer_) return *std::exchange(answer_, std::nullopt);
  if (!done) return Status(StatusCode::kTimeout, "no answer in time");
  return Status(StatusCode::kClosed, "the event stream ended: " + failure_);
}

Status SseProbe::Notify(const std::string& method, Json params) {
  return Post(protocol::MakeNotification(method, std::move(params)));
}

Status SseProbe::Open(Clock::time_point deadline) {
  Close();
  get_ = MakeClient(origin_, timeout_);
  get_->set_read_timeout(kStreamReadTimeout);
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    open_ = true;
    endpoint_.reset();  // failure_ still tells why the last stream ended
  }
  reader_ = std::thread([this] { Read(); });
  std::unique_lock lock(mutex_);
  if (!changed_.wait_until(lock, deadline, [&] { return endpoint_ || !open_; })) {
    std::string before = failure_.empty() ? "" : " (the GET before: " + failure_ + ")";
    return Status(StatusCode::kTimeout, "no endpoint event in time" + before);
  }
  if (!endpoint_) return Status(StatusCode::kUnavailable, "GET " + path_ + ": " + failure_);
  std::string uri = *endpoint_;
  lock.unlock();
  UseEndpoint(uri);
  return Status::Ok();
}

void SseProbe::Close() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  while (open_) {  // stop() finds no socket while the GET is still connecting: ask again
    lock.unlock();
    get_->stop();
    lock.lock();
    changed_.wait_for(lock, kStopPoll, [&] { return !open_; });
  }
  lock.unlock();
  if (reader_.joinable()) reader_.join();
  get_.reset();
}

void SseProbe::Read() {
  protocol::SseParser parser;
  std::vector<protocol::SseEvent> events;
  httplib::Headers headers = headers_;
  headers.emplace("Accept", "text/event-stream");
  std::string refused;
  auto go_on = [&] {
    std::lock_guard lock(mutex_);
    return !stopping_;
  };
  httplib::Result result = get_->Get(
      path_, headers,
      [&](const httplib::Response& response) {
        if (response.status == 200) return go_on();
        refused = "HTTP " + std::to_string(response.status);
        return false;
      },
      [&](const char* data, std::size_t length) {
        events.clear();
        if (!parser.Feed(std::string_view(data, length), events)) refused = "an event too long";
        for (protocol::SseEvent& event : events)
          OnEvent(std::move(event.event), std::move(event.data));
        return refused.empty() && go_on();
      });
  std::lock_guard lock(mutex_);
  open_ = false;
  failure_ = !refused.empty() ? refused
             : result         ? "the server ended it"
                              : httplib::to_string(result.error());
  changed_.notify_all();
}

void SseProbe::OnEvent(std::string event, std::string data) {
  if (event == "endpoint") {
    std::lock_guard lock(mutex_);
    if (!endpoint_) endpoint_ = std::move(data);
    changed_.notify_all();
    return;
  }
  if (event != "message") return;
  Result<Message> message = protocol::ParseMessage(data);
  if (!message.ok() || !message->is_response()) return;
  std::lock_guard lock(mutex_);
  if (answer_ || awaited_id_.is_null() || message->id != awaited_id_) return;
  answer_ = std::move(*message);
  changed_.notify_all();
}

void SseProbe::UseEndpoint(const std::string& uri) {
  std::string origin = origin_;
  if (uri.find("://") != std::string::npos) {
    std::tie(origin, post_path_) = SplitUrl(uri);
  } else if (!uri.empty() && uri.front() == '/') {
    post_path_ = uri;
  } else {  // relative to the stream's directory
    std::string base = path_.substr(0, path_.find('?'));
    post_path_ = base.substr(0, base.rfind('/') + 1) + uri;
  }
  if (origin == post_origin_) return;
  post_ = MakeClient(origin, timeout_);
  post_origin_ = origin;
}

Status SseProbe::Post(const Message& message) {
  httplib::Result result =
      post_->Post(post_path_, headers_, protocol::Serialize(message), "application/json");
  if (!result) return Status(StatusCode::kUnavailable, httplib::to_string(result.error()));
  if (result->status / 100 == 2) return Status::Ok();
  return Status(StatusCode::kUnavailable,
                "HTTP " + std::to_string(result->status) + " from " + post_path_);
}

}  // namespace mcpgw::bench
