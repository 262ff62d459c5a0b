#pragma once

#include "protocol/log.h"

#include <exception>
#include <string_view>

namespace mcpgw::protocol {

// Runs work and reports whether it finished. An exception escaping it (a bug: errors on the
// request path are values) is logged as an internal error of `what` and goes no further, so a
// slip costs one unit of work (a request, a message, a task, a connection attempt), never the
// process. Used at every request boundary and thread root. Any thread.
template <typename Work>
bool Guarded(std::string_view what, Work&& work) noexcept {
  try {
    work();
    return true;
  } catch (const std::exception& error) {
    log::Error("internal error in {}: {}", what, error.what());
  } catch (...) {
    log::Error("internal error in {}: unknown exception", what);
  }
  return false;
}

}  // namespace mcpgw::protocol
