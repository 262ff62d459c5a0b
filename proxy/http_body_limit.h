#pragma once

#include "proxy/http_checks.h"
#include "proxy/http_routes.h"

#include <httplib.h>

#include <cstddef>

namespace mcpgw::proxy {

// Bounding what a request may make the gateway read and hold, on top of cpp-httplib, whose
// Server reads chunked and unsized bodies whole (its payload limit covers Content-Length only)
// and inflates compressed ones. Called on HTTP worker threads.

// The framing checks made once the headers are read, before any body byte: 405 for a method no
// route takes (httplib would read a PRI body whole); 400 for a second
// Host, Origin, Mcp-Session-Id or Content-Length header (the first would win, so a second Host
// could slip past the rebinding check) or for Transfer-Encoding with Content-Length; 501 for a
// Transfer-Encoding other than chunked; 415 for a Content-Encoding other than identity; 413 for
// a Content-Length over max_body.
HttpCheck CheckFraming(const httplib::Request& req, std::size_t max_body);

// Whether the request says a body follows its headers (Transfer-Encoding, Content-Length > 0).
bool DeclaresBody(const httplib::Request& req);

// Whether httplib leaves the body of this request unread, so that its bytes would be taken for
// the next request: a body of GET, HEAD or OPTIONS, a chunked one of DELETE. (POST, PUT and
// PATCH bodies are read through ReadBodyThen on every path.)
bool BodyLeftUnread(const httplib::Request& req);

// A content-reader handler that reads the body (sized, chunked or up to the end of the
// connection) into req.body, then calls `handler`. Past max_body bytes it stops reading and
// answers 413 (400 for a malformed body) as the connection's last response.
httplib::Server::HandlerWithContentReader ReadBodyThen(std::size_t max_body,
                                                      HttpRoutes::Handler handler);

// Makes this response the connection's last: the rest of an unread body must not be taken for
// a next request. Takes effect through ApplyCloseAfter.
void CloseAfter(httplib::Response& res);

// For the post-routing handler: when CloseAfter marked the response, hands its body to httplib
// as a content provider that fails once the body is written, which is the only way a handler
// has to make httplib close the connection (it reads a request's "Connection", not a
// response's).
void ApplyCloseAfter(httplib::Response& res);

}  // namespace mcpgw::proxy
