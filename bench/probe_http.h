// mcp_probe's Streamable HTTP transport: one keep-alive cpp-httplib client.
#pragma once

#include "bench/probe_client.h"

#include <httplib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mcpgw::bench {

class HttpProbe : public ProbeClient {
 public:
  // Posts to url (http:// or https://, with a path) with the extra headers ("Name: value").
  // Each request waits at most timeout for its answer. Throws std::invalid_argument for a URL or
  // header it cannot read (start-up only).
  HttpProbe(const std::string& url, const std::vector<std::string>& headers,
            std::chrono::milliseconds timeout);

  protocol::Result<protocol::Message> Request(const std::string& method, protocol::Json params,
                                              Clock::time_point deadline) override;
  protocol::Status Notify(const std::string& method, protocol::Json params) override;

 private:
  // Posts message; the response, or kUnavailable when there is none.
  protocol::Result<httplib::Response> Post(const protocol::Message& message);
  // Remembers the negotiated version and the session id an initialize answer carries.
  void Remember(const protocol::Message& answer, const httplib::Response& response);

  std::unique_ptr<httplib::Client> client_;
  std::string path_;
  httplib::Headers headers_;
  std::string protocol_version_;  // empty before initialize
  std::string session_id_;        // empty when the server gave none
  std::int64_t next_id_ = 1;
};

}  // namespace mcpgw::bench
