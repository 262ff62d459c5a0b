#include "protocol/sse_parser.h"

#include <charconv>

namespace mcpgw::protocol {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

SseParser::SseParser(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

bool SseParser::Feed(std::string_view chunk, std::vector<SseEvent>& out) {
  if (failed_) return false;
  for (char c : chunk) {
    if (c == '\n' && after_cr_) {  // the LF of a CRLF
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c != '\n' && c != '\r') {
      pending_ += c;
      if (pending_.size() > max_line_bytes_) return !(failed_ = true);
      continue;
    }
    std::string line = std::move(pending_);
    pending_.clear();
    Line(line, out);
  }
  return true;
}

void SseParser::Line(std::string_view line, std::vector<SseEvent>& out) {
  if (!started_) {
    started_ = true;
    if (line.starts_with(kBom)) line.remove_prefix(kBom.size());
  }
  if (line.empty()) {
    if (has_data_) out.push_back({event_.empty() ? "message" : event_, data_, last_id_});
    event_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // a comment, e.g. a keep-alive
  std::size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (value.starts_with(' ')) value.remove_prefix(1);
  Field(name, value);
}

void SseParser::Field(std::string_view name, std::string_view value) {
  if (name == "event") {
    event_ = value;
  } else if (name == "data") {
    if (has_data_) data_ += '\n';
    data_ += value;
    has_data_ = true;
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_ = value;
  } else if (name == "retry") {
    long ms = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (error == std::errc() && end == value.data() + value.size() && !value.empty()) retry_ = ms;
  }
}

}  // namespace mcpgw::protocol
