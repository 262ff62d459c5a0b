#include "upstream/era_probe.h"

#include "protocol/era.h"
#include "upstream/modern_envelope.h"
#include "upstream/offer_fetch.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace mcpgw::upstream {
namespace {

using protocol::Json;
using protocol::Status;
using protocol::StatusCode;
using Kind = ProbeVerdict::Kind;

Status RemoteError(int code, Json data = nullptr) {
  Json error = {{"code", code}, {"message", "refused"}};
  if (!data.is_null()) error["data"] = std::move(data);
  return Status(StatusCode::kRemote, "refused", std::move(error));
}

}  // namespace

TEST_CASE("JudgeProbe: a DiscoverResult listing the revision asked for is modern") {
  Json result = {{"supportedVersions", {"2026-07-28"}}, {"capabilities", Json::object()}};
  ProbeVerdict verdict = JudgeProbe(result, "2026-07-28");
  CHECK(verdict.kind == Kind::kModern);
  CHECK(verdict.revision == "2026-07-28");
}

TEST_CASE("JudgeProbe: any other error, or no answer in time, means legacy") {
  CHECK(JudgeProbe(RemoteError(-32601), "2026-07-28").kind == Kind::kLegacy);
  CHECK(JudgeProbe(RemoteError(-32602), "2026-07-28").kind == Kind::kLegacy);
  CHECK(JudgeProbe(Status(StatusCode::kTimeout, "timed out"), "2026-07-28").kind == Kind::kLegacy);
  CHECK(JudgeProbe(Json{{"tools", Json::array()}}, "2026-07-28").kind == Kind::kLegacy);
}

TEST_CASE("JudgeProbe: -32022 naming a revision the gateway speaks asks again with it") {
  Json unsupported = {{"supported", {"2099-01-01", "2026-07-28"}}, {"requested", "2030-01-01"}};
  ProbeVerdict again =
      JudgeProbe(RemoteError(protocol::kUnsupportedProtocolVersion, unsupported), "2030-01-01");
  CHECK(again.kind == Kind::kAskAgain);
  CHECK(again.revision == "2026-07-28");
}

TEST_CASE(
    "JudgeProbe: a modern refusal with nothing to fall back on is unsupported, never legacy") {
  Json none = {{"supported", {"2099-01-01"}}};
  CHECK(JudgeProbe(RemoteError(protocol::kUnsupportedProtocolVersion, none), "2026-07-28").kind ==
        Kind::kUnsupported);
  Json same = {{"supported", {"2026-07-28"}}};
  CHECK(JudgeProbe(RemoteError(protocol::kUnsupportedProtocolVersion, same), "2026-07-28").kind ==
        Kind::kUnsupported);
  CHECK(JudgeProbe(RemoteError(protocol::kMissingRequiredClientCapability), "2026-07-28").kind ==
        Kind::kUnsupported);
  Json other_list = {{"supportedVersions", {"2099-01-01"}}};
  CHECK(JudgeProbe(other_list, "2026-07-28").kind == Kind::kUnsupported);
}

TEST_CASE("ApplyDiscoverResult reads serverInfo from _meta, instructions and ttlMs") {
  Json result = {{"supportedVersions", {"2026-07-28"}},
                 {"capabilities", {{"tools", Json::object()}}},
                 {"instructions", "Use it well."},
                 {"ttlMs", 60000},
                 {"_meta", {{protocol::kMetaServerInfo, {{"name", "s"}, {"version", "2"}}}}}};
  Offer offer;
  REQUIRE(ApplyDiscoverResult(result, "2026-07-28", offer).ok());
  CHECK(offer.era == Era::kModern);
  CHECK(offer.protocol_version == "2026-07-28");
  CHECK(offer.server_info["name"] == "s");
  CHECK(offer.instructions == "Use it well.");
  CHECK(offer.discover_ttl_ms == 60000);
  result["_meta"][protocol::kMetaServerInfo]["name"] = 7;
  CHECK(ApplyDiscoverResult(result, "2026-07-28", offer).message() ==
        "server/discover result serverInfo.name is not a string");
}

TEST_CASE("TtlOf: absent, negative or not an integer is 0") {
  CHECK(TtlOf(Json::object()) == 0);
  CHECK(TtlOf(Json{{"ttlMs", -5}}) == 0);
  CHECK(TtlOf(Json{{"ttlMs", "10"}}) == 0);
  CHECK(TtlOf(Json{{"ttlMs", 10}}) == 10);
}

TEST_CASE("ModernEnvelope merges into the params' own _meta") {
  ModernEnvelope envelope("2026-07-28", {{"sampling", Json::object()}});
  Json stamped = envelope.Stamp({{"name", "t"}, {"_meta", {{"progressToken", 3}}}});
  CHECK(stamped["_meta"]["progressToken"] == 3);
  CHECK(stamped["_meta"][protocol::kMetaProtocolVersion] == "2026-07-28");
  CHECK(stamped["_meta"][protocol::kMetaClientCapabilities] == Json{{"sampling", Json::object()}});
  CHECK(stamped["_meta"][protocol::kMetaClientInfo]["name"] == "mcpgw");
  CHECK_FALSE(stamped["_meta"].contains(protocol::kMetaLogLevel));
  envelope.SetLogLevel("warning");
  CHECK(envelope.Stamp(nullptr)["_meta"][protocol::kMetaLogLevel] == "warning");
  // A modern client's own capabilities, for its call, replace the gateway's.
  Json elicitation_only = {{"elicitation", Json::object()}};
  CHECK(envelope.Stamp(nullptr, elicitation_only)["_meta"][protocol::kMetaClientCapabilities] ==
        elicitation_only);
}

TEST_CASE("ModernHeaders: version, method and name; a name that is not plain ASCII in base64") {
  Json params = DiscoverParams("2026-07-28", Json::object());
  params["name"] = "get_weather";
  HeaderList headers = ModernHeaders(protocol::MakeRequest(1, "tools/call", params));
  CHECK(headers == HeaderList{{"MCP-Protocol-Version", "2026-07-28"},
                              {"Mcp-Method", "tools/call"},
                              {"Mcp-Name", "get_weather"}});
  params.erase("name");
  params["uri"] = "file:///caf\xc3\xa9";
  headers = ModernHeaders(protocol::MakeRequest(1, "resources/read", params));
  CHECK(headers.back() ==
        std::pair<std::string, std::string>{"Mcp-Name", "=?base64?ZmlsZTovLy9jYWbDqQ==?="});
  CHECK(ModernHeaders(protocol::MakeRequest(1, "tools/list", Json::object())).empty());
}

}  // namespace mcpgw::upstream
