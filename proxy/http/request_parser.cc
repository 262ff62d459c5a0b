#include "proxy/http/request_parser.h"

#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace mcpgw::proxy {
namespace {

// The one error of our own: Beast's header_limit, since a request with that many fields is
// refused like one whose header is too large (431).
class TooManyHeadersCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "mcpgw.http"; }
  std::string message(int) const override { return "too many header fields"; }
};

}  // namespace

HttpRequestParser::HttpRequestParser(httplib::Request& request, const HttpRequestLimits& limits)
    : request_(request), max_headers_(limits.max_headers) {
  header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  body_limit(limits.max_body_bytes);
}

boost::beast::error_code HttpRequestParser::TooManyHeaders() {
  static const TooManyHeadersCategory category;
  return {1, category};
}

void HttpRequestParser::on_request_impl(boost::beast::http::verb, string_view method_str,
                                        string_view target, int version, error_code&) {
  request_.method.assign(method_str.data(), method_str.size());
  request_.target.assign(target.data(), target.size());
  request_.version = version == 10 ? "HTTP/1.0" : "HTTP/1.1";
  std::size_t query = request_.target.find('?');
  request_.path = httplib::detail::decode_url(request_.target.substr(0, query), false);
  if (query != std::string::npos) {
    httplib::detail::parse_query_text(request_.target.substr(query + 1), request_.params);
  }
}

void HttpRequestParser::on_field_impl(boost::beast::http::field, string_view name_string,
                                      string_view value, error_code& ec) {
  if (++headers_ > max_headers_) {
    ec = TooManyHeaders();
    return;
  }
  request_.headers.emplace(std::string(name_string.data(), name_string.size()),
                           std::string(value.data(), value.size()));
}

std::size_t HttpRequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t HttpRequestParser::on_chunk_body_impl(std::uint64_t, string_view body,
                                                  error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace mcpgw::proxy
