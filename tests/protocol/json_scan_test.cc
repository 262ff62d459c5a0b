#include "protocol/json_scan.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace mcpgw::protocol {
namespace {

std::string Nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("NestedDeeperThan counts arrays and objects, not brackets inside strings") {
  CHECK_FALSE(NestedDeeperThan("{}", 1));
  CHECK(NestedDeeperThan("{\"a\":[]}", 1));
  CHECK_FALSE(NestedDeeperThan("{\"a\":[]}", 2));
  CHECK_FALSE(NestedDeeperThan("[[],[],{\"b\":{}}]", 3));
  CHECK(NestedDeeperThan("[[],[],{\"b\":{}}]", 2));
  CHECK_FALSE(NestedDeeperThan(R"({"s":"[[[[{{{{ \" [[[["})", 1));
  CHECK(NestedDeeperThan(Nested(65), 64));
  CHECK_FALSE(NestedDeeperThan(Nested(64), 64));
}

TEST_CASE("NestedDeeperThan scans 100000 levels without recursing") {
  CHECK(NestedDeeperThan(Nested(100000), 64));
  CHECK(NestedDeeperThan(std::string(100000, '['), 64));  // cut short: still too deep
}

TEST_CASE("FindTopLevelId reads the id of the top-level object only") {
  CHECK(FindTopLevelId(R"({"jsonrpc":"2.0","id":7,"result":[[[)") == 7);
  CHECK(FindTopLevelId(R"( { "id" : "a\"b" , "x":1})") == "a\"b");
  CHECK(FindTopLevelId(R"({"params":{"id":3},"id":-4})") == -4);
  CHECK(FindTopLevelId(R"({"params":{"id":3}})").is_null());
  CHECK(FindTopLevelId(R"({"method":"id","x":1})").is_null());  // "id" as a value, not a key
  CHECK(FindTopLevelId(R"({"id":1.5})").is_null());
  CHECK(FindTopLevelId(R"({"id":null})").is_null());
  CHECK(FindTopLevelId(R"([{"id":1}])").is_null());
  CHECK(FindTopLevelId(R"({"id":12)").is_null());  // cut inside the number
}

TEST_CASE("FindTopLevelId finds an id after a value too deep to parse") {
  std::string text = R"({"jsonrpc":"2.0","params":)" + Nested(100000) + R"(,"id":"late"})";
  CHECK(FindTopLevelId(text) == "late");
}

TEST_CASE("FindTrailingId reads an id that is the last member") {
  CHECK(FindTrailingId(R"(xxxxx"}]},"jsonrpc":"2.0","id":12})") == 12);
  CHECK(FindTrailingId("xx]}, \"id\" : \"q\\\"\" }\r") == "q\"");
  CHECK(FindTrailingId(R"(xx,"jsonrpc":"2.0"})").is_null());
  CHECK(FindTrailingId(R"(xx:{"id":1}})").is_null());  // not preceded by a member separator
  CHECK(FindTrailingId(R"(x"pid":1})").is_null());
  CHECK(FindTrailingId("").is_null());
}

}  // namespace mcpgw::protocol
