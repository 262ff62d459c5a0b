// mcp_probe's result: latency samples reduced to the one JSON line it prints.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::bench {

struct ProbeReport {
  double startup_ms = 0;
  std::size_t tools = 0;
  std::vector<double> list_us;  // one sample per complete tools/list
  std::vector<double> call_us;  // successful timed calls only
  std::size_t calls = 0;        // timed calls made, failed ones included
  std::size_t errors = 0;       // timed calls that failed
  std::optional<long> rss_peak_kb;
};

// The report as one compact JSON object (no newline), keys in a fixed order. Percentiles are
// nearest-rank over the sorted samples; a statistic with no samples is null.
std::string FormatReport(ProbeReport report);

}  // namespace mcpgw::bench
