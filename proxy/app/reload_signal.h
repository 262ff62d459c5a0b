#pragma once

#include "proxy/config/registry.h"

#include <thread>

namespace mcpgw::proxy {

// Reloads the registry on SIGHUP (README "Admin API and reload"). The handler only writes a byte
// to a pipe; the reload runs on a thread of this object's own. SIGHUP is handled from
// construction until destruction (then ignored). One instance at a time; construct and destroy
// on one thread.
class ReloadOnSignal {
 public:
  // Borrows the registry, which must outlive this object.
  explicit ReloadOnSignal(Registry& registry);
  ~ReloadOnSignal();
  ReloadOnSignal(const ReloadOnSignal&) = delete;
  ReloadOnSignal& operator=(const ReloadOnSignal&) = delete;

 private:
  void Run();

  Registry& registry_;
  int pipe_[2] = {-1, -1};  // the handler writes 'h'; the destructor writes 'q'
  std::thread thread_;
};

}  // namespace mcpgw::proxy
