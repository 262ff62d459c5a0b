// Golden conversations: each file in conversations/ is played against sessions on in-memory
// upstreams, and what the gateway says must be what the file says (format: conversation.h).
// With MCPGW_UPDATE_GOLDEN=1 the files are rewritten with what the gateway said instead.

#include "tests/proxy/session/conversation_runner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mcpgw::proxy::testing {
namespace {

const std::string kDirectory = MCPGW_SOURCE_DIR "/tests/proxy/session/conversations/";

std::vector<std::string> EveryFile() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kDirectory)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool Updating() {
  const char* update = std::getenv("MCPGW_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

Conversation Load(const std::string& file) {
  std::ifstream in(kDirectory + file);
  REQUIRE_MESSAGE(in, "cannot read " << kDirectory << file);
  std::stringstream text;
  text << in.rdbuf();
  protocol::Result<Conversation> conversation = ParseConversation(text.str());
  REQUIRE_MESSAGE(conversation.ok(), file << ": " << conversation.status().message());
  return std::move(conversation).value();
}

// Plays the file and compares, or rewrites it with what was said.
void Converse(const std::string& file) {
  Conversation conversation = Load(file);
  if (!Updating()) {
    Outcome outcome = RunConversation(conversation, Patience::kChecking);
    std::string differences = Differences(conversation, outcome);
    CHECK_MESSAGE(differences.empty(), file << " differs:\n" << differences);
    return;
  }
  Outcome outcome = RunConversation(conversation, Patience::kRecording);
  REQUIRE_MESSAGE(outcome.errors.empty(), file << ":\n" << Differences(conversation, outcome));
  std::ofstream(kDirectory + file) << Rewrite(conversation, outcome.said);
  MESSAGE("rewrote " << file);
}

}  // namespace

TEST_CASE("Session gives each client its own request ids back, whatever ids the upstream uses") {
  Converse("id_remapping.txt");
}

TEST_CASE("Session answers a cancelled call at most once and tells the upstream its own id") {
  Converse("cancel_race.txt");
}

TEST_CASE("Session passes an upstream's progress on under the client's own token") {
  Converse("progress.txt");
}

TEST_CASE("Session relays a server's request to the one client it can tell is asked, never another") {
  Converse("server_requests.txt");
}

TEST_CASE("Session gets only the log lines and resource updates its caller may see") {
  Converse("notification_filter.txt");
}

TEST_CASE("Session tells each client once that a list changed") { Converse("list_changed.txt"); }

// The last input of the conversation that expects lines.
Input& LastWithLines(Conversation& conversation) {
  auto found = std::find_if(conversation.inputs.rbegin(), conversation.inputs.rend(),
                            [](const Input& input) { return !input.expected.empty(); });
  REQUIRE(found != conversation.inputs.rend());
  return *found;
}

TEST_CASE("A conversation fails when one expected line is wrong") {
  for (const std::string& file : EveryFile()) {
    CAPTURE(file);
    Conversation conversation = Load(file);
    LastWithLines(conversation).expected.back().message["unexpected"] = true;
    Outcome outcome = RunConversation(conversation, Patience::kChecking);
    CHECK(outcome.errors.empty());
    CHECK(Differences(conversation, outcome).find(R"("unexpected":true)") != std::string::npos);
  }
}

TEST_CASE("A conversation fails when the gateway says more than it expects") {
  Conversation conversation = Load("cancel_race.txt");
  Input& input = LastWithLines(conversation);
  const std::string extra = Render(input.expected.back());
  input.expected.pop_back();
  Outcome outcome = RunConversation(conversation, Patience::kChecking);
  CHECK(Differences(conversation, outcome).find(extra) != std::string::npos);  // only under got
}

TEST_CASE("A conversation file that cannot be read names the line at fault") {
  auto error = [](std::string_view text) { return ParseConversation(text).status().message(); };
  CHECK(error("client alice\nbob > {}") == "line 2: nobody is called bob");
  CHECK(error("client alice\nalice > {\"id\": 1}").starts_with("line 2: "));  // not JSON-RPC
  CHECK(error("client alice\nalice < {}") == "line 2: an expected line before any input");
  CHECK(error("upstream a {}\na > {\"method\": \"x\"}\nclient late") ==
        "line 3: declare everything before the first input");
  CHECK(error("upstream a {\"tool\": []}") == "line 1: an offer has no tool");
  CHECK(error("config {\"mcpServers\": {\"b\": {}}}\nupstream a {}") ==
        "line 1: no upstream line for b");
  CHECK(error("  {}") == "line 1: continues no line (only an input or a declaration continues)");
}

}  // namespace mcpgw::proxy::testing
