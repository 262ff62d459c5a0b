#pragma once

#include "proxy/session/notification_hub.h"
#include "upstream/upstream_set.h"

namespace mcpgw::proxy {

// The NotificationHub's way to the running upstreams of an UpstreamSet, which must outlive it.
class HubUpstreams : public NotificationHub::Upstreams {
 public:
  explicit HubUpstreams(const upstream::UpstreamSet& upstreams) : upstreams_(upstreams) {}

  std::vector<std::string> Names() const override;
  // Only to a ready upstream, and logging/setLevel only to one that offers logging; the answer
  // is not awaited and a failure is logged only.
  void Send(const std::string& server, const std::string& method, protocol::Json params) override;

 private:
  const upstream::UpstreamSet& upstreams_;
};

}  // namespace mcpgw::proxy
