#pragma once

#include "tests/proxy/session/conversation.h"

#include <string>
#include <vector>

namespace mcpgw::proxy::testing {

// What the gateway said after each input of a conversation, and what kept the conversation
// from running as written.
struct Outcome {
  std::vector<std::vector<Said>> said;  // one entry per input, in the order of conversation.h
  std::vector<std::string> errors;      // "line N: ..."
};

// How long a run waits for what it cannot see finish: an upstream's refetch after its
// list_changed runs on the upstream's own thread, so the lines it causes may come after
// everything else is quiet.
enum class Patience {
  kChecking,   // waits for as many lines as each input expects (up to seconds), then briefly
  kRecording,  // for rewriting the file: waits longer after each list_changed
};

// Runs the conversation against sessions (SessionRig) on in-memory upstreams: delivers each
// input, then collects what the gateway said because of it, once every upstream connection is
// quiet. Everything a message in flight sets off happens at once; only a refetch comes later.
Outcome RunConversation(const Conversation& conversation, Patience patience);

// Where what was said differs from what the conversation expects, one paragraph per input that
// differs, then the errors; empty when everything agrees.
std::string Differences(const Conversation& conversation, const Outcome& outcome);

}  // namespace mcpgw::proxy::testing
