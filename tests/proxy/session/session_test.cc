#include "proxy/session/session.h"

#include "proxy/app/gateway.h"

#include <doctest/doctest.h>

#include <mutex>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::Message;

// A Session on a gateway with no upstreams, recording what its client reads.
struct Conversation {
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

  Message Ask(const std::string& method, Json params = Json::object()) {
    session.HandleRequest(protocol::MakeRequest(42, method, std::move(params)), record);
    std::lock_guard lock(mutex);
    REQUIRE(!sent.empty());
    Message last = sent.back();
    CHECK(last.id == 42);
    return last;
  }
};

}  // namespace

TEST_CASE("Session negotiates the client's revision and announces list changes") {
  Conversation conversation;
  Message reply = conversation.Ask("initialize", {{"protocolVersion", "2024-11-05"},
                                                  {"capabilities", Json::object()},
                                                  {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
  REQUIRE_FALSE(reply.error);
  CHECK(reply.result["protocolVersion"] == "2024-11-05");
  CHECK(reply.result["capabilities"]["tools"]["listChanged"] == true);
  CHECK(reply.result["serverInfo"]["name"] == "mcpgw");

  reply = conversation.Ask("initialize", {{"protocolVersion", "1999-01-01"}});
  CHECK(reply.result["protocolVersion"] == "2025-11-25");
}

TEST_CASE("Session answers ping and the lists itself") {
  Conversation conversation;
  CHECK(conversation.Ask("ping").result == Json::object());
  CHECK(conversation.Ask("tools/list").result == Json{{"tools", Json::array()}});
  CHECK(conversation.Ask("prompts/list").result == Json{{"prompts", Json::array()}});
  CHECK(conversation.Ask("resources/list").result == Json{{"resources", Json::array()}});
  CHECK(conversation.Ask("resources/templates/list").result ==
        Json{{"resourceTemplates", Json::array()}});
}

TEST_CASE("Session answers an unknown tool with -32602 naming it") {
  Conversation conversation;
  Message reply = conversation.Ask("tools/call", {{"name", "nope__x"}, {"arguments", {}}});
  REQUIRE(reply.error);
  CHECK(reply.error->code == -32602);
  CHECK(reply.error->message == "Unknown tool: nope__x");

  reply = conversation.Ask("prompts/get", {{"name", "nope__p"}});
  CHECK(reply.error->code == -32602);
  reply = conversation.Ask("resources/read", {{"uri", "file:///x"}});
  CHECK(reply.error->code == -32602);
}

TEST_CASE("Session rejects missing or mistyped params with -32602") {
  Conversation conversation;
  CHECK(conversation.Ask("tools/call", {{"arguments", {}}}).error->code == -32602);
  CHECK(conversation.Ask("tools/call", {{"name", 5}}).error->code == -32602);
  CHECK(conversation.Ask("completion/complete", {{"ref", {{"type", "ref/other"}}}}).error->code ==
        -32602);
  CHECK(conversation.Ask("logging/setLevel").error->code == -32602);
}

TEST_CASE("Session answers completion/complete with a ref of the wrong type with -32602 naming it") {
  Conversation conversation;
  for (const Json& type : {Json(1), Json(nullptr), Json::object(), Json::array()}) {
    CAPTURE(type.dump());
    Message reply = conversation.Ask("completion/complete", {{"ref", {{"type", type}}}});
    REQUIRE(reply.error);
    CHECK(reply.error->code == -32602);
    CHECK(reply.error->message == "Invalid params: \"ref.type\" must be a string");
  }
  Message not_object = conversation.Ask("completion/complete", {{"ref", Json::array()}});
  CHECK(not_object.error->message == "Invalid params: \"ref\" must be an object");
  Message name = conversation.Ask("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", 3}}}});
  CHECK(name.error->message == "Invalid params: \"ref.name\" must be a string");
  CHECK(conversation.Ask("ping").result == Json::object());
}

TEST_CASE("Session answers a method it does not route with -32601") {
  Conversation conversation;
  Message reply = conversation.Ask("sampling/createMessage");
  REQUIRE(reply.error);
  CHECK(reply.error->code == -32601);
}

TEST_CASE("Session sends gateway notifications only after initialize") {
  Conversation conversation;
  conversation.session.Deliver(protocol::MakeNotification("notifications/tools/list_changed"));
  CHECK(conversation.sent.empty());
  conversation.Ask("initialize", {{"protocolVersion", "2025-11-25"}});
  conversation.session.Deliver(protocol::MakeNotification("notifications/tools/list_changed"));
  CHECK(conversation.sent.back().method == "notifications/tools/list_changed");
}

}  // namespace mcpgw::proxy
