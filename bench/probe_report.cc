// mcp_probe's result: percentiles and the JSON line.
#include "bench/probe_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mcpgw::bench {
namespace {

using Json = nlohmann::ordered_json;

double Round1(double value) { return std::round(value * 10) / 10; }

// The nearest-rank p-th quantile (0 < p <= 1) of sorted samples; null when there are none.
Json Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return nullptr;
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return Round1(sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1]);
}

Json Mean(const std::vector<double>& samples) {
  if (samples.empty()) return nullptr;
  return Round1(std::accumulate(samples.begin(), samples.end(), 0.0) /
                static_cast<double>(samples.size()));
}

}  // namespace

std::string FormatReport(ProbeReport report) {
  std::sort(report.list_us.begin(), report.list_us.end());
  std::sort(report.call_us.begin(), report.call_us.end());
  Json line;
  line["startup_ms"] = Round1(report.startup_ms);
  line["tools"] = report.tools;
  line["list_p50_us"] = Percentile(report.list_us, 0.50);
  line["list_p99_us"] = Percentile(report.list_us, 0.99);
  line["call_p50_us"] = Percentile(report.call_us, 0.50);
  line["call_p99_us"] = Percentile(report.call_us, 0.99);
  line["call_mean_us"] = Mean(report.call_us);
  line["calls"] = report.calls;
  line["errors"] = report.errors;
  line["rss_peak_kb"] = report.rss_peak_kb ? Json(*report.rss_peak_kb) : Json(nullptr);
  return line.dump();
}

}  // namespace mcpgw::bench
