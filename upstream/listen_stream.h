#pragma once

#include "upstream/rpc_client.h"

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace mcpgw::upstream {

// Keeps one subscriptions/listen request open to a modern server (basic/patterns/subscriptions):
// it asks for the list changes the server's capabilities offer (listChanged) and for updates of
// the resource URIs subscribed to, and opens it again, after a backoff of 250 ms doubling to
// 30 s, whenever it ends (a graceful result, an error, a dropped stream). Over HTTP its
// notifications come on the request's own response stream; on stdio they carry its id as
// _meta subscriptionId. Changing the URIs cancels the open request (HTTP: its stream is closed)
// and opens a new one at once. One thread of its own; every method from any thread.
class ListenStream {
 public:
  ListenStream(std::string server, RpcClient& client, const protocol::Json& capabilities,
               std::set<std::string> resource_uris);
  ~ListenStream();  // cancels the open request and ends the thread
  ListenStream(const ListenStream&) = delete;
  ListenStream& operator=(const ListenStream&) = delete;

  // The resource URIs to be told about; reopens the stream when they changed.
  void SetResources(std::set<std::string> uris);

  // Whether a notification from the server is to be acted on: false for the acknowledgement
  // (which resets the backoff) and for one that names a subscription other than the open one.
  // Strips the subscription id from params._meta.
  bool Accept(protocol::Message& notification);

  // The params of a subscriptions/listen request (without the modern _meta, which RpcClient adds).
  static protocol::Json ListenParams(const protocol::Json& capabilities,
                                     const std::set<std::string>& uris);

 private:
  void Run();
  void Open(std::unique_lock<std::mutex>& lock);
  void OnEnded(CallId id, const protocol::Result<protocol::Json>& outcome);

  const std::string server_;
  RpcClient& client_;
  const protocol::Json capabilities_;

  std::mutex mutex_;  // guards the fields below
  std::condition_variable changed_;
  std::set<std::string> uris_;
  bool stopping_ = false;
  bool reopen_ = true;  // open (again) when the backoff has passed
  CallId open_ = 0;     // the listen request open now; 0: none
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point reopen_at_;
  std::thread thread_;  // last: starts after the fields above
};

}  // namespace mcpgw::upstream
