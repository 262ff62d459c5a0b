#include "protocol/era.h"
#include "proxy/app/gateway.h"
#include "proxy/session/session.h"

#include <doctest/doctest.h>

#include <mutex>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Message;

Json ModernMeta(std::string version = "2026-07-28") {
  return {{protocol::kMetaProtocolVersion, std::move(version)},
          {protocol::kMetaClientCapabilities, Json::object()},
          {protocol::kMetaClientInfo, {{"name", "t"}, {"version", "1"}}}};
}

// A Session on a gateway with no upstreams, asked modern requests.
struct ModernClient {
  Gateway gateway{Config{}};
  std::mutex mutex;
  std::vector<Message> sent;
  ClientSink record = [this](const Message& message) {
    protocol::Result<Message> read = protocol::ParseMessage(protocol::Serialize(message));
    REQUIRE(read.ok());
    std::lock_guard lock(mutex);
    sent.push_back(std::move(read).value());
  };
  Session session{gateway.session_services(), record, policy::Principal{}};

  Message Ask(const std::string& method, Json params = Json::object(), Json meta = ModernMeta()) {
    params["_meta"] = std::move(meta);
    session.HandleRequest(protocol::MakeRequest(7, method, std::move(params)), record);
    std::lock_guard lock(mutex);
    REQUIRE(!sent.empty());
    Message last = sent.back();
    CHECK(last.id == 7);
    return last;
  }
};

}  // namespace

TEST_CASE("A modern request needs no initialize, and its result says it is complete") {
  ModernClient client;
  Message reply = client.Ask("tools/list");
  REQUIRE_FALSE(reply.error);
  CHECK(reply.result["tools"] == Json::array());
  CHECK(reply.result["resultType"] == "complete");
  CHECK(reply.result["_meta"][protocol::kMetaServerInfo]["name"] == "mcpgw");
}

TEST_CASE("server/discover names every revision the gateway serves and what it routes") {
  ModernClient client;
  Message reply = client.Ask("server/discover");
  REQUIRE_FALSE(reply.error);
  CHECK(reply.result["supportedVersions"] == protocol::SupportedRevisions());
  CHECK(reply.result["capabilities"]["tools"]["listChanged"] == true);
  CHECK_FALSE(reply.result["capabilities"].contains("tasks"));  // an extension in this era
  CHECK(reply.result["resultType"] == "complete");
}

TEST_CASE("An unserved modern version gets -32022 with the versions the gateway serves") {
  ModernClient client;
  Message reply = client.Ask("tools/list", Json::object(), ModernMeta("2099-01-01"));
  REQUIRE(reply.error);
  CHECK(reply.error->code == protocol::kUnsupportedProtocolVersion);
  CHECK(reply.error->data["supported"] == protocol::SupportedRevisions());
  CHECK(reply.error->data["requested"] == "2099-01-01");
}

TEST_CASE("A modern request without client capabilities, or with a bad log level, is malformed") {
  ModernClient client;
  Json meta = ModernMeta();
  meta.erase(protocol::kMetaClientCapabilities);
  CHECK(client.Ask("tools/list", Json::object(), meta).error->code == -32602);
  meta = ModernMeta();
  meta[protocol::kMetaLogLevel] = "loud";
  CHECK(client.Ask("tools/list", Json::object(), meta).error->code == -32602);
}

TEST_CASE("Methods of the legacy era only are unknown to a modern request") {
  ModernClient client;
  for (const char* method : {"ping", "logging/setLevel", "resources/subscribe"}) {
    Message reply = client.Ask(method, {{"level", "info"}, {"uri", "x://y"}});
    REQUIRE(reply.error);
    CHECK(reply.error->code == -32601);
  }
}

}  // namespace mcpgw::proxy
