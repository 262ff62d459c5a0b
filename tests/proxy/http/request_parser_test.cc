#include "proxy/http/request_parser.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <doctest/doctest.h>

#include <string>

namespace mcpgw::proxy {
namespace {

namespace http = boost::beast::http;

// Feeds `text` to a parser in one piece; returns the error (none when the request is complete).
boost::beast::error_code Parse(const std::string& text, httplib::Request& req,
                               const HttpRequestLimits& limits = {}) {
  HttpRequestParser parser(req, limits);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(text), ec);
  if (!ec && !parser.is_done()) ec = http::error::need_more;
  return ec;
}

TEST_CASE("HttpRequestParser fills method, path, query, headers and a chunked body") {
  httplib::Request req;
  std::string text =
      "POST /a%20b?x=1&y=two HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-A: 2\r\n"
      "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  REQUIRE_FALSE(Parse(text, req));
  CHECK(req.method == "POST");
  CHECK(req.path == "/a b");
  CHECK(req.get_param_value("y") == "two");
  CHECK(req.get_header_value_count("x-a") == 2);
  CHECK(req.version == "HTTP/1.1");
  CHECK(req.body == "abcde");
}

TEST_CASE("HttpRequestParser bounds the body octets read, chunked or sized") {
  HttpRequestLimits limits;
  limits.max_body_bytes = 4;
  httplib::Request chunked;
  CHECK(Parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n",
              chunked, limits) == http::error::body_limit);
  CHECK(chunked.body.size() <= 4);
  httplib::Request sized;
  CHECK(Parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde", sized, limits) ==
        http::error::body_limit);
  CHECK(sized.body.empty());
}

TEST_CASE("HttpRequestParser bounds the header in bytes and in fields") {
  HttpRequestLimits limits;
  limits.max_header_bytes = 1024;
  limits.max_headers = 3;
  httplib::Request long_header;
  CHECK(Parse("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", long_header, limits) ==
        http::error::header_limit);
  httplib::Request many;
  CHECK(Parse("GET / HTTP/1.1\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n", many, limits) ==
        HttpRequestParser::TooManyHeaders());
  CHECK(many.headers.size() == 3);
  httplib::Request three;
  CHECK_FALSE(Parse("GET / HTTP/1.1\r\nA: 1\r\nB: 1\r\nC: 1\r\n\r\n", three, limits));
}

}  // namespace
}  // namespace mcpgw::proxy
