#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::protocol {

// One dispatched server-sent event (WHATWG HTML "event stream interpretation").
struct SseEvent {
  std::string event = "message";  // the "event:" field, "message" when the event had none
  std::string data;               // "data:" lines joined with '\n'
  std::string id;                 // the last event id seen on the stream so far
};

// Splits a text/event-stream byte stream, fed in arbitrary chunks, into events: fields event,
// data (multi-line), id and retry; comment lines; LF, CR or CRLF line ends; a leading BOM. An
// event is dispatched at a blank line; a block with no data dispatches nothing. One thread.
class SseParser {
 public:
  // max_line_bytes bounds one line (and so one data field); longer lines fail the stream.
  explicit SseParser(std::size_t max_line_bytes = 16 * 1024 * 1024);

  // Appends the events completed by chunk to out. Returns false, and stays failed, once a line
  // exceeds the limit.
  bool Feed(std::string_view chunk, std::vector<SseEvent>& out);

  // The id of the last event, for a Last-Event-ID header on reconnection.
  const std::string& last_event_id() const { return last_id_; }

  // The reconnection delay the server last asked for with "retry:", if any.
  std::optional<long> retry_ms() const { return retry_; }

 private:
  void Line(std::string_view line, std::vector<SseEvent>& out);
  void Field(std::string_view name, std::string_view value);

  std::size_t max_line_bytes_;
  std::string pending_;  // a line not yet terminated
  bool after_cr_ = false;
  bool started_ = false;  // the BOM check is done
  bool failed_ = false;
  std::string event_;
  std::string data_;
  bool has_data_ = false;
  std::optional<long> retry_;
  std::string last_id_;
};

}  // namespace mcpgw::protocol
