#include "proxy/admin/api.h"

#include "policy/admin.h"
#include "proxy/config/config.h"
#include "proxy/config/reader.h"
#include "proxy/http/auth.h"
#include "proxy/http/checks.h"
#include "proxy/routing/tool_formats.h"

#include <fmt/format.h>

#include <algorithm>

namespace mcpgw::proxy {
namespace {

using httplib::Request;
using httplib::Response;
using protocol::Json;
using protocol::Status;
using protocol::StatusCode;
using upstream::ServerConfig;

// An edit that conflicts with the registry (409) says so in its status detail.
Status Conflict(std::string path, std::string message) {
  return Status(StatusCode::kInvalidArgument, path + ": " + message, {{"conflict", true}});
}

void SendJson(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json");
}

void SendError(Response& res, int status, const std::string& path, const std::string& message) {
  SendJson(res, status, {{"error", {{"path", path}, {"message", message}}}});
}

// A status as an HTTP error: "PATH: message" is split into its path and message.
void SendStatus(Response& res, const Status& status) {
  const std::string& text = status.message();
  std::size_t colon = text.find(": ");
  bool has_path = colon != std::string::npos && text.find(' ') > colon;
  std::string path = has_path ? text.substr(0, colon) : "";
  std::string message = has_path ? text.substr(colon + 2) : text;
  int code = 400;
  if (status.code() == StatusCode::kNotFound) code = 404;
  if (status.code() == StatusCode::kInternal) code = 500;
  if (status.detail().is_object() && status.detail().contains("conflict")) code = 409;
  SendError(res, code, path, message);
}

bool HasServer(const std::vector<ServerConfig>& servers, const std::string& name) {
  return std::any_of(servers.begin(), servers.end(),
                     [&](const ServerConfig& server) { return server.name == name; });
}

Status NotFound(const std::string& what, const std::string& name) {
  return Status(StatusCode::kNotFound, fmt::format("unknown {} \"{}\"", what, name));
}

protocol::Result<Json> ParseBody(const Request& req, std::size_t max_json_depth) {
  if (protocol::NestedDeeperThan(req.body, max_json_depth)) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("invalid JSON: nested deeper than {} levels", max_json_depth));
  }
  return ParseJsonText(req.body);
}

std::string_view StateOf(const ServerConfig& server, const upstream::Upstream* upstream) {
  if (!server.enabled || upstream == nullptr) return "disabled";
  return upstream::StateName(upstream->state());
}

Json ServerStatus(const ServerConfig& server, const upstream::Upstream* upstream) {
  upstream::Health health = upstream ? upstream->health() : upstream::Health{};
  auto offer = upstream ? upstream->offer() : std::make_shared<const upstream::Offer>();
  bool spoken = !offer->protocol_version.empty();  // reached once at least
  return {{"name", server.name},
          {"state", StateOf(server, upstream)},
          {"transport", TransportTypeName(server.type)},
          {"era", spoken ? Json(upstream::EraName(offer->era)) : Json(nullptr)},
          {"protocol_version", spoken ? Json(offer->protocol_version) : Json(nullptr)},
          {"tools", offer->tools.size()},
          {"last_error", health.last_error.empty() ? Json(nullptr) : Json(health.last_error)},
          {"restarts", health.restarts},
          {"enabled", server.enabled}};
}

// A request that changes something must be Content-Type: application/json (415 otherwise, before
// anything else): a web page can send a form or text/plain POST to any origin without asking,
// but not a JSON one.
httplib::Server::Handler RequireJson(httplib::Server::Handler handler) {
  return [handler = std::move(handler)](const Request& req, Response& res) {
    if (HttpCheck type = CheckContentType(req.get_header_value("Content-Type"))) {
      return SendError(res, type->status, "", type->message);
    }
    handler(req, res);
  };
}

}  // namespace

AdminApi::AdminApi(const Config& config, const upstream::UpstreamSet& upstreams,
                   const Catalog& catalog, Registry& registry, const std::string& listen_host)
    : config_(config),
      upstreams_(upstreams),
      catalog_(catalog),
      registry_(registry),
      loopback_(IsLoopbackHost(listen_host)) {}

