#pragma once

// The Prometheus text exposition format 0.0.4: what /metrics answers with.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace mcpgw::proxy {

// A label value with backslash, double quote and newline escaped, as the format asks.
std::string EscapeLabelValue(std::string_view value);

// Builds one exposition text, family by family. Not thread-safe: one per Render().
class PrometheusText {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Starts a family: its # HELP and # TYPE lines (type: counter, gauge or histogram).
  void Family(std::string_view name, std::string_view help, std::string_view type);
  // One sample line: name{label="value",...} value. Label values are escaped here.
  void Sample(std::string_view name, Labels labels, double value);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace mcpgw::proxy
