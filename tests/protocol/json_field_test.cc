#include "protocol/json_field.h"

#include <doctest/doctest.h>

namespace mcpgw::protocol {

TEST_CASE("Field readers answer a wrong type with the fallback or an error, never a throw") {
  const Json object = {{"s", "text"}, {"n", 1}, {"o", {{"k", true}}}, {"z", nullptr}};
  CHECK(FindMember(object, "n") != nullptr);
  CHECK(FindMember(object, "missing") == nullptr);
  CHECK(FindMember(Json::array(), "n") == nullptr);
  CHECK(StringOr(object, "s") == "text");
  CHECK(StringOr(object, "n", "fallback") == "fallback");
  CHECK(StringOr(Json(3), "s", "fallback") == "fallback");

  CHECK(*RequireString(object, "s", "s") == "text");
  Result<std::string> wrong = RequireString(object, "n", "ref.type");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == StatusCode::kInvalidArgument);
  CHECK(wrong.status().message() == "Invalid params: \"ref.type\" must be a string");
  CHECK_FALSE(RequireString(object, "missing", "missing").ok());

  CHECK(*OptionalString(object, "missing", "m", "dflt") == "dflt");
  CHECK_FALSE(OptionalString(object, "z", "z").ok());
  CHECK(OptionalObject(object, "o", "o")->at("k") == true);
  CHECK(*OptionalObject(object, "missing", "m") == Json::object());
  CHECK_FALSE(OptionalObject(object, "s", "s").ok());
}

}  // namespace mcpgw::protocol
