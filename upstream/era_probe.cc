#include "upstream/era_probe.h"

#include "protocol/era.h"
#include "protocol/json_field.h"

#include <nlohmann/json.hpp>

namespace mcpgw::upstream {
namespace {

using protocol::Json;
using Kind = ProbeVerdict::Kind;

// The first revision in `listed` the gateway serves, preferring `asked`; nullopt for none.
std::optional<std::string> Choose(const Json& listed, const std::string& asked) {
  if (!listed.is_array()) return std::nullopt;
  std::optional<std::string> chosen;
  for (const Json& revision : listed) {
    if (!revision.is_string() || !protocol::ServesModernRevision(revision.get<std::string>())) {
      continue;
    }
    if (revision == asked) return asked;
    if (!chosen) chosen = revision.get<std::string>();
  }
  return chosen;
}

ProbeVerdict Speak(const std::optional<std::string>& chosen, const std::string& asked,
                   const std::string& listed_where) {
  if (!chosen) {
    return {Kind::kUnsupported,
            {},
            "the server is modern but " + listed_where + " names no revision the gateway speaks"};
  }
  return {*chosen == asked ? Kind::kModern : Kind::kAskAgain, *chosen, {}};
}

}  // namespace

ProbeVerdict JudgeProbe(const protocol::Result<Json>& reply, const std::string& asked) {
  if (reply.ok()) {
    const Json* versions = protocol::FindMember(*reply, "supportedVersions");
    if (versions == nullptr || !versions->is_array()) {
      return {Kind::kLegacy, {}, "server/discover answered without supportedVersions"};
    }
    return Speak(Choose(*versions, asked), asked, "supportedVersions");
  }
  const protocol::Status& failed = reply.status();
  const Json& error = failed.detail();
  const Json* code = failed.code() == protocol::StatusCode::kRemote
                         ? protocol::FindMember(error, "code")
                         : nullptr;
  if (code == nullptr || !code->is_number_integer() || !protocol::IsModernRefusal(code->get<int>())) {
    return {Kind::kLegacy, {}, "server/discover: " + failed.message()};
  }
  if (code->get<int>() != protocol::kUnsupportedProtocolVersion) {
    return {Kind::kUnsupported,
            {},
            "the server is modern but refused server/discover: " + failed.message()};
  }
  const Json* data = protocol::FindMember(error, "data");
  const Json* supported = data ? protocol::FindMember(*data, "supported") : nullptr;
  ProbeVerdict verdict =
      Speak(supported ? Choose(*supported, asked) : std::nullopt, asked, "its data.supported");
  // It refused `asked`: asking again with the same revision would go round in circles.
  if (verdict.kind == Kind::kModern) {
    return {Kind::kUnsupported, {}, "the server refused revision " + asked + " that it lists"};
  }
  return verdict;
}

}  // namespace mcpgw::upstream
