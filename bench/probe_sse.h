// mcp_probe's legacy HTTP+SSE transport (MCP 2024-11-05): answers arrive on a GET event stream.
#pragma once

#include "bench/probe_client.h"

#include <httplib.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mcpgw::bench {

class SseProbe : public ProbeClient {
 public:
  // Opens GET url (http:// or https://, with a path) as an event stream when initialize is sent,
  // and posts to the URI of its first "endpoint" event, both with the extra headers ("Name:
  // value"). Posts wait at most timeout. Throws std::invalid_argument for a URL or header it
  // cannot read (start-up only).
  SseProbe(const std::string& url, const std::vector<std::string>& headers,
           std::chrono::milliseconds timeout);
  // Stops the stream and joins the reader thread.
  ~SseProbe() override;

  // initialize opens the stream first when none is open (or the last one ended), waiting for its
  // endpoint until deadline; a refused or failed GET is kUnavailable. Other methods without an
  // open stream fail with kClosed. The answer is the "message" event with the request's id;
  // notifications and other ids are skipped.
  protocol::Result<protocol::Message> Request(const std::string& method, protocol::Json params,
                                              Clock::time_point deadline) override;
  protocol::Status Notify(const std::string& method, protocol::Json params) override;

 private:
  // Starts the reader thread on a fresh stream and waits for its endpoint.
  protocol::Status Open(Clock::time_point deadline);
  // Ends the stream (httplib's stop() shuts its socket) and joins the reader thread.
  void Close();
  // The reader thread: runs the GET until it ends, handing events to OnEvent.
  void Read();
  void OnEvent(std::string event, std::string data);
  // Points post_ and post_path_ at the endpoint event's URI, resolved against the stream's URL.
  void UseEndpoint(const std::string& uri);
  protocol::Status Post(const protocol::Message& message);

  std::string origin_;  // "scheme://host:port" of the stream
  std::string path_;    // path of the stream
  httplib::Headers headers_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<httplib::Client> get_;   // the reader thread's; stop() from ours
  std::unique_ptr<httplib::Client> post_;  // ours only
  std::string post_origin_;                // ours only: post_'s "scheme://host:port"
  std::string post_path_;                  // ours only, set after Open
  std::thread reader_;
  std::int64_t next_id_ = 1;

  std::mutex mutex_;  // guards the members below, shared with the reader thread
  std::condition_variable changed_;
  bool stopping_ = false;                    // Close() wants the stream to end
  bool open_ = false;                        // the reader thread runs a stream
  std::optional<std::string> endpoint_;      // the first endpoint event's data
  std::string failure_;                      // why the last stream ended
  protocol::Json awaited_id_;                // the id Request waits for; null when none
  std::optional<protocol::Message> answer_;  // the response with awaited_id_
};

}  // namespace mcpgw::bench
