#pragma once

#include "protocol/json_rpc.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::proxy {

// Where an SSE event of a Streamable HTTP session sits: "<session tag>.<stream key>.<seq>". The
// session tag (SessionTag) tells a session's ids from another's, the stream key (random, so
// unique across replicas) names the stream, seq counts the stream's events from 1 (0 is the
// priming event, which carries no message).
struct EventId {
  std::string session_tag;
  std::string stream;
  std::uint64_t seq = 0;
};
std::string FormatEventId(const EventId& id);
// nullopt for text that is not three dot-separated parts with a decimal seq.
std::optional<EventId> ParseEventId(std::string_view text);
// The first 12 hex digits of the SHA-256 of a session id: in every event id of the session.
std::string SessionTag(std::string_view sid);

// How much of a stream is kept for a client that reconnects: the newest events up to both
// bounds (the newest one always, however large).
struct ReplayLimits {
  std::size_t max_events = 100;
  std::size_t max_bytes = 1024 * 1024;
};

// One resumable SSE stream: a POST's stream (it ends with the request's response) or a session's
// GET stream (it ends when closed). Session threads Push messages; each becomes an event with the
// next seq and stays in a bounded replay buffer. One HTTP connection at a time reads it (the
// reader): a client that reconnects with Last-Event-ID attaches a new reader, which replaces the
// old one, and reads on from its cursor. Events keep coming while no reader is attached. Shared
// (shared_ptr) by the producers, the session and the reader; any thread.
class EventStream {
 public:
  using Clock = std::chrono::steady_clock;

  EventStream(std::string session_tag, std::string key, bool ends_with_response,
              ReplayLimits limits = {});

  const std::string& key() const { return key_; }
  bool ends_with_response() const { return ends_with_response_; }
  // The event id of event seq of this stream.
  std::string IdOf(std::uint64_t seq) const;

  // Appends a message as the next event, evicting the oldest events past the limits. A response
  // finishes a stream that ends with one. Dropped once the stream is finished.
  void Push(const protocol::Message& message);
  // Finishes the stream (cancelled, session ended, replaced): readers get what is buffered after
  // their cursor, then the end. Idempotent.
  void Close();
  bool finished() const;
  // The seq of the newest event (0 before the first).
  std::uint64_t last_seq() const;
  // When the stream finished; nullopt while it runs.
  std::optional<Clock::time_point> finished_at() const;

  // Makes the caller the stream's reader and returns its number; the previous reader, if any,
  // reads kReplaced from then on.
  std::uint64_t Attach();
  // The reader's HTTP response has ended; no-op when another reader has replaced it.
  void Detach(std::uint64_t reader);
  // True while a reader is attached.
  bool attached() const;

  struct Read {
    enum class Kind { kEvent, kIdle, kEnded, kReplaced };
    Kind kind = Kind::kIdle;
    std::uint64_t seq = 0;
    std::string id;            // the event id (kEvent)
    std::string data;          // the message's JSON text (kEvent)
    protocol::Message message;  // the message (kEvent)
  };
  // For reader: the first buffered event after seq `after` (the oldest kept one when those right
  // after it were evicted), waiting up to timeout: kIdle when none came, kEnded when the stream
  // has finished and nothing is left after `after`, kReplaced when another reader took over.
  Read Next(std::uint64_t reader, std::uint64_t after, std::chrono::milliseconds timeout);

 private:
  struct Buffered {
    std::uint64_t seq;
    std::string data;
    protocol::Message message;
  };
  void Evict();  // mutex_ held

  const std::string session_tag_;
  const std::string key_;
  const bool ends_with_response_;
  const ReplayLimits limits_;
  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable changed_;
  std::deque<Buffered> events_;  // oldest first
  std::size_t bytes_ = 0;        // of events_' data
  std::uint64_t last_seq_ = 0;
  std::optional<Clock::time_point> finished_at_;
  std::uint64_t reader_ = 0;  // the attached reader's number; readers count from 1
  bool attached_ = false;
};

}  // namespace mcpgw::proxy
