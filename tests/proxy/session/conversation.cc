#include "tests/proxy/session/conversation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace mcpgw::proxy::testing {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;

namespace {

// A line of the file with the lines that continue it.
struct LogicalLine {
  std::size_t first = 0;  // 1-based
  std::size_t last = 0;
  std::string text;
};

Status Invalid(std::size_t line, const std::string& what) {
  return {protocol::StatusCode::kInvalidArgument, "line " + std::to_string(line) + ": " + what};
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool Continues(const std::string& line) {
  return !line.empty() && (line.front() == ' ' || line.front() == '\t');
}

bool Ignored(const std::string& text) { return text.empty() || text.front() == '#'; }

Result<std::vector<LogicalLine>> JoinContinuations(const std::vector<std::string>& lines) {
  std::vector<LogicalLine> joined;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t number = i + 1;
    if (!Continues(lines[i])) {
      joined.push_back({number, number, lines[i]});
    } else if (joined.empty() || Ignored(joined.back().text)) {
      return Invalid(number, "continues no line (only an input or a declaration continues)");
    } else {
      joined.back().text += lines[i];
      joined.back().last = number;
    }
  }
  return joined;
}

// Splits off the first word of text (up to a space); text keeps the rest, trimmed.
std::string TakeWord(std::string_view& text) {
  std::size_t end = std::min(text.find(' '), text.size());
  std::string word(text.substr(0, end));
  text.remove_prefix(end);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return word;
}

Result<Json> ParseObject(std::size_t line, std::string_view text) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) {
    return Invalid(line, "expected a JSON object, got: " + std::string(text));
  }
  return value;
}

Result<policy::Principal> ParsePrincipal(std::size_t line, std::string_view text) {
  if (text.empty()) return policy::Principal{};
  Result<Json> fields = ParseObject(line, text);
  if (!fields.ok()) return fields.status();
  policy::Principal principal;
  for (const auto& [key, value] : fields->items()) {
    std::string* field = key == "name"   ? &principal.name
                         : key == "team" ? &principal.team
                         : key == "org"  ? &principal.org
                                         : nullptr;
    if (field == nullptr || !value.is_string()) {
      return Invalid(line, "a principal has the strings name, team and org; not " + key);
    }
    *field = value.get<std::string>();
  }
  return principal;
}

Result<mcpgw::testing::ServerOffer> ParseOffer(std::size_t line, std::string_view text) {
  Result<Json> fields = ParseObject(line, text);
  if (!fields.ok()) return fields.status();
  mcpgw::testing::ServerOffer offer;
  const std::map<std::string, Json*> kFields = {{"tools", &offer.tools},
                                                {"prompts", &offer.prompts},
                                                {"resources", &offer.resources},
                                                {"resourceTemplates", &offer.resource_templates},
                                                {"capabilities", &offer.capabilities},
                                                {"serverInfo", &offer.server_info}};
  for (auto& [key, value] : fields->items()) {
    auto field = kFields.find(key);
    if (field == kFields.end()) return Invalid(line, "an offer has no " + key);
    *field->second = std::move(value);
  }
  return offer;
}

Result<Message> ParseMessageLine(std::size_t line, std::string_view text) {
  Result<Json> fields = ParseObject(line, text);
  if (!fields.ok()) return fields.status();
  if (fields->contains("jsonrpc")) return Invalid(line, "leave \"jsonrpc\" out");
  (*fields)["jsonrpc"] = "2.0";
  Result<Message> message = protocol::ParseMessage(fields->dump());
  if (!message.ok()) return Invalid(line, message.status().message());
  return message;
}

// Reads the file's lines into a Conversation, one logical line at a time.
class Parser {
 public:
  Result<Conversation> Parse(std::string_view text) {
    conversation_.lines = SplitLines(text);
    Result<std::vector<LogicalLine>> lines = JoinContinuations(conversation_.lines);
    if (!lines.ok()) return lines.status();
    for (const LogicalLine& line : *lines) {
      if (Ignored(line.text)) continue;
      if (Status read = Read(line); !read.ok()) return read;
    }
    if (Status built = BuildConfig(); !built.ok()) return built;
    return std::move(conversation_);
  }

 private:
  Status Read(const LogicalLine& line) {
    std::string_view rest = line.text;
    const std::string word = TakeWord(rest);
    if (word == "config" || word == "upstream" || word == "client") {
      if (!conversation_.inputs.empty()) {
        return Invalid(line.first, "declare everything before the first input");
      }
      if (word == "config") return ReadConfig(line.first, rest);
      return word == "upstream" ? ReadUpstream(line.first, rest) : ReadClient(line.first, rest);
    }
    if (word == "while") return ReadDeferred(line, rest);
    return ReadTurn(line, word, rest, "");
  }

  Status ReadConfig(std::size_t line, std::string_view rest) {
    if (config_line_ != 0) return Invalid(line, "a second config");
    config_line_ = line;
    Result<Json> config = ParseObject(line, rest);
    if (!config.ok()) return config.status();
    config_ = std::move(config).value();
    return Status::Ok();
  }

  Status ReadUpstream(std::size_t line, std::string_view rest) {
    std::string name = TakeWord(rest);
    if (Status fresh = Declare(line, name); !fresh.ok()) return fresh;
    Result<mcpgw::testing::ServerOffer> offer = ParseOffer(line, rest);
    if (!offer.ok()) return offer.status();
    upstreams_.insert(name);
    conversation_.upstreams.emplace_back(std::move(name), std::move(offer).value());
    return Status::Ok();
  }

