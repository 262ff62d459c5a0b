#pragma once

// A conversation file (tests/proxy/session/conversations/*.txt): what clients and upstreams say
// to the gateway, and what the gateway says to each of them in turn. One line each:
//
//   # a comment                        comments and blank lines are kept as written
//   config {"policies": ...}           the gateway's config, its "mcpServers" made from the
//                                      upstream lines (optional; at most one)
//   upstream a {"tools": [...]}        an in-memory upstream and what it offers: "tools",
//                                      "prompts", "resources", "resourceTemplates",
//                                      "capabilities" (default: every list and logging),
//                                      "serverInfo"
//   client alice {"name": "alice"}     a session with its principal ("name", "team", "org";
//                                      absent: anonymous), initialized
//   alice > {"id": 1, "method": ...}   a client sends the gateway a message
//   a > {"id": 6, "result": ...}       an upstream sends the gateway a message
//   a offers {"tools": [...]}          an upstream changes what it offers and tells nobody
//   while sending to a: alice > {...}  the input after the colon arrives when the gateway next
//                                      sends `a` (or a client) a message, before it gets there
//   a < {...}                          what the gateway sends an upstream or a client after the
//   alice < {...}                      input above and because of it
//
// Upstreams and clients come before the first input. Messages leave out "jsonrpc": "2.0". A
// line that starts with a space continues the line before it. The lines one input causes are
// listed upstreams first, then clients, each in the order they were declared; each one's lines
// in the order it got them. The gateway's initialize exchange and first list requests with each
// upstream happen before the conversation starts.

#include "protocol/json_rpc.h"
#include "proxy/config/config.h"
#include "tests/support/in_memory_server.h"

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpgw::proxy::testing {

// One line the gateway sends: to whom, and the message without "jsonrpc".
struct Said {
  std::string to;
  protocol::Json message;
  bool operator==(const Said&) const = default;
};

// The line as a conversation file writes it: "to < message" (message compact).
std::string Render(const Said& said);
// The message as a conversation writes it: without "jsonrpc".
protocol::Json WithoutVersion(const protocol::Message& message);

// What an actor does at one point of the conversation.
struct Input {
  enum class Verb { kSends, kOffers };
  std::size_t line = 0;       // the (1-based) number of its first line in the file
  std::size_t last_line = 0;  // the number of the last line it takes (continuations)
  std::string actor;
  Verb verb = Verb::kSends;
  protocol::Message message;          // kSends
  mcpgw::testing::ServerOffer offer;  // kOffers
  std::string when_sending_to;        // "while sending to X:"; empty: at once
  std::vector<Said> expected;         // the lines that follow it
};

struct Conversation {
  std::vector<std::string> lines;  // the file as written
  Config config;                   // servers from the upstream lines, enabled
  std::vector<std::pair<std::string, mcpgw::testing::ServerOffer>> upstreams;  // in order
  std::vector<std::pair<std::string, policy::Principal>> clients;              // in order
  std::vector<Input> inputs;
  std::set<std::size_t> expected_lines;  // the numbers of the lines the expected lines take
};

// Parses a conversation file. Fails with kInvalidArgument "line N: what is wrong".
protocol::Result<Conversation> ParseConversation(std::string_view text);

// The file again, each input's expected lines replaced by said[i] (one entry per input).
std::string Rewrite(const Conversation& conversation, const std::vector<std::vector<Said>>& said);

}  // namespace mcpgw::proxy::testing
