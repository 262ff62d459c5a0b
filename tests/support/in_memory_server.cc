#include "tests/support/in_memory_server.h"

#include "protocol/era.h"
#include "protocol/memory_transport.h"
#include "protocol/version.h"

#include <utility>

namespace mcpgw::testing {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

Json EveryCapability() {
  return {{"tools", {{"listChanged", true}}},
          {"prompts", {{"listChanged", true}}},
          {"resources", {{"listChanged", true}, {"subscribe", true}}},
          {"logging", Json::object()}};
}

// What the server and the gateway's end of one connection share: the counts that tell whether
// both directions are quiet, and the action BeforeNextDelivery armed.
struct InMemoryServer::Link {
  mutable std::mutex mutex;  // guards every member below
  mutable std::condition_variable changed;
  long to_server = 0;      // messages the gateway sent the server
  long handled = 0;        // of those, the ones the server has handled
  long to_gateway = 0;     // messages the server sent the gateway
  long gateway_reads = 0;  // Receive calls the gateway's reader has begun
  bool closed = false;
  std::function<void()> before_next_delivery;

  bool Idle() const {
    // The gateway's reader begins its next Receive only once it has handled the message before.
    return closed || (handled == to_server && gateway_reads > to_gateway);
  }
  void Add(long Link::*count, long by) {
    {
      std::lock_guard lock(mutex);
      this->*count += by;
    }
    changed.notify_all();
  }
};

// The gateway's end of a connection: passes everything on, counting it for Idle().
class InMemoryServer::GatewayEnd : public protocol::Transport {
 public:
  GatewayEnd(std::unique_ptr<protocol::Transport> inner, std::shared_ptr<Link> link)
      : inner_(std::move(inner)), link_(std::move(link)) {}

  Result<Message> Receive() override {
    link_->Add(&Link::gateway_reads, 1);
    return inner_->Receive();
  }

  Status Send(const Message& message) override {
    std::function<void()> action;
    {
      std::lock_guard lock(link_->mutex);
      action = std::exchange(link_->before_next_delivery, nullptr);
    }
    if (action) action();
    link_->Add(&Link::to_server, 1);  // counted before it can arrive, so Idle() never runs ahead
    Status sent = inner_->Send(message);
    if (!sent.ok()) link_->Add(&Link::to_server, -1);
    return sent;
  }

  void Close() override { inner_->Close(); }

 private:
  std::unique_ptr<protocol::Transport> inner_;
  std::shared_ptr<Link> link_;
};

namespace {

class MemoryConnection : public upstream::Connection {
 public:
  explicit MemoryConnection(std::unique_ptr<protocol::Transport> transport)
      : transport_(std::move(transport)) {}
  protocol::Transport& transport() override { return *transport_; }
  void Shutdown(std::chrono::milliseconds) override { transport_->Close(); }

