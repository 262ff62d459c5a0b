// mcp_probe's Streamable HTTP transport: answers as application/json or as an SSE stream.
#include "bench/probe_http.h"

#include "bench/probe_url.h"
#include "protocol/sse_parser.h"

#include <stdexcept>

namespace mcpgw::bench {
namespace {

using protocol::Json;
using protocol::Message;
using protocol::Result;
using protocol::Status;
using protocol::StatusCode;

// The response with id in a JSON body or in one of the data: events of an SSE body.
Result<Message> FindAnswer(const httplib::Response& response, const Json& id) {
  std::vector<std::string> bodies;
  if (response.get_header_value("Content-Type").rfind("text/event-stream", 0) == 0) {
    protocol::SseParser parser;
    std::vector<protocol::SseEvent> events;
    parser.Feed(response.body, events);
    parser.Feed("\n\n", events);  // a stream cut off without its final blank line
    for (protocol::SseEvent& event : events) bodies.push_back(std::move(event.data));
  } else {
    bodies.push_back(response.body);
  }
  for (const std::string& body : bodies) {
    Result<Message> message = protocol::ParseMessage(body);
    if (message.ok() && message->is_response() && message->id == id) return message;
  }
  return Status(StatusCode::kUnavailable,
                "HTTP " + std::to_string(response.status) + " without the answer");
}

}  // namespace

HttpProbe::HttpProbe(const std::string& url, const std::vector<std::string>& headers,
                     std::chrono::milliseconds timeout)
    : headers_(ReadHeaders(headers)) {
  headers_.emplace("Accept", "application/json, text/event-stream");
  auto [origin, path] = SplitUrl(url);
  path_ = path;
  client_ = std::make_unique<httplib::Client>(origin);
  if (!client_->is_valid()) throw std::invalid_argument("cannot use URL " + url);
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  client_->set_connection_timeout(timeout);
  client_->set_read_timeout(timeout);
  client_->set_write_timeout(timeout);
}

Result<Message> HttpProbe::Request(const std::string& method, Json params, Clock::time_point) {
  Json id = next_id_++;
  Result<httplib::Response> response = Post(protocol::MakeRequest(id, method, std::move(params)));
  if (!response.ok()) return response.status();
  Result<Message> answer = FindAnswer(*response, id);
  if (answer.ok() && method == "initialize") Remember(*answer, *response);
  return answer;
}

Status HttpProbe::Notify(const std::string& method, Json params) {
  Result<httplib::Response> response = Post(protocol::MakeNotification(method, std::move(params)));
  if (!response.ok()) return response.status();
  if (response->status / 100 == 2) return Status::Ok();
  return Status(StatusCode::kUnavailable,
                "HTTP " + std::to_string(response->status) + " to " + method);
}

Result<httplib::Response> HttpProbe::Post(const Message& message) {
  httplib::Headers headers = headers_;
  if (!protocol_version_.empty()) headers.emplace("MCP-Protocol-Version", protocol_version_);
  if (!session_id_.empty()) headers.emplace("Mcp-Session-Id", session_id_);
  httplib::Result result =
      client_->Post(path_, headers, protocol::Serialize(message), "application/json");
  if (!result) return Status(StatusCode::kUnavailable, httplib::to_string(result.error()));
  return std::move(result.value());
}

void HttpProbe::Remember(const Message& answer, const httplib::Response& response) {
  if (answer.result.is_object() && answer.result.contains("protocolVersion") &&
      answer.result["protocolVersion"].is_string())
    protocol_version_ = answer.result["protocolVersion"].get<std::string>();
  session_id_ = response.get_header_value("Mcp-Session-Id");
}

}  // namespace mcpgw::bench
