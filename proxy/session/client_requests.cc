#include "proxy/session/client_requests.h"

#include <optional>
#include <vector>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;

Json RelayableCapabilities(const Json& declared) {
  Json relayed = Json::object();
  for (const char* name : {"sampling", "elicitation", "roots"}) {
    if (declared.is_object() && declared.contains(name)) relayed[name] = declared[name];
  }
  return relayed;
}

Json EveryRelayableCapability() {
  return {{"sampling", Json::object()},
          {"elicitation", {{"form", Json::object()}, {"url", Json::object()}}},
          {"roots", {{"listChanged", true}}}};
}

upstream::Withdraw ClientRequests::Send(Message request, upstream::ReplyHandler reply,
                                        ClientSink sink) {
  std::int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = ++last_id_;
    waiting_.emplace(id, Waiting{std::move(reply), sink});
  }
  request.id = id;
  request.related_request = nullptr;
  sink(request);
  return [weak = weak_from_this(), id](const std::string& reason) {
    if (auto self = weak.lock()) self->Cancel(id, reason);
  };
}

void ClientRequests::Cancel(std::int64_t id, const std::string& reason) {
  ClientSink sink;
  {
    std::lock_guard lock(mutex_);
    auto found = waiting_.find(id);
    if (found == waiting_.end()) return;
    sink = std::move(found->second.sink);
    waiting_.erase(found);
  }
  sink(protocol::MakeNotification("notifications/cancelled",
                                  {{"requestId", id}, {"reason", reason}}));
}

bool ClientRequests::Answer(const Message& response) {
  if (!response.id.is_number_integer()) return false;
  upstream::ReplyHandler reply;
  {
    std::lock_guard lock(mutex_);
    auto found = waiting_.find(response.id.get<std::int64_t>());
    if (found == waiting_.end()) return false;
    reply = std::move(found->second.reply);
    waiting_.erase(found);
  }
  if (!response.error) {
    reply(response.result);
    return true;
  }
  Json error = {{"code", response.error->code}, {"message", response.error->message}};
  if (!response.error->data.is_null()) error["data"] = response.error->data;
  reply(protocol::Status(protocol::StatusCode::kRemote, response.error->message, std::move(error)));
  return true;
}

void ClientRequests::FailAll(const protocol::Status& why) {
  std::map<std::int64_t, Waiting> failed;
  {
    std::lock_guard lock(mutex_);
    failed.swap(waiting_);
  }
  for (auto& [id, waiting] : failed) waiting.reply(why);
}

}  // namespace mcpgw::proxy
