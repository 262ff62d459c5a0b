#include "protocol/status.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <utility>

namespace mcpgw::protocol {

TEST_CASE("Status without detail reads a null detail") {
  CHECK(Status::Ok().ok());
  CHECK(Status::Ok().detail().is_null());
  Status closed(StatusCode::kClosed, "closed");
  CHECK_FALSE(closed.ok());
  CHECK(closed.code() == StatusCode::kClosed);
  CHECK(closed.message() == "closed");
  CHECK(closed.detail().is_null());
}

TEST_CASE("Status keeps its detail, and copies of it read the same detail") {
  Status unavailable(StatusCode::kUnavailable, "down", {{"server", "files"}});
  CHECK(unavailable.detail() == Json{{"server", "files"}});

  Status copy = unavailable;
  CHECK(copy.code() == StatusCode::kUnavailable);
  CHECK(copy.message() == "down");
  CHECK(copy.detail() == Json{{"server", "files"}});

  Status moved = std::move(unavailable);
  CHECK(moved.detail() == Json{{"server", "files"}});
}

TEST_CASE("Result carries a Status with its detail when there is no value") {
  Result<int> failed = Status(StatusCode::kRemote, "refused", {{"code", -32601}});
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().detail()["code"] == -32601);
  Result<int> value = 3;
  CHECK(value.status().ok());
  CHECK(value.status().detail().is_null());
}

}  // namespace mcpgw::protocol
