#include "proxy/session/listen.h"

#include "protocol/era.h"

#include <fmt/format.h>

#include <utility>

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

namespace {

constexpr const char* kFlags[] = {"toolsListChanged", "promptsListChanged", "resourcesListChanged"};

Status Invalid(const std::string& why) {
  return {StatusCode::kInvalidArgument, "Invalid params: " + why};
}

// The subscription's id under _meta, where every message of the stream carries it.
Json MetaWithId(Json meta, const Json& id) {
  if (!meta.is_object()) meta = Json::object();
  meta[protocol::kMetaSubscriptionId] = id;
  return meta;
}

}  // namespace

Result<ListenFilter> ParseListenFilter(const Json& params) {
  auto notifications = params.is_object() ? params.find("notifications") : params.end();
  if (!params.is_object() || notifications == params.end() || !notifications->is_object()) {
    return Invalid("\"notifications\" must be an object");
  }
  ListenFilter filter;
  bool* flags[] = {&filter.tools, &filter.prompts, &filter.resources};
  for (std::size_t i = 0; i < std::size(kFlags); ++i) {
    auto flag = notifications->find(kFlags[i]);
    if (flag == notifications->end()) continue;
    if (!flag->is_boolean()) return Invalid(fmt::format("\"{}\" must be a boolean", kFlags[i]));
    *flags[i] = flag->get<bool>();
  }
  auto uris = notifications->find("resourceSubscriptions");
  if (uris == notifications->end()) return filter;
  if (!uris->is_array()) return Invalid("\"resourceSubscriptions\" must be an array of strings");
  filter.uris.emplace();
  for (const Json& uri : *uris) {
    if (!uri.is_string()) return Invalid("\"resourceSubscriptions\" must be an array of strings");
    filter.uris->push_back(uri.get<std::string>());
  }
  return filter;
}

Json ToJson(const ListenFilter& filter) {
  Json json = Json::object();
  const bool flags[] = {filter.tools, filter.prompts, filter.resources};
  for (std::size_t i = 0; i < std::size(kFlags); ++i) {
    if (flags[i]) json[kFlags[i]] = true;
  }
  if (filter.uris) json["resourceSubscriptions"] = *filter.uris;
  return json;
}

Listen::Listen(NotificationHub& hub, const Access& access, Json id, ClientSink sink,
               ListenFilter honoured, Finish finish)
    : hub_(hub),
      access_(access),
      id_(std::move(id)),
      sink_(std::move(sink)),
      honoured_(std::move(honoured)),
      finish_(std::move(finish)) {}

Listen::~Listen() { hub_.Leave(this); }

void Listen::Acknowledge() {
  sink_(protocol::MakeNotification(
      "notifications/subscriptions/acknowledged",
      {{"_meta", MetaWithId(Json::object(), id_)}, {"notifications", ToJson(honoured_)}}));
  hub_.JoinListener(this);
}

bool Listen::Wants(const std::string& method) const {
  if (method == "notifications/tools/list_changed") return honoured_.tools;
  if (method == "notifications/prompts/list_changed") return honoured_.prompts;
  if (method == "notifications/resources/list_changed") return honoured_.resources;
  return method == "notifications/resources/updated" && honoured_.uris.has_value();
}

void Listen::Deliver(const Message& notification) {
  if (ended_ || !Wants(notification.method)) return;
  Message tagged = notification;
  if (!tagged.params.is_object()) tagged.params = Json::object();
  tagged.params["_meta"] = MetaWithId(tagged.params.value("_meta", Json::object()), id_);
  sink_(tagged);
}

void Listen::End() {
  if (std::exchange(ended_, true)) return;
  finish_({{"resultType", "complete"}, {"_meta", MetaWithId(Json::object(), id_)}});
}

}  // namespace mcpgw::proxy
