#pragma once

#include "proxy/http/checks.h"

#include <httplib.h>

namespace mcpgw::proxy {

// The checks on a request's headers made before any body byte is read (the listener has bounded
// the header and the body's length already): 400 for a second Host, Origin or Mcp-Session-Id
// header (which one would count? a second Host could slip past the rebinding check), 415 for a
// Content-Encoding other than identity. Any thread.
HttpCheck CheckFraming(const httplib::Request& req);

}  // namespace mcpgw::proxy