 private:
  std::unique_ptr<protocol::Transport> transport_;
};

}  // namespace

InMemoryServer::InMemoryServer(ServerOffer offer) : offer_(std::move(offer)) {}

InMemoryServer::~InMemoryServer() { Disconnect(); }

Result<std::unique_ptr<upstream::Connection>> InMemoryServer::Connect() {
  Disconnect();
  auto [gateway_end, server_end] = protocol::MakeMemoryTransportPair();
  std::shared_ptr<protocol::Transport> transport = std::move(server_end);
  auto link = std::make_shared<Link>();
  {
    std::lock_guard lock(mutex_);
    transport_ = transport;
    link_ = link;
    reader_ = std::thread([this, transport, link] { Serve(*transport, *link); });
  }
  return std::unique_ptr<upstream::Connection>(std::make_unique<MemoryConnection>(
      std::make_unique<GatewayEnd>(std::move(gateway_end), link)));
}

void InMemoryServer::Disconnect() {
  std::shared_ptr<protocol::Transport> transport;
  std::thread reader;
  {
    std::lock_guard lock(mutex_);
    transport = std::move(transport_);
    reader = std::move(reader_);
  }
  if (transport) transport->Close();
  if (reader.joinable()) reader.join();
}

void InMemoryServer::Serve(protocol::Transport& transport, Link& link) {
  for (;;) {
    Result<Message> message = transport.Receive();
    if (!message.ok()) break;  // a memory transport fails only once it is closed
    if (std::optional<Message> answer = Handle(*message)) (void)SendOn(transport, link, *answer);
    link.Add(&Link::handled, 1);  // after the answer went out, so that Idle() waits for it
  }
  {
    std::lock_guard lock(link.mutex);
    link.closed = true;
  }
  link.changed.notify_all();
}

std::optional<Message> InMemoryServer::Handle(const Message& message) {
  std::optional<Message> answer;
  {
    std::lock_guard lock(mutex_);
    received_.push_back(message);
    answer = AnswerOf(message);
    if (!answer && message.method != "notifications/initialized") left_.push_back(message);
  }
  arrived_.notify_all();
  return answer;
}

std::optional<Message> InMemoryServer::AnswerOf(const Message& message) const {
  if (!message.is_request()) return std::nullopt;
  const std::string& method = message.method;
  if (method == "server/discover") return Discover(message);
  if (method == "initialize" && !offer_.modern) {
    Json version = message.params.value("protocolVersion", Json());
    if (!version.is_string()) version = std::string(protocol::kLatestSessionRevision);
    return protocol::MakeResult(message.id, {{"protocolVersion", version},
                                             {"capabilities", offer_.capabilities},
                                             {"serverInfo", offer_.server_info}});
  }
  if (method == "ping") return protocol::MakeResult(message.id, Json::object());
  if (method == "tools/list") return List(message, {{"tools", offer_.tools}});
  if (method == "prompts/list") return List(message, {{"prompts", offer_.prompts}});
  if (method == "resources/list") return List(message, {{"resources", offer_.resources}});
  if (method == "resources/templates/list") {
    return List(message, {{"resourceTemplates", offer_.resource_templates}});
  }
  return std::nullopt;
}

Message InMemoryServer::Discover(const Message& request) const {
  if (!offer_.modern) {
    return protocol::MakeError(request.id, {protocol::error_code::kMethodNotFound,
                                            "Method not found", nullptr});
  }
  return protocol::MakeResult(
      request.id, {{"resultType", "complete"},
                   {"supportedVersions", {protocol::kLatestModernRevision}},
                   {"capabilities", offer_.capabilities},
                   {"_meta", {{protocol::kMetaServerInfo, offer_.server_info}}},
                   {"ttlMs", 5000}});
}

Message InMemoryServer::List(const Message& request, Json result) const {
  if (offer_.modern) result["ttlMs"] = 1000;
  return protocol::MakeResult(request.id, std::move(result));
}

void InMemoryServer::SetOffer(ServerOffer offer) {
  std::lock_guard lock(mutex_);
  offer_ = std::move(offer);
}

Status InMemoryServer::Send(const Message& message) {
  std::shared_ptr<protocol::Transport> transport;
  std::shared_ptr<Link> link;
  {
    std::lock_guard lock(mutex_);
    transport = transport_;
    link = link_;
  }
  if (!transport) return Status(StatusCode::kClosed, "no connection is open");
  return SendOn(*transport, *link, message);
}

Status InMemoryServer::SendOn(protocol::Transport& transport, Link& link, const Message& message) {
  link.Add(&Link::to_gateway, 1);  // counted before it can arrive, so Idle() never runs ahead
  Status sent = transport.Send(message);
  if (!sent.ok()) link.Add(&Link::to_gateway, -1);
  return sent;
}

Status InMemoryServer::Answer(const Message& request, Json result) {
  return Send(protocol::MakeResult(request.id, std::move(result)));
}

Status InMemoryServer::Progress(const Message& request, Json fields) {
  fields["progressToken"] = request.params.at("_meta").at("progressToken");
  return Notify("notifications/progress", std::move(fields));
}

Status InMemoryServer::Notify(std::string method, Json params) {
  return Send(protocol::MakeNotification(std::move(method), std::move(params)));
}

std::optional<Message> InMemoryServer::WaitForMessage(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  if (!arrived_.wait_for(lock, limit, [this] { return !left_.empty(); })) return std::nullopt;
  Message next = std::move(left_.front());
  left_.pop_front();
  return next;
}

std::vector<Message> InMemoryServer::TakeReceived() {
  std::lock_guard lock(mutex_);
  return std::exchange(received_, {});
}

void InMemoryServer::BeforeNextDelivery(std::function<void()> action) {
  std::shared_ptr<Link> link = CurrentLink();
  if (!link) return;
  std::lock_guard lock(link->mutex);
  link->before_next_delivery = std::move(action);
}

bool InMemoryServer::Idle() const {
  std::shared_ptr<Link> link = CurrentLink();
  if (!link) return true;
  std::lock_guard lock(link->mutex);
  return link->Idle();
}

bool InMemoryServer::WaitUntilIdle(std::chrono::milliseconds limit) const {
  std::shared_ptr<Link> link = CurrentLink();
  if (!link) return true;
  std::unique_lock lock(link->mutex);
  return link->changed.wait_for(lock, limit, [&link] { return link->Idle(); });
}

std::shared_ptr<InMemoryServer::Link> InMemoryServer::CurrentLink() const {
  std::lock_guard lock(mutex_);
  return link_;
}

}  // namespace mcpgw::testing
