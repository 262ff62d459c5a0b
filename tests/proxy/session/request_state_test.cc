#include "proxy/session/request_state.h"

#include "protocol/base64url.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using protocol::StatusCode;

const Json kParams = {{"name", "everything__trigger-elicitation-request"},
                      {"arguments", {{"x", 1}}},
                      {"_meta", {{"progressToken", 7}}}};

RequestStateClaims Held(std::string digest, std::int64_t expires_at) {
  return {"alice", "tools/call", std::move(digest), expires_at, "held-1"};
}

std::int64_t InAMinute() { return RequestStates::ExpiresIn(std::chrono::minutes(1)); }

}  // namespace

TEST_CASE("A sealed requestState opens for its principal, method and params") {
  RequestStates states("");
  const std::string digest = RequestStates::Digest("everything", kParams);
  const std::string state = states.Seal(Held(digest, InAMinute()));
  auto claims = states.Open(state, "alice", "tools/call", digest);
  REQUIRE(claims.ok());
  CHECK(claims->held_call == "held-1");
  CHECK(claims->server.empty());
}

TEST_CASE("The params digest ignores _meta, inputResponses and requestState, not the arguments") {
  Json retry = kParams;
  retry["_meta"] = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}};
  retry["inputResponses"] = {{"k", {{"action", "accept"}}}};
  retry["requestState"] = "abc";
  CHECK(RequestStates::Digest("everything", retry) == RequestStates::Digest("everything", kParams));
  Json other = kParams;
  other["arguments"]["x"] = 2;
  CHECK(RequestStates::Digest("everything", other) != RequestStates::Digest("everything", kParams));
  CHECK(RequestStates::Digest("other", kParams) != RequestStates::Digest("everything", kParams));
}

TEST_CASE("A requestState is refused when tampered with, foreign, misapplied or expired") {
  RequestStates states("");
  const std::string digest = RequestStates::Digest("everything", kParams);
  const std::string state = states.Seal(Held(digest, InAMinute()));
  auto refused = [&](const std::string& text, const char* principal, const char* method,
                     const std::string& with_digest, const char* why) {
    auto claims = states.Open(text, principal, method, with_digest);
    REQUIRE_FALSE(claims.ok());
    CHECK(claims.status().code() == StatusCode::kInvalidArgument);
    CHECK(claims.status().message().starts_with("Invalid params: requestState"));
    CHECK(claims.status().message().find(why) != std::string::npos);
  };
  SUBCASE("a changed payload fails verification") {
    RequestStateClaims claims = Held(digest, InAMinute());
    claims.principal = "mallory";
    const std::string forged = states.Seal(claims);
    const std::string spliced = forged.substr(0, forged.find('.')) + state.substr(state.find('.'));
    refused(spliced, "mallory", "tools/call", digest, "failed verification");
  }
  SUBCASE("a flipped MAC character fails verification") {
    std::string flipped = state;
    char& c = flipped[state.find('.') + 5];  // a whole 6-bit group of the MAC
    c = c == 'A' ? 'B' : 'A';
    refused(flipped, "alice", "tools/call", digest, "failed verification");
  }
  SUBCASE("no MAC at all") { refused("garbage", "alice", "tools/call", digest, "not one"); }
  SUBCASE("another gateway's key") {
    refused(RequestStates("").Seal(Held(digest, InAMinute())), "alice", "tools/call", digest,
            "failed verification");
  }
  SUBCASE("another principal") {
    refused(state, "bob", "tools/call", digest, "another caller");
  }
  SUBCASE("other params or another method") {
    Json other = kParams;
    other["arguments"]["x"] = 2;
    refused(state, "alice", "tools/call", RequestStates::Digest("everything", other), "differ");
    refused(state, "alice", "prompts/get", digest, "differ");
  }
  SUBCASE("expired") {
    refused(states.Seal(Held(digest, RequestStates::ExpiresIn(std::chrono::milliseconds(-1)))),
            "alice", "tools/call", digest, "expired");
  }
}

TEST_CASE("Replicas sharing a session secret open each other's requestState") {
  RequestStates one("shared-secret"), two("shared-secret"), other("another-secret");
  RequestStateClaims wrapped{"alice", "prompts/get", "d", InAMinute(), "", "remote", "their-state"};
  const std::string state = one.Seal(wrapped);
  auto claims = two.Open(state, "alice", "prompts/get", "d");
  REQUIRE(claims.ok());
  CHECK(claims->server == "remote");
  CHECK(claims->upstream_state == "their-state");
  CHECK_FALSE(other.Open(state, "alice", "prompts/get", "d").ok());
  // The session secret itself does not sign requestState: a session-id MAC is no state MAC.
  CHECK(state.find('.') != std::string::npos);
}

TEST_CASE("A state naming both a held call and a server, or neither, is malformed") {
  RequestStates states("");
  RequestStateClaims both{"alice", "tools/call", "d", InAMinute(), "held-1", "remote"};
  auto claims = states.Open(states.Seal(both), "alice", "tools/call", "d");
  REQUIRE_FALSE(claims.ok());
  CHECK(claims.status().message().find("malformed") != std::string::npos);
}

}  // namespace mcpgw::proxy
