#include "protocol/base64url.h"

#include <doctest/doctest.h>

namespace mcpgw::protocol {

TEST_CASE("Base64url round-trips any bytes, unpadded, and refuses what is not base64url") {
  const std::string bytes("\x00\xfb\xff?>mcpgw", 10);
  const std::string text = Base64UrlEncode(bytes);
  CHECK(text.find_first_of("+/=") == std::string::npos);
  CHECK(Base64UrlDecode(text) == bytes);
  CHECK(Base64UrlEncode("") == "");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlDecode("Zg=") == std::nullopt);   // padding
  CHECK(Base64UrlDecode("Z+8") == std::nullopt);   // the standard alphabet
  CHECK(Base64UrlDecode("Zm9vY") == std::nullopt);  // a dangling 6-bit group
}

}  // namespace mcpgw::protocol
