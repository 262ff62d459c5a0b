#include "protocol/line_framer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace mcpgw::protocol {
namespace {

struct Collected {
  std::vector<std::string> lines;
  int oversize = 0;
};

LineFramer MakeFramer(std::size_t limit, Collected& out) {
  return LineFramer(
      limit, [&out](std::string_view line) { out.lines.emplace_back(line); },
      [&out](std::string_view, std::string_view) { ++out.oversize; });
}

}  // namespace

TEST_CASE("LineFramer splits lines across chunk boundaries") {
  Collected out;
  LineFramer framer = MakeFramer(100, out);
  framer.Feed("{\"a\"");
  framer.Feed(":1}\n{\"b\":2}\n{\"c\"");
  CHECK(out.lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
  framer.Feed(":3}\n");
  CHECK(out.lines.back() == "{\"c\":3}");
}

TEST_CASE("LineFramer drops a trailing carriage return and skips blank lines") {
  Collected out;
  LineFramer framer = MakeFramer(100, out);
  framer.Feed("one\r\n\n\r\ntwo\n");
  CHECK(out.lines == std::vector<std::string>{"one", "two"});
}

TEST_CASE("LineFramer drops a line longer than the limit and keeps going") {
  Collected out;
  LineFramer framer = MakeFramer(8, out);
  SUBCASE("in one chunk") { framer.Feed("123456789\nok\n"); }
  SUBCASE("split across chunks") {
    framer.Feed("12345");
    framer.Feed("67890abc");
    framer.Feed("def\nok\n");
  }
  SUBCASE("partial line grows past the limit at its newline") {
    framer.Feed("123456");
    framer.Feed("789\nok\n");
  }
  CHECK(out.oversize == 1);
  CHECK(out.lines == std::vector<std::string>{"ok"});
}

TEST_CASE("LineFramer accepts a line of exactly the limit") {
  Collected out;
  LineFramer framer = MakeFramer(4, out);
  framer.Feed("12");
  framer.Feed("34\n");
  CHECK(out.oversize == 0);
  CHECK(out.lines == std::vector<std::string>{"1234"});
}

TEST_CASE("LineFramer reports the start and end of a discarded line, where its id may be") {
  std::string head, tail;
  int reports = 0;
  LineFramer framer(
      10000, [](std::string_view) {},
      [&](std::string_view h, std::string_view t) {
        head = h;
        tail = t;
        ++reports;
      });
  const std::string body(50000, 'x');
  SUBCASE("in one chunk") { framer.Feed("{\"id\":1,\"r\":\"" + body + "\",\"id\":2}\n"); }
  SUBCASE("in many chunks") {
    framer.Feed("{\"id\":1,");
    for (std::size_t i = 0; i < body.size(); i += 3000) framer.Feed("\"r\":\"" + body.substr(i, 3000));
    framer.Feed("\",\"id\":2}\n");
  }
  CHECK(reports == 1);
  CHECK(head.size() == LineFramer::kKeptBytes);
  CHECK(head.starts_with("{\"id\":1,"));
  CHECK(tail.size() == LineFramer::kKeptBytes);
  CHECK(tail.ends_with(",\"id\":2}"));
}

}  // namespace mcpgw::protocol
