#pragma once

#include "proxy/http/listener.h"

#include <boost/beast/http/basic_parser.hpp>
#include <httplib.h>

#include <cstddef>

namespace mcpgw::proxy {

// Parses one HTTP/1.x request straight into a cpp-httplib Request (the type the handlers take):
// method, target, path (percent-decoded), query params, version, headers and body. Beast does
// the framing and the byte limits (header_limit on the whole header, body_limit on the body
// octets, chunked or not); a field past max_headers fails with TooManyHeaders(). One parser
// per request; used by one thread at a time.
class HttpRequestParser : public boost::beast::http::basic_parser<true> {
 public:
  HttpRequestParser(httplib::Request& request, const HttpRequestLimits& limits);

  // The error a request with more than max_headers fields fails with.
  static boost::beast::error_code TooManyHeaders();

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_str,
                       string_view target, int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body,
                                 error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  httplib::Request& request_;
  const std::size_t max_headers_;
  std::size_t headers_ = 0;
};

}  // namespace mcpgw::proxy
