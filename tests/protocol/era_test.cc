#include "protocol/era.h"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::protocol {

TEST_CASE("DeclaredVersion reads the modern version from params._meta only") {
  Json modern = {{"_meta", {{kMetaProtocolVersion, "2026-07-28"}}}};
  CHECK(DeclaredVersion(modern) == "2026-07-28");
  CHECK_FALSE(DeclaredVersion(Json{{"protocolVersion", "2025-11-25"}}).has_value());
  CHECK_FALSE(DeclaredVersion(Json{{"_meta", {{kMetaProtocolVersion, 20260728}}}}).has_value());
  CHECK_FALSE(DeclaredVersion(Json{{"_meta", "x"}}).has_value());
  CHECK_FALSE(DeclaredVersion(nullptr).has_value());
}

TEST_CASE("The eras split at 2026-07-28; the gateway serves the modern revision it knows") {
  CHECK(IsModernRevision("2026-07-28"));
  CHECK(IsModernRevision("2027-01-01"));
  CHECK_FALSE(IsModernRevision("2025-11-25"));
  CHECK(ServesModernRevision("2026-07-28"));
  CHECK_FALSE(ServesModernRevision("2027-01-01"));
  CHECK(SupportedRevisions() ==
        Json{"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"});
}

TEST_CASE("The modern refusals are the three codes the revision defines; items are named per method") {
  for (int code : {kHeaderMismatch, kMissingRequiredClientCapability, kUnsupportedProtocolVersion}) {
    CHECK(IsModernRefusal(code));
  }
  CHECK_FALSE(IsModernRefusal(-32602));
  CHECK_FALSE(IsModernRefusal(-32601));
  CHECK(std::string(NamedItemField("tools/call")) == "name");
  CHECK(std::string(NamedItemField("prompts/get")) == "name");
  CHECK(std::string(NamedItemField("resources/read")) == "uri");
  CHECK(NamedItemField("tools/list") == nullptr);
}

}  // namespace mcpgw::protocol