void AdminApi::Route(HttpRoutes& server) {
  constexpr const char* kServer = R"(/admin/servers/([A-Za-z0-9_-]+))";
  constexpr const char* kAlias = R"(/admin/aliases/([A-Za-z0-9_-]+))";
  server.Get("/admin/servers", [this](const Request& q, Response& r) { ListServers(q, r); });
  server.Get(kServer, [this](const Request& q, Response& r) { GetServer(q, r); });
  server.Put(kServer, RequireJson([this](const Request& q, Response& r) { PutServer(q, r); }));
  server.Delete(kServer, [this](const Request& q, Response& r) { DeleteServer(q, r); });
  server.Post(std::string(kServer) + "/enable",
              RequireJson([this](const Request& q, Response& r) { EnableServer(q, r, true); }));
  server.Post(std::string(kServer) + "/disable",
              RequireJson([this](const Request& q, Response& r) { EnableServer(q, r, false); }));
  server.Get("/admin/aliases", [this](const Request& q, Response& r) { ListAliases(q, r); });
  server.Put(kAlias, RequireJson([this](const Request& q, Response& r) { PutAlias(q, r); }));
  server.Delete(kAlias, [this](const Request& q, Response& r) { DeleteAlias(q, r); });
  server.Get("/admin/tools", [this](const Request& q, Response& r) { ListTools(q, r); });
  server.Post("/admin/reload",
              RequireJson([this](const Request& q, Response& r) { Reload(q, r); }));
}

std::optional<std::string> AdminApi::Authorize(const Request& req, Response& res,
                                               const std::optional<std::string>& server) const {
  std::optional<policy::Principal> principal = AuthenticateRequest(req, config_.keys, res);
  if (!principal) return std::nullopt;                     // 401 sent
  if (!config_.keys.empty() && principal->name.empty()) {  // no key: nobody to grant admin to
    res.set_header("WWW-Authenticate", "Bearer realm=\"mcpgw\"");
    SendError(res, 401, "", "Unauthorized: the admin API needs an API key");
    return std::nullopt;
  }
  bool allowed = false;
  if (config_.keys.empty()) {
    allowed = loopback_;  // no access control: only a local caller
  } else {
    allowed = server ? policy::MayAdminister(config_.permissions, *principal, *server)
                     : policy::MayAdministerGateway(config_.permissions, *principal);
  }
  if (allowed) return PrincipalName(*principal);
  SendError(res, 403, "",
            config_.keys.empty() ? "the admin API without keys is open on a loopback address only"
                                 : "Forbidden: needs the admin level");
  return std::nullopt;
}

bool AdminApi::IsServer(const std::string& name) const {
  return HasServer(upstreams_.Servers(), name);
}

void AdminApi::ListServers(const Request& req, Response& res) const {
  if (!Authorize(req, res, std::nullopt)) return;
  Json servers = Json::array();
  for (const ServerConfig& server : upstreams_.Servers()) {
    servers.push_back(ServerStatus(server, upstreams_.Find(server.name).get()));
  }
  SendJson(res, 200, {{"servers", servers}});
}

void AdminApi::GetServer(const Request& req, Response& res) const {
  const std::string name = req.matches[1];
  if (!Authorize(req, res, name)) return;
  for (const ServerConfig& server : upstreams_.Servers()) {
    if (server.name != name) continue;
    return SendJson(res, 200, ServerStatus(server, upstreams_.Find(name).get()));
  }
  SendStatus(res, NotFound("server", name));
}

void AdminApi::PutServer(const Request& req, Response& res) {
  const std::string name = req.matches[1];
  bool exists = IsServer(name);
  auto who = Authorize(req, res, exists ? std::optional(name) : std::nullopt);
  if (!who) return;
  protocol::Result<Json> entry = ParseBody(req, config_.gateway.max_json_depth);
  if (!entry.ok()) return SendStatus(res, entry.status());
  auto edit = [&](const std::vector<ServerConfig>&, ConfigOverlay& overlay) {
    overlay.PutServer(name, *entry);
    return Status::Ok();
  };
  Change(res, *who, (exists ? "replaced server " : "added server ") + name, edit,
         {{"server", name}, {"added", !exists}});
}

