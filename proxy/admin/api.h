#pragma once

#include "proxy/config/config.h"
#include "proxy/config/registry.h"
#include "proxy/http/routes.h"
#include "proxy/routing/catalog.h"
#include "upstream/upstream_set.h"

#include <httplib.h>

#include <optional>
#include <string>

namespace mcpgw::proxy {

// The admin API under /admin (README "Admin API and reload"): JSON in and out; list, get, add or
// replace, remove, enable and disable servers; list, put and remove aliases; the merged tools as
// MCP or OpenAI; reload. Every PUT and POST must be Content-Type: application/json (415), so that
// no web page can send one without a CORS preflight. Every request is authenticated like /mcp (401), then needs level admin
// (403 with a JSON body): on the server for one-server operations, as the policy default for
// gateway-wide ones. With no keys configured it is open only when the gateway listens on a
// loopback address. Errors are {"error":{"path","message"}}: 400 naming the JSON path at fault,
// 404 for an unknown server or alias, 409 for a conflict; the registry is then unchanged.
class AdminApi {
 public:
  // Borrows everything; all must outlive the server the routes are added to. `config` gives the
  // keys, the permissions and the JSON depth limit (its servers and aliases may be stale: the
  // upstreams and the catalog say what runs now); `registry` makes the changes. `listen_host` is
  // the address the gateway is bound to.
  AdminApi(const Config& config, const upstream::UpstreamSet& upstreams, const Catalog& catalog,
           Registry& registry, const std::string& listen_host);

  // Adds the /admin routes. Handlers run on the HTTP connection threads.
  void Route(HttpRoutes& server);

 private:
  using Request = httplib::Request;
  using Response = httplib::Response;

  // The acting principal's name ("anonymous" without keys) when the caller may administer
  // `server` (nullopt: the whole gateway); otherwise sends 401 or 403 and returns nullopt.
  std::optional<std::string> Authorize(const Request& req, Response& res,
                                       const std::optional<std::string>& server) const;
  bool IsServer(const std::string& name) const;

  void ListServers(const Request& req, Response& res) const;
  void GetServer(const Request& req, Response& res) const;
  void PutServer(const Request& req, Response& res);
  void DeleteServer(const Request& req, Response& res);
  void EnableServer(const Request& req, Response& res, bool enabled);
  void ListAliases(const Request& req, Response& res) const;
  void PutAlias(const Request& req, Response& res);
  void DeleteAlias(const Request& req, Response& res);
  void ListTools(const Request& req, Response& res) const;
  void Reload(const Request& req, Response& res);
  // Runs a registry change and answers with `success` (status 200) or the change's error.
  void Change(Response& res, const std::string& who, const std::string& what,
              const Registry::Edit& edit, const protocol::Json& success);

  const Config& config_;
  const upstream::UpstreamSet& upstreams_;
  const Catalog& catalog_;
  Registry& registry_;
  const bool loopback_;
};

}  // namespace mcpgw::proxy
