#include "proxy/http/event_stream.h"

#include "proxy/app/gateway.h"
#include "proxy/http/session_registry.h"

#include <doctest/doctest.h>

#include <thread>

namespace mcpgw::proxy {
namespace {

using namespace std::chrono_literals;
using Kind = EventStream::Read::Kind;

protocol::Message Progress(int n) {
  return protocol::MakeNotification("notifications/progress", {{"progress", n}});
}

}  // namespace

TEST_CASE("Event ids name the session, the stream and the event, and read back") {
  std::string text = FormatEventId({"0123456789ab", "k-_Z", 42});
  CHECK(text == "0123456789ab.k-_Z.42");
  std::optional<EventId> id = ParseEventId(text);
  REQUIRE(id);
  CHECK(id->session_tag == "0123456789ab");
  CHECK(id->stream == "k-_Z");
  CHECK(id->seq == 42);
  for (std::string_view bad : {"", "a.b", "a.b.", "a.b.x", "a..1", ".b.1", "a.b.1.2", "a.b.-1"}) {
    CHECK_MESSAGE(!ParseEventId(bad), bad);
  }
  CHECK(SessionTag("sid-1").size() == 12);
  CHECK(SessionTag("sid-1") == SessionTag("sid-1"));
  CHECK(SessionTag("sid-1") != SessionTag("sid-2"));
}

TEST_CASE("EventStream numbers events from 1 and reads on from a cursor") {
  EventStream stream("tag", "key", true);
  std::uint64_t reader = stream.Attach();
  stream.Push(Progress(1));
  stream.Push(Progress(2));
  EventStream::Read first = stream.Next(reader, 0, 0ms);
  REQUIRE(first.kind == Kind::kEvent);
  CHECK(first.seq == 1);
  CHECK(first.id == "tag.key.1");
  CHECK(first.data == protocol::Serialize(Progress(1)));
  CHECK(stream.Next(reader, 1, 0ms).seq == 2);
  CHECK(stream.Next(reader, 2, 0ms).kind == Kind::kIdle);
  stream.Push(Progress(3));
  CHECK(stream.Next(reader, 2, 0ms).seq == 3);
}

TEST_CASE("A POST's EventStream ends with its response; nothing is added after it") {
  EventStream stream("tag", "key", true);
  std::uint64_t reader = stream.Attach();
  stream.Push(Progress(1));
  stream.Push(protocol::MakeResult(7, {{"ok", true}}));
  CHECK(stream.finished());
  stream.Push(Progress(2));  // too late: dropped
  CHECK(stream.Next(reader, 1, 0ms).message.is_response());
  CHECK(stream.Next(reader, 2, 0ms).kind == Kind::kEnded);
}

TEST_CASE("A GET EventStream runs past responses until it is closed") {
  EventStream stream("tag", "key", false);
  std::uint64_t reader = stream.Attach();
  stream.Push(protocol::MakeResult(7, nullptr));
  CHECK_FALSE(stream.finished());
  stream.Close();
  CHECK(stream.Next(reader, 0, 0ms).kind == Kind::kEvent);  // what is buffered is still read
  CHECK(stream.Next(reader, 1, 0ms).kind == Kind::kEnded);
}

TEST_CASE("EventStream keeps the newest events within its event and byte bounds") {
  EventStream by_count("tag", "key", false, {3, 1 << 20});
  std::uint64_t reader = by_count.Attach();
  for (int i = 1; i <= 5; ++i) by_count.Push(Progress(i));
  CHECK(by_count.Next(reader, 0, 0ms).seq == 3);  // 1 and 2 were evicted: the oldest kept
  std::size_t one = protocol::Serialize(Progress(1)).size();
  EventStream by_bytes("tag", "key", false, {100, 2 * one});
  reader = by_bytes.Attach();
  for (int i = 1; i <= 5; ++i) by_bytes.Push(Progress(i));
  CHECK(by_bytes.Next(reader, 0, 0ms).seq == 4);
  EventStream tiny("tag", "key", true, {100, 1});
  reader = tiny.Attach();
  tiny.Push(protocol::MakeResult(1, {{"big", std::string(1000, 'x')}}));
  CHECK(tiny.Next(reader, 0, 0ms).message.is_response());  // the newest event stays, however large
}

TEST_CASE("A new reader replaces the old one, which is woken and told so") {
  EventStream stream("tag", "key", true);
  std::uint64_t old_reader = stream.Attach();
  std::thread later([&] {
    std::this_thread::sleep_for(20ms);
    stream.Attach();
  });
  CHECK(stream.Next(old_reader, 0, 5000ms).kind == Kind::kReplaced);
  later.join();
  stream.Detach(old_reader);
  CHECK(stream.attached());  // the old reader's end does not detach the new one
}

TEST_CASE("HttpSession resumes its own streams, tells another session's ids from unknown ones") {
  Gateway gateway{Config{}};
  HttpSessionRegistry sessions(gateway.session_services(), gateway.config().gateway);
  auto mine = sessions.Create(policy::Principal{});
  auto other = sessions.Create(policy::Principal{});
  HttpSession::Reader post = mine->AddPending("1");
  mine->KeepForResume(post.stream);
  post.stream->Push(Progress(1));
  post.stream->Push(Progress(2));
  mine->StreamEnded(post);

  HttpSession::Reader resumed;
  std::uint64_t after = 0;
  CHECK(mine->ResumeStream(post.stream->IdOf(1), resumed, after) == HttpSession::Resume::kFound);
  CHECK(resumed.stream == post.stream);
  CHECK(after == 1);
  CHECK(resumed.stream->Next(resumed.reader, after, 0ms).seq == 2);
  CHECK(mine->ResumeStream(post.stream->IdOf(99), resumed, after) == HttpSession::Resume::kFound);
  CHECK(after == 2);  // a cursor past the end reads on from the end
  CHECK(other->ResumeStream(post.stream->IdOf(1), resumed, after) == HttpSession::Resume::kForeign);
  CHECK(mine->ResumeStream("not-an-id", resumed, after) == HttpSession::Resume::kForeign);
  std::string unknown = FormatEventId({SessionTag(mine->claims().sid), "elsewhere", 3});
  CHECK(mine->ResumeStream(unknown, resumed, after) == HttpSession::Resume::kUnknown);
}

TEST_CASE("HttpSession's GET stream: one reader at a time, replaced once its client went") {
  Gateway gateway{Config{}};
  HttpSessionRegistry sessions(gateway.session_services(), gateway.config().gateway);
  auto session = sessions.Create(policy::Principal{});
  HttpSession::Reader first = session->OpenStream();
  REQUIRE(first.stream);
  CHECK_FALSE(session->OpenStream().stream);  // 409 while it is read
  session->StreamEnded(first);
  HttpSession::Reader second = session->OpenStream();
  REQUIRE(second.stream);
  CHECK(second.stream != first.stream);
  CHECK(first.stream->finished());
  HttpSession::Reader resumed;
  std::uint64_t after = 0;
  CHECK(session->ResumeStream(first.stream->IdOf(0), resumed, after) ==
        HttpSession::Resume::kFound);  // the finished one is still there to replay
}

}  // namespace mcpgw::proxy
