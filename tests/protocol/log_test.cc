#include "protocol/log.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <cstdio>
#include <functional>
#include <string>

namespace mcpgw::log {
namespace {

// What `write_logs` wrote to stderr (fd 2, pointed at a temporary file meanwhile).
std::string CaptureStderr(const std::function<void()>& write_logs) {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  int saved = dup(STDERR_FILENO);
  dup2(fileno(file), STDERR_FILENO);
  write_logs();
  dup2(saved, STDERR_FILENO);
  close(saved);
  std::string text;
  std::rewind(file);
  for (int c; (c = std::fgetc(file)) != EOF;) text += static_cast<char>(c);
  std::fclose(file);
  return text;
}

// Restores the process-wide defaults when a test ends.
struct DefaultsAfterwards {
  ~DefaultsAfterwards() {
    SetLevel(Level::kInfo);
    SetFormat(Format::kText);
  }
};

}  // namespace

TEST_CASE("Lines below the level set are not written") {
  DefaultsAfterwards restore;
  SetLevel(Level::kWarn);
  CHECK_FALSE(Enabled(Level::kInfo));
  CHECK(Enabled(Level::kError));
  std::string out = CaptureStderr([] {
    Debug("debug line");
    Info("info line");
    Event(Level::kInfo, "restart", {{"server", "fs"}}, "info event");
    Warn("warn line");
    Error("error line");
  });
  CHECK(out.find("info") == std::string::npos);
  CHECK(out.find("debug") == std::string::npos);
  CHECK(out.find("mcpgw warn: warn line\n") != std::string::npos);
  CHECK(out.find("mcpgw error: error line\n") != std::string::npos);
}

TEST_CASE("Debug lines appear at level debug") {
  DefaultsAfterwards restore;
  SetLevel(Level::kDebug);
  CHECK(CaptureStderr([] { Debug("x={}", 1); }).find("mcpgw debug: x=1\n") != std::string::npos);
}

TEST_CASE("In JSON format every line, plain or event, is one JSON object") {
  DefaultsAfterwards restore;
  SetFormat(Format::kJson);
  std::string out = CaptureStderr([] {
    Info("listening on {}", "http://127.0.0.1:1/mcp");
    Event(Level::kInfo, "admin_change",
          {{"server", "fs"}, {"action", "disable"}, {"principal", "ops"}}, "disabled");
  });
  std::size_t newline = out.find('\n');
  REQUIRE(newline != std::string::npos);
  auto first = nlohmann::json::parse(out.substr(0, newline));
  auto second = nlohmann::json::parse(out.substr(newline + 1));
  CHECK(first["msg"] == "listening on http://127.0.0.1:1/mcp");
  CHECK(second["event"] == "admin_change");
  CHECK(second["principal"] == "ops");
  CHECK(second["action"] == "disable");
}

}  // namespace mcpgw::log