  Status ReadClient(std::size_t line, std::string_view rest) {
    std::string name = TakeWord(rest);
    if (Status fresh = Declare(line, name); !fresh.ok()) return fresh;
    Result<policy::Principal> principal = ParsePrincipal(line, rest);
    if (!principal.ok()) return principal.status();
    conversation_.clients.emplace_back(std::move(name), std::move(principal).value());
    return Status::Ok();
  }

  Status Declare(std::size_t line, const std::string& name) {
    static const std::set<std::string> kKeywords = {"config", "upstream", "client", "while"};
    if (name.empty() || kKeywords.contains(name)) return Invalid(line, "expected a name");
    if (!actors_.insert(name).second) return Invalid(line, name + " is declared twice");
    return Status::Ok();
  }

  // "while sending to X: INPUT"
  Status ReadDeferred(const LogicalLine& line, std::string_view rest) {
    constexpr std::string_view kPrefix = "sending to ";
    std::size_t colon = rest.find(':');
    if (!rest.starts_with(kPrefix) || colon == std::string_view::npos) {
      return Invalid(line.first, "expected \"while sending to NAME: INPUT\"");
    }
    std::string target(rest.substr(kPrefix.size(), colon - kPrefix.size()));
    if (!actors_.contains(target)) return Invalid(line.first, "nobody is called " + target);
    rest.remove_prefix(colon + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const std::string actor = TakeWord(rest);
    return ReadTurn(line, actor, rest, target);
  }

  Status ReadTurn(const LogicalLine& line, const std::string& actor, std::string_view rest,
                  const std::string& when_sending_to) {
    if (!actors_.contains(actor)) return Invalid(line.first, "nobody is called " + actor);
    const std::string verb = TakeWord(rest);
    if (verb == "<" && when_sending_to.empty()) return ReadExpected(line, actor, rest);
    Input input;
    input.line = line.first;
    input.last_line = line.last;
    input.actor = actor;
    input.when_sending_to = when_sending_to;
    if (verb == ">") {
      Result<Message> message = ParseMessageLine(line.first, rest);
      if (!message.ok()) return message.status();
      input.message = std::move(message).value();
    } else if (verb == "offers" && upstreams_.contains(actor)) {
      Result<mcpgw::testing::ServerOffer> offer = ParseOffer(line.first, rest);
      if (!offer.ok()) return offer.status();
      input.verb = Input::Verb::kOffers;
      input.offer = std::move(offer).value();
    } else {
      return Invalid(line.first, "expected NAME > MESSAGE, NAME < MESSAGE or UPSTREAM offers");
    }
    conversation_.inputs.push_back(std::move(input));
    return Status::Ok();
  }

  Status ReadExpected(const LogicalLine& line, const std::string& to, std::string_view rest) {
    if (conversation_.inputs.empty()) {
      return Invalid(line.first, "an expected line before any input");
    }
    Result<Json> message = ParseObject(line.first, rest);
    if (!message.ok()) return message.status();
    conversation_.inputs.back().expected.push_back({to, std::move(message).value()});
    for (std::size_t number = line.first; number <= line.last; ++number) {
      conversation_.expected_lines.insert(number);
    }
    return Status::Ok();
  }

  // The config line with an in-memory server for each upstream line.
  Status BuildConfig() {
    Json& servers = config_["mcpServers"];
    if (servers.is_null()) servers = Json::object();
    if (!servers.is_object()) return Invalid(config_line_, "mcpServers must be an object");
    for (const auto& server : servers.items()) {
      if (!upstreams_.contains(server.key())) {
        return Invalid(config_line_, "no upstream line for " + server.key());
      }
    }
    for (const auto& [name, offer] : conversation_.upstreams) {
      if (!servers[name].contains("command")) servers[name]["command"] = "in-memory";
      // The in-memory servers are legacy ones unless the conversation says otherwise: no probe.
      if (!servers[name].contains("era")) servers[name]["era"] = "legacy";
    }
    auto no_variables = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
    Result<Config> config = ParseConfig(config_.dump(), no_variables);
    if (!config.ok()) return Invalid(config_line_, "config: " + config.status().message());
    conversation_.config = std::move(config).value();
    return Status::Ok();
  }

  Conversation conversation_;
  Json config_ = Json::object();
  std::size_t config_line_ = 0;  // 0: no config line
  std::set<std::string> actors_;
  std::set<std::string> upstreams_;
};

}  // namespace

std::string Render(const Said& said) { return said.to + " < " + said.message.dump(); }

Json WithoutVersion(const Message& message) {
  Json fields = Json::parse(protocol::Serialize(message));
  fields.erase("jsonrpc");
  return fields;
}

Result<Conversation> ParseConversation(std::string_view text) { return Parser().Parse(text); }

std::string Rewrite(const Conversation& conversation, const std::vector<std::vector<Said>>& said) {
  std::map<std::size_t, const std::vector<Said>*> after;  // last line of an input -> its lines
  for (std::size_t i = 0; i < conversation.inputs.size(); ++i) {
    after[conversation.inputs[i].last_line] = &said.at(i);
  }
  std::string text;
  for (std::size_t number = 1; number <= conversation.lines.size(); ++number) {
    if (conversation.expected_lines.contains(number)) continue;
    text += conversation.lines[number - 1] + "\n";
    if (auto found = after.find(number); found != after.end()) {
      for (const Said& line : *found->second) text += Render(line) + "\n";
    }
  }
  return text;
}

}  // namespace mcpgw::proxy::testing
