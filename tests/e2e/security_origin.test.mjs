// Attacks from a web page or a local process on a loopback gateway without keys, with raw HTTP
// requests (Node's http module, which can send any Host): simple cross-origin POSTs to the admin
// API, foreign Origins on every endpoint, CORS preflights, and hostile or malformed Host headers.
// Each is refused without changing anything or naming an upstream, and the gateway keeps serving.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { firstText, makeWorkspace, runCli, upstreams, waitFor } from "./helpers.mjs";
import { connectHttpClient, initializeRequest, JSON_AND_SSE, startHttpGateway } from "./http_helpers.mjs";

const SERVER = "everything";
const PAGE = "http://localhost:5173"; // a local dev server: allowed on /mcp by default
const CONFIGURED = "http://127.0.0.1:7000"; // in gateway.allowed_origins
const FOREIGN = "https://evil.example";

/**
 * One raw request to the gateway; `headers.Host` replaces the real one, `host: null` sends none.
 * Resolves {status, headers, body} once the answer is complete.
 */
function raw(gw, method, route, { headers = {}, host, body } = {}) {
  const { hostname, port } = new URL(gw.base);
  const all = { ...headers };
  if (host !== undefined && host !== null) all.Host = host;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, method, path: route, headers: all, setHost: host === undefined, agent: false },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
      },
    );
    req.setTimeout(10000, () => req.destroy(new Error(`${method} ${route}: no answer in 10 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

// Every path the gateway serves, with a request that would otherwise be well-formed.
const MCP_ENDPOINTS = [
  ["POST", "/mcp", { "Content-Type": "application/json", Accept: JSON_AND_SSE }, JSON.stringify(initializeRequest())],
  ["GET", "/mcp", { Accept: "text/event-stream" }],
  ["DELETE", "/mcp", {}],
  ["GET", "/sse", { Accept: "text/event-stream" }],
  ["POST", "/messages?sessionId=x", { "Content-Type": "application/json" }, "{}"],
  ["GET", "/healthz", {}],
  ["GET", "/readyz", {}],
  ["GET", "/metrics", {}],
];
const PWNED = path.join(os.tmpdir(), `mcpgw-pwned-${process.pid}`);
const ADMIN_ENDPOINTS = [
  ["GET", "/admin/servers", {}],
  ["GET", `/admin/servers/${SERVER}`, {}],
  ["PUT", "/admin/servers/pwned", { "Content-Type": "application/json" }, JSON.stringify({ command: "touch", args: [PWNED] })],
  ["DELETE", `/admin/servers/${SERVER}`, {}],
  ["POST", `/admin/servers/${SERVER}/enable`, { "Content-Type": "application/json" }],
  ["POST", `/admin/servers/${SERVER}/disable`, { "Content-Type": "application/json" }],
  ["GET", "/admin/aliases", {}],
  ["PUT", "/admin/aliases/ev", { "Content-Type": "application/json" }, JSON.stringify({ server: SERVER })],
  ["DELETE", "/admin/aliases/ev", {}],
  ["GET", "/admin/tools", {}],
  ["POST", "/admin/reload", { "Content-Type": "application/json" }],
];

function assertRefused(res, statuses, label) {
  assert.ok(statuses.includes(res.status), `${label}: HTTP ${res.status} ${res.body}`);
  assert.equal(JSON.parse(res.body).jsonrpc, "2.0", `${label}: a JSON-RPC error body`);
  assert.equal(res.headers["access-control-allow-origin"], undefined, `${label}: no CORS permission`);
  assert.ok(!res.body.includes(SERVER), `${label}: names no upstream: ${res.body}`);
}

describe("origin, Host and CORS rules on a loopback gateway without keys", () => {
  let ws, gw;
  before(async () => {
    ws = makeWorkspace(() => ({ [SERVER]: upstreams.everything() }), { gateway: { allowed_origins: [CONFIGURED] } });
    gw = await startHttpGateway(ws.configPath);
    await waitFor(async () => (await raw(gw, "GET", "/readyz")).status === 200, 30000, "the upstream to be ready");
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  const serverState = async () => {
    const res = await raw(gw, "GET", `/admin/servers/${SERVER}`);
    assert.equal(res.status, 200, res.body);
    return JSON.parse(res.body);
  };

  test("a simple cross-origin POST (text/plain, form) to disable, reload or /messages is refused and changes nothing", async () => {
    const simple = [
      ["text/plain", '{"a":"b"}'],
      ["application/x-www-form-urlencoded", "a=b"],
      ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'],
    ];
    for (const route of [`/admin/servers/${SERVER}/disable`, "/admin/reload"]) {
      for (const [type, body] of simple) {
        // A current browser sends the page's Origin; an old one, or a local process, may not.
        const fromPage = await raw(gw, "POST", route, { headers: { "Content-Type": type, Origin: PAGE }, body });
        assert.equal(fromPage.status, 403, `${route} ${type} from ${PAGE}: ${fromPage.body}`);
        const noOrigin = await raw(gw, "POST", route, { headers: { "Content-Type": type }, body });
        assert.equal(noOrigin.status, 415, `${route} ${type} without Origin: ${noOrigin.body}`);
        assert.match(JSON.parse(noOrigin.body).error.message, /application\/json/);
      }
      const untyped = await raw(gw, "POST", route);
      assert.equal(untyped.status, 415, `${route} without Content-Type: ${untyped.body}`);
    }
    // The legacy transport's POST says 415 before it looks the session up.
    const legacy = await raw(gw, "POST", "/messages?sessionId=x", { headers: { "Content-Type": "text/plain" }, body: "{}" });
    assert.equal(legacy.status, 415, legacy.body);
    const state = await serverState();
    assert.equal(state.enabled, true);
    assert.equal(state.state, "ready");
    assert.doesNotMatch(gw.stderr(), /reload by|disabled server/);
    // The same request as JSON goes through: the refusal was about the request's form.
    const disable = await raw(gw, "POST", `/admin/servers/${SERVER}/disable`, { headers: { "Content-Type": "application/json" } });
    assert.equal(disable.status, 200, disable.body);
    assert.equal((await serverState()).enabled, false);
    const enable = await raw(gw, "POST", `/admin/servers/${SERVER}/enable`, { headers: { "Content-Type": "application/json" } });
    assert.equal(enable.status, 200, enable.body);
    await waitFor(async () => (await serverState()).state === "ready", 30000, "the server to be ready again");
  });

  test("a foreign Origin is refused on every endpoint, and the admin API takes only configured origins", async () => {
    const adminBefore = await serverState();
    const stateFile = `${ws.configPath}.state.json`;
    const stored = () => (fs.existsSync(stateFile) ? fs.readFileSync(stateFile, "utf8") : null);
    const storedBefore = stored();
    for (const [method, route, headers, body] of [...MCP_ENDPOINTS, ...ADMIN_ENDPOINTS]) {
      const res = await raw(gw, method, route, { headers: { ...headers, Origin: FOREIGN }, body });
      assertRefused(res, [403], `${method} ${route} from ${FOREIGN}`);
      const nullOrigin = await raw(gw, method, route, { headers: { ...headers, Origin: "null" }, body });
      assertRefused(nullOrigin, [403], `${method} ${route} from a sandboxed page`);
    }
    for (const [method, route, headers, body] of ADMIN_ENDPOINTS) {
      const res = await raw(gw, method, route, { headers: { ...headers, Origin: PAGE }, body });
      assertRefused(res, [403], `${method} ${route} from ${PAGE}`);
    }
    assert.deepEqual(await serverState(), adminBefore);
    assert.equal(stored(), storedBefore, "no change was stored");
    assert.ok(!fs.existsSync(PWNED), "no server was started");
    const fromConfigured = await raw(gw, "GET", "/admin/servers", { headers: { Origin: CONFIGURED } });
    assert.equal(fromConfigured.status, 200, fromConfigured.body);
    assert.equal(fromConfigured.headers["access-control-allow-origin"], CONFIGURED);
  });

  test("a preflight from a foreign origin gets no permission; from an allowed one, a deliberate answer", async () => {
    const ask = (route, origin, method = "POST") =>
      raw(gw, "OPTIONS", route, {
        headers: { Origin: origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "content-type,mcp-session-id" },
      });
    for (const route of ["/mcp", "/admin/reload", `/admin/servers/${SERVER}/disable`, "/readyz"]) {
      assertRefused(await ask(route, FOREIGN), [403], `preflight ${route} from ${FOREIGN}`);
    }
    assertRefused(await ask("/admin/reload", PAGE), [403], `preflight /admin/reload from ${PAGE}`);

    const mcp = await ask("/mcp", PAGE);
    assert.equal(mcp.status, 204, mcp.body);
    assert.equal(mcp.headers["access-control-allow-origin"], PAGE);
    assert.match(mcp.headers.vary, /Origin/);
    assert.deepEqual(mcp.headers["access-control-allow-methods"].split(/,\s*/).sort(), ["DELETE", "GET", "OPTIONS", "POST"]);
    const allowed = mcp.headers["access-control-allow-headers"].toLowerCase().split(/,\s*/);
    for (const name of ["authorization", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id"]) {
      assert.ok(allowed.includes(name), `${name} in ${allowed}`);
    }
    assert.equal(mcp.headers["access-control-allow-credentials"], undefined, "no cookies are involved");
    const admin = await ask(`/admin/servers/${SERVER}/disable`, CONFIGURED);
    assert.equal(admin.status, 204, admin.body);
    assert.equal(admin.headers["access-control-allow-origin"], CONFIGURED);
    assert.equal((await ask("/nowhere", PAGE)).status, 404);

    // The request itself: the page may read the answer and the session id.
    const init = await raw(gw, "POST", "/mcp", {
      headers: { "Content-Type": "application/json", Accept: JSON_AND_SSE, Origin: PAGE },
      body: JSON.stringify(initializeRequest()),
    });
    assert.equal(init.status, 200, init.body);
    assert.equal(init.headers["access-control-allow-origin"], PAGE);
    assert.match(init.headers["access-control-expose-headers"], /Mcp-Session-Id/i);
    assert.ok(init.headers["mcp-session-id"]);
  });

  test("a hostile, malformed or missing Host is refused on every endpoint without naming an upstream", async () => {
    const { port } = new URL(gw.base);
    const hosts = [
      [`localhost:1@evil.com`, [400]],
      [`evil.com`, [403]],
      [`evil.com:${port}`, [403]],
      [`localhost.evil.com:${port}`, [403]],
      [`127.0.0.1:${port}/x`, [400]],
      [`127.0.0.1:${port}\\x`, [400]],
      [`local host:${port}`, [400]],
      [`127.0.0.1:`, [400]],
      [`127.0.0.1:99999`, [400]],
      [`[::1`, [400]],
      [`user@127.0.0.1:${port}`, [400]],
      [``, [400]],
      [null, [400]],
    ];
    for (const [method, route, headers, body] of [...MCP_ENDPOINTS, ...ADMIN_ENDPOINTS]) {
      for (const [host, statuses] of hosts) {
        const res = await raw(gw, method, route, { headers, host, body });
        assertRefused(res, statuses, `${method} ${route} with Host ${JSON.stringify(host)}`);
      }
    }
    assert.equal((await serverState()).enabled, true);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, "LOCALHOST"]) {
      const ready = await raw(gw, "GET", "/readyz", { host });
      assert.equal(ready.status, 200, `Host ${host}: ${ready.body}`);
      assert.equal(JSON.parse(ready.body).upstreams[SERVER], "ready");
    }
  });

  test("the gateway keeps serving an SDK client afterwards", { timeout: 60000 }, async () => {
    const { client, close } = await connectHttpClient(gw);
    try {
      const echo = await client.callTool({ name: `${SERVER}__echo`, arguments: { message: "still serving" } });
      assert.match(firstText(echo), /still serving/);
    } finally {
      await close();
    }
  });
});

describe("mcpgw check on the admin API without keys", () => {
  let ws;
  before(() => {
    ws = makeWorkspace(() => ({ [SERVER]: upstreams.everything() }), { gateway: { listen: "127.0.0.1:8811" } });
  });
  after(() => ws?.cleanup());

  test("warns that an admin API without keys is for single-user machines only", { timeout: 20000 }, async () => {
    const r = await runCli(["check", "--config", ws.configPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /warning: no keys: the admin API on 127\.0\.0\.1:8811 is open without authentication .*single-user machines only/);
  });

  test("says nothing of the kind once keys are configured", { timeout: 20000 }, async () => {
    const hash = `sha256:${crypto.createHash("sha256").update("k".repeat(32)).digest("hex")}`;
    const keyed = { ...ws.config, keys: [{ name: "root", hash }] };
    const keyedPath = path.join(ws.dir, "keyed.json");
    fs.writeFileSync(keyedPath, JSON.stringify(keyed));
    const r = await runCli(["check", "--config", keyedPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /single-user/);
  });
});
