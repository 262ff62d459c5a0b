#include "protocol/sse_parser.h"

#include <doctest/doctest.h>

namespace mcpgw::protocol {
namespace {

std::vector<SseEvent> ParseAll(std::string_view text) {
  SseParser parser;
  std::vector<SseEvent> events;
  CHECK(parser.Feed(text, events));
  return events;
}

TEST_CASE("SseParser dispatches an event at a blank line with its type, data and id") {
  auto events = ParseAll("event: endpoint\ndata: /message?sessionId=1\nid: 7\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "endpoint");
  CHECK(events[0].data == "/message?sessionId=1");
  CHECK(events[0].id == "7");
}

TEST_CASE("SseParser names an event without a type 'message' and joins data lines with LF") {
  auto events = ParseAll("data: first\ndata:second\ndata:  third\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "message");
  CHECK(events[0].data == "first\nsecond\n third");
}

TEST_CASE("SseParser skips comments and blocks without data") {
  auto events = ParseAll(": keep-alive\n\nevent: x\n\nid: 3\n\ndata: a\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == "a");
  CHECK(events[0].id == "3");
}

TEST_CASE("SseParser accepts CRLF, CR and LF line ends and a leading BOM") {
  auto events = ParseAll("\xEF\xBB\xBF" "data: one\r\n\r\ndata: two\r\rdata: three\n\n");
  REQUIRE(events.size() == 3);
  CHECK(events[0].data == "one");
  CHECK(events[1].data == "two");
  CHECK(events[2].data == "three");
}

TEST_CASE("SseParser completes events split across chunks, even between CR and LF") {
  SseParser parser;
  std::vector<SseEvent> events;
  for (std::string_view chunk : {"da", "ta: {\"a\"", ":1}\r", "\n", "\r", "\ndata: b\n"}) {
    CHECK(parser.Feed(chunk, events));
  }
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == "{\"a\":1}");
  CHECK(parser.Feed("\n", events));
  REQUIRE(events.size() == 2);
  CHECK(events[1].data == "b");
}

TEST_CASE("SseParser keeps the last valid retry and the last event id") {
  SseParser parser;
  std::vector<SseEvent> events;
  CHECK(parser.Feed("id: 1\nretry: 1500\ndata:\n\nretry: soon\nid: 2\n\n", events));
  REQUIRE(events.size() == 1);
  CHECK(events[0].data.empty());
  CHECK(parser.retry_ms() == 1500);
  CHECK(parser.last_event_id() == "2");
}

TEST_CASE("SseParser fails for good on a line over the limit") {
  SseParser parser(8);
  std::vector<SseEvent> events;
  CHECK_FALSE(parser.Feed("data: 0123456789\n\n", events));
  CHECK_FALSE(parser.Feed("data: a\n\n", events));
  CHECK(events.empty());
}

TEST_CASE("SseParser keeps the last id and retry across events and events without an id") {
  SseParser parser;
  std::vector<SseEvent> events;
  REQUIRE(parser.Feed("id: a.b.0\nretry: 5000\ndata:\n\n", events));
  CHECK(parser.last_event_id() == "a.b.0");
  CHECK(parser.retry_ms() == 5000);
  REQUIRE(parser.Feed("data: {}\n\nretry: x\n\n", events));
  CHECK(parser.last_event_id() == "a.b.0");  // an event without id keeps the cursor
  CHECK(parser.retry_ms() == 5000);          // an unreadable retry is ignored
  REQUIRE(events.size() == 2);
  CHECK(events[0].data.empty());
  CHECK(events[1].id == "a.b.0");
}

}  // namespace
}  // namespace mcpgw::protocol
