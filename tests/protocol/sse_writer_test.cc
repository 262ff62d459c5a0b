#include "protocol/sse_writer.h"
#include "protocol/sse_parser.h"

#include <doctest/doctest.h>

namespace mcpgw::protocol {
namespace {

std::vector<SseEvent> Parse(const std::string& text) {
  SseParser parser;
  std::vector<SseEvent> events;
  REQUIRE(parser.Feed(text, events));
  return events;
}

TEST_CASE("FormatSseEvent writes event, id and data lines and a blank line") {
  CHECK(FormatSseEvent("message", R"({"a":1})", "7") ==
        "event: message\nid: 7\ndata: {\"a\":1}\n\n");
  CHECK(FormatSseEvent("", "x") == "data: x\n\n");
}

TEST_CASE("FormatSseEvent splits data with line breaks into several data lines") {
  CHECK(FormatSseEvent("", "a\nb\r\nc\rd") == "data: a\ndata: b\ndata: c\ndata: d\n\n");
  std::vector<SseEvent> events = Parse(FormatSseEvent("endpoint", "a\nb"));
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "endpoint");
  CHECK(events[0].data == "a\nb");
}

TEST_CASE("FormatSseEvent keeps a line break in event or id from splitting the field") {
  CHECK(FormatSseEvent("a\nb", "x", "1\r2") == "event: a b\nid: 1 2\ndata: x\n\n");
}

TEST_CASE("FormatSseComment writes a comment the parser ignores") {
  CHECK(FormatSseComment("keep-alive") == ": keep-alive\n\n");
  CHECK(Parse(FormatSseComment("keep-alive") + FormatSseEvent("", "x")).size() == 1);
}

TEST_CASE("FormatSsePrimingEvent gives the parser an event id and retry with empty data") {
  CHECK(FormatSsePrimingEvent("t.k.0", 1000) == "id: t.k.0\nretry: 1000\ndata: \n\n");
  SseParser parser;
  std::vector<SseEvent> events;
  REQUIRE(parser.Feed(FormatSsePrimingEvent("t.k.0", 1500) + FormatSseEvent("message", "{}", "t.k.1"),
                      events));
  REQUIRE(events.size() == 2);
  CHECK(events[0].data.empty());  // a reader skips it: no message
  CHECK(events[0].id == "t.k.0");
  CHECK(events[1].id == "t.k.1");
  CHECK(parser.last_event_id() == "t.k.1");
  CHECK(parser.retry_ms() == 1500);
}

}  // namespace
}  // namespace mcpgw::protocol