void AdminApi::DeleteServer(const Request& req, Response& res) {
  const std::string name = req.matches[1];
  auto who = Authorize(req, res, name);
  if (!who) return;
  auto edit = [&](const std::vector<ServerConfig>& servers, ConfigOverlay& overlay) {
    if (!HasServer(servers, name)) return NotFound("server", name);
    for (const auto& [alias, target] : catalog_.rules().aliases) {
      if (target == name) {
        return Conflict(JoinPath("aliases", alias), "refers to this server; remove it first");
      }
    }
    overlay.RemoveServer(name);
    return Status::Ok();
  };
  Change(res, *who, "removed server " + name, edit, {{"removed", name}});
}

void AdminApi::EnableServer(const Request& req, Response& res, bool enabled) {
  const std::string name = req.matches[1];
  auto who = Authorize(req, res, name);
  if (!who) return;
  auto edit = [&](const std::vector<ServerConfig>& servers, ConfigOverlay& overlay) {
    if (!HasServer(servers, name)) return NotFound("server", name);
    overlay.SetEnabled(name, enabled);
    return Status::Ok();
  };
  Change(res, *who, (enabled ? "enabled server " : "disabled server ") + name, edit,
         {{"server", name}, {"enabled", enabled}});
}

void AdminApi::ListAliases(const Request& req, Response& res) const {
  if (!Authorize(req, res, std::nullopt)) return;
  SendJson(res, 200, {{"aliases", catalog_.rules().aliases}});
}

void AdminApi::PutAlias(const Request& req, Response& res) {
  const std::string alias = req.matches[1];
  auto who = Authorize(req, res, std::nullopt);
  if (!who) return;
  protocol::Result<Json> body = ParseBody(req, config_.gateway.max_json_depth);
  if (!body.ok()) return SendStatus(res, body.status());
  if (!body->is_object() || !body->contains("server") || !(*body)["server"].is_string()) {
    return SendError(res, 400, "server", "must be a string: the server the alias names");
  }
  const std::string server = (*body)["server"].get<std::string>();
  auto edit = [&](const std::vector<ServerConfig>&, ConfigOverlay& overlay) {
    overlay.PutAlias(alias, server);
    return Status::Ok();
  };
  Change(res, *who, fmt::format("set alias {} -> {}", alias, server), edit,
         {{"alias", alias}, {"server", server}});
}

void AdminApi::DeleteAlias(const Request& req, Response& res) {
  const std::string alias = req.matches[1];
  auto who = Authorize(req, res, std::nullopt);
  if (!who) return;
  auto edit = [&](const std::vector<ServerConfig>&, ConfigOverlay& overlay) {
    if (catalog_.rules().aliases.count(alias) == 0) return NotFound("alias", alias);
    overlay.RemoveAlias(alias);
    return Status::Ok();
  };
  Change(res, *who, "removed alias " + alias, edit, {{"removed", alias}});
}

void AdminApi::ListTools(const Request& req, Response& res) const {
  if (!Authorize(req, res, std::nullopt)) return;
  std::string format = req.has_param("format") ? req.get_param_value("format") : "mcp";
  if (format != "mcp" && format != "openai") {
    return SendError(res, 400, "format", "must be mcp or openai");
  }
  Json tools = catalog_.Tools();
  SendJson(res, 200, format == "openai" ? ToOpenAiFunctions(tools) : Json{{"tools", tools}});
}

void AdminApi::Reload(const Request& req, Response& res) {
  auto who = Authorize(req, res, std::nullopt);
  if (!who) return;
  Status reloaded = registry_.Reload(*who);
  if (!reloaded.ok()) return SendStatus(res, reloaded);
  SendJson(res, 200, {{"reloaded", true}});
}

void AdminApi::Change(Response& res, const std::string& who, const std::string& what,
                      const Registry::Edit& edit, const Json& success) {
  Status changed = registry_.Change(who, what, edit);
  if (!changed.ok()) return SendStatus(res, changed);
  SendJson(res, 200, success);
}

}  // namespace mcpgw::proxy
