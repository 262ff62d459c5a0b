#include "protocol/version.h"

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::protocol {

TEST_CASE("NegotiateRevision answers the client's revision when supported, else the newest") {
  for (std::string_view revision : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}) {
    CHECK(NegotiateRevision(std::string(revision)) == revision);
    CHECK(IsSupportedRevision(revision));
  }
  CHECK(NegotiateRevision("1999-01-01") == "2025-11-25");
  CHECK(NegotiateRevision("") == "2025-11-25");
  CHECK_FALSE(IsSupportedRevision("2026-07-28"));  // stateless: negotiated per request, not here
}

}  // namespace mcpgw::protocol
