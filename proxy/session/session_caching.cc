// Session's caching hints for modern clients (README "Caching").

#include "proxy/session/session.h"

#include "protocol/json_field.h"

namespace mcpgw::proxy {

using protocol::Json;
using protocol::Message;

Json Session::WithHints(Json result, const CacheHints& hints, const Responder& responder) {
  if (responder.modern) AddCacheHints(result, hints);
  return result;
}

// On the sink, after Responder::Answer has marked the result: an upstream's input_required
// result carries no hints, and its own resultType says so.
Responder Session::HintingReads(const Responder& responder, bool retry) const {
  Responder hinting = responder;
  hinting.sink = [this, sink = responder.sink, retry](const Message& message) {
    const bool complete =
        message.is_response() && message.result.is_object() &&
        protocol::StringOr(message.result, "resultType", "complete") == "complete";
    if (!complete) return sink(message);
    Message hinted = message;
    AddCacheHints(hinted.result, retry ? kRetryHints : ReadHints(message.result, access_));
    sink(hinted);
  };
  return hinting;
}

}  // namespace mcpgw::proxy
