#include "proxy/http/metrics_page.h"

#include "proxy/http/auth.h"
#include "proxy/http/reply.h"

#include <optional>

namespace mcpgw::proxy {
namespace {

std::optional<DownstreamTransport> TransportOf(const std::string& path) {
  if (path == "/mcp") return DownstreamTransport::kStreamableHttp;
  if (path == "/sse" || path == "/messages") return DownstreamTransport::kSse;
  return std::nullopt;
}

// Counts every chunk the provider writes. The sink's write is swapped only for the length of
// each provider call (httplib calls the provider synchronously, and the sink's stream writes
// through `write` too); the swapped-in lambda is small enough to need no allocation.
void CountStreamedBytes(Metrics& metrics, DownstreamTransport transport,
                        httplib::Response& res) {
  res.content_provider_ = [&metrics, transport, inner = std::move(res.content_provider_)](
                              std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    std::function<bool(const char*, std::size_t)> write = std::move(sink.write);
    sink.write = [&metrics, &write, transport](const char* data, std::size_t size) {
      metrics.CountBytes(transport, 0, size);
      return write(data, size);
    };
    bool more = inner(offset, length, sink);
    sink.write = std::move(write);
    return more;
  };
}

}  // namespace

void ServeMetrics(const Metrics& metrics, const std::vector<policy::KeyEntry>& keys,
                  const httplib::Request& req, httplib::Response& res) {
  std::optional<policy::Principal> principal = AuthenticateRequest(req, keys, res);
  if (!principal) return;
  // Unlike /mcp, no key is not the anonymous caller here: the text covers every caller.
  if (!keys.empty() && principal->name.empty()) {
    SendRefusal(res, {401, "Unauthorized: /metrics needs a key"});
    return res.set_header("WWW-Authenticate", "Bearer realm=\"mcpgw\"");
  }
  res.set_content(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
}

void CountHttpBytes(Metrics& metrics, const httplib::Request& req, httplib::Response& res) {
  std::optional<DownstreamTransport> transport = TransportOf(req.path);
  if (!transport) return;
  metrics.CountBytes(*transport, req.body.size(), res.body.size());
  if (res.content_provider_) CountStreamedBytes(metrics, *transport, res);
}

}  // namespace mcpgw::proxy
