#include "proxy/http/reply.h"

#include "protocol/sse_writer.h"

#include <algorithm>

namespace mcpgw::proxy {
namespace {

constexpr const char* kJson = "application/json";

std::string ErrorBody(int code, const std::string& message) {
  return protocol::Serialize(protocol::MakeError(nullptr, {code, message, nullptr}));
}

std::string ReasonOf(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Payload Too Large: the body exceeds gateway.max_message_bytes";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    default:
      return "HTTP error " + std::to_string(status);
  }
}

// data.retry_after_ms of a rate-limit error (-32004), or nullopt for any other message.
std::optional<std::int64_t> RetryAfterMs(const protocol::Message& message) {
  if (!message.is_response() || !message.error) return std::nullopt;
  if (message.error->code != protocol::error_code::kRateLimited) return std::nullopt;
  const protocol::Json& data = message.error->data;
  if (!data.is_object() || !data.contains("retry_after_ms")) return std::int64_t{0};
  const protocol::Json& ms = data["retry_after_ms"];
  return ms.is_number_integer() ? std::max<std::int64_t>(ms.get<std::int64_t>(), 0) : 0;
}

// What one stream needs between calls of httplib's content provider.
struct StreamState {
  std::shared_ptr<MessageQueue> queue;
  std::optional<protocol::Message> first;
  StreamOptions options;
  bool started = false;
  bool ended = false;  // sink.done() was called
};

// Writes the next piece of the stream; false when the client is gone.
bool WriteNext(StreamState& state, httplib::DataSink& sink) {
  auto write = [&sink](const std::string& text) { return sink.write(text.data(), text.size()); };
  if (!state.started) {
    state.started = true;
    if (!state.options.prelude.empty()) return write(state.options.prelude);
  }
  std::optional<protocol::Message> message = std::move(state.first);
  state.first.reset();
  if (!message) message = state.queue->Pop(state.options.keepalive);
  if (!message) {
    if (!state.queue->closed()) return write(protocol::FormatSseComment("keep-alive"));
    state.ended = true;
    sink.done();
    return true;
  }
  if (!write(protocol::FormatSseEvent(state.options.event, protocol::Serialize(*message)))) {
    return false;
  }
  if (state.options.end_after_response && message->is_response()) {
    state.ended = true;
    sink.done();
  }
  return true;
}

// A POST's stream stays in one call of the content provider until its response is out: httplib
// ends a chunked response between calls once the server stops, and a drain must let the
// requests in flight finish.
bool WriteUntilResponse(StreamState& state, httplib::DataSink& sink) {
  while (!state.ended) {
    if (!WriteNext(state, sink)) return false;
  }
  return true;
}

// What one resumable stream's response needs between calls of the content provider.
struct EventWriter {
  std::shared_ptr<EventStream> stream;
  EventStreamOptions options;
  bool started = false;
  bool ended = false;  // sink.done() was called
};

// Writes the next piece of an event stream; false when the client is gone.
bool WriteNextEvent(EventWriter& writer, httplib::DataSink& sink) {
  auto write = [&sink](const std::string& text) { return sink.write(text.data(), text.size()); };
  if (!writer.started) {
    writer.started = true;
    if (!writer.options.prelude.empty()) return write(writer.options.prelude);
  }
  EventStream::Read read =
      writer.stream->Next(writer.options.reader, writer.options.after, writer.options.keepalive);
  switch (read.kind) {
    case EventStream::Read::Kind::kIdle:
      return write(protocol::FormatSseComment("keep-alive"));
    case EventStream::Read::Kind::kEvent:
      writer.options.after = read.seq;
      return write(protocol::FormatSseEvent("message", read.data, read.id));
    case EventStream::Read::Kind::kEnded:
    case EventStream::Read::Kind::kReplaced:
      break;
  }
  writer.ended = true;
  sink.done();
  return true;
}

}  // namespace

void SendRefusal(httplib::Response& res, const HttpRefusal& refusal) {
  res.status = refusal.status;
  res.set_content(ErrorBody(protocol::error_code::kTransportError, refusal.message), kJson);
}

void FillErrorBody(httplib::Response& res) {
  if (!res.body.empty()) return;
  res.set_content(ErrorBody(protocol::error_code::kTransportError, ReasonOf(res.status)), kJson);
}

void SendMessage(httplib::Response& res, const protocol::Message& message,
                 std::string serialized) {
  res.status = 200;
  if (std::optional<std::int64_t> ms = RetryAfterMs(message)) {
    res.status = 429;
    res.set_header("Retry-After", std::to_string((*ms + 999) / 1000));
  }
  res.set_content(serialized.empty() ? protocol::Serialize(message) : std::move(serialized), kJson);
}

void StreamMessages(httplib::Response& res, std::shared_ptr<MessageQueue> queue,
                    std::optional<protocol::Message> first, StreamOptions options) {
  auto state = std::make_shared<StreamState>(
      StreamState{std::move(queue), std::move(first), std::move(options)});
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [state](std::size_t, httplib::DataSink& sink) {
        return state->options.end_after_response ? WriteUntilResponse(*state, sink)
                                                 : WriteNext(*state, sink);
      },
      [state](bool) {
        if (state->options.on_end) state->options.on_end();
        state->options.hold.reset();
      });
}

void StreamEvents(httplib::Response& res, std::shared_ptr<EventStream> stream,
                  EventStreamOptions options) {
  auto writer = std::make_shared<EventWriter>(EventWriter{std::move(stream), std::move(options)});
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [writer](std::size_t, httplib::DataSink& sink) {
        if (!writer->stream->ends_with_response()) return WriteNextEvent(*writer, sink);
        while (!writer->ended) {
          if (!WriteNextEvent(*writer, sink)) return false;
        }
        return true;
      },
      [writer](bool) {
        if (writer->options.on_end) writer->options.on_end();
        writer->options.hold.reset();
      });
}

}  // namespace mcpgw::proxy
