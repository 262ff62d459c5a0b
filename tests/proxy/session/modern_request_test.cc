#include "proxy/session/modern_request.h"

#include "protocol/era.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {

using protocol::Json;

TEST_CASE("ReadModernRequest reads the client's version, capabilities, identity and log level") {
  Json params = {{"_meta",
                  {{protocol::kMetaProtocolVersion, "2026-07-28"},
                   {protocol::kMetaClientCapabilities, {{"sampling", Json::object()}}},
                   {protocol::kMetaClientInfo, {{"name", "c"}, {"version", "2"}}},
                   {protocol::kMetaLogLevel, "warning"}}}};
  protocol::Result<ModernRequest> read = ReadModernRequest(params);
  REQUIRE(read.ok());
  CHECK(read->version == "2026-07-28");
  CHECK(read->client_capabilities.contains("sampling"));
  CHECK(read->client_info["name"] == "c");
  CHECK(read->log_level == "warning");
}

TEST_CASE("StripClientMeta keeps only what is not the client's own declaration") {
  Json params = {{"name", "t"},
                 {"_meta",
                  {{protocol::kMetaProtocolVersion, "2026-07-28"},
                   {protocol::kMetaClientCapabilities, Json::object()},
                   {protocol::kMetaLogLevel, "info"},
                   {"progressToken", 5}}}};
  StripClientMeta(params);
  CHECK(params == Json{{"name", "t"},
                       {"_meta", {{"progressToken", 5}, {protocol::kMetaLogLevel, "info"}}}});
  Json bare = {{"_meta", {{protocol::kMetaProtocolVersion, "2026-07-28"}}}};
  StripClientMeta(bare);
  CHECK(bare == Json::object());
}

TEST_CASE("MarkModernResultText gives what MarkModernResult gives, from the text") {
  for (const Json& result : {Json::object(), Json{{"tools", Json::array({{{"name", "a"}}})}}}) {
    Json marked = result;
    MarkModernResult(marked);
    CHECK(Json::parse(MarkModernResultText(result.dump())) == marked);
  }
}

}  // namespace mcpgw::proxy
