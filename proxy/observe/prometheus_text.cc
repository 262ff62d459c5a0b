#include "proxy/observe/prometheus_text.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

namespace mcpgw::proxy {

std::string EscapeLabelValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void PrometheusText::Family(std::string_view name, std::string_view help, std::string_view type) {
  fmt::format_to(std::back_inserter(text_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                 type);
}

void PrometheusText::Sample(std::string_view name, Labels labels, double value) {
  text_ += name;
  const char* separator = "{";
  for (const auto& [label, label_value] : labels) {
    fmt::format_to(std::back_inserter(text_), "{}{}=\"{}\"", separator, label,
                   EscapeLabelValue(label_value));
    separator = ",";
  }
  if (labels.size() > 0) text_ += '}';
  // Counts print as integers; "+Inf" is the format's spelling of infinity.
  if (std::isinf(value)) {
    text_ += " +Inf\n";
  } else {
    fmt::format_to(std::back_inserter(text_), " {}\n", value);
  }
}

}  // namespace mcpgw::proxy
