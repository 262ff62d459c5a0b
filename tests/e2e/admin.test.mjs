// The admin API end to end (README "Admin API and reload"): an admin adds the real server-memory
// at run time and the official SDK client, holding its GET stream over Streamable HTTP, is told
// with tools/list_changed and calls a memory__ tool; a restart shows the same registry (the
// state file); the admin removes the server and the client is told again and the tool is gone;
// a non-admin key gets 403 on every admin endpoint, no key or a bad key 401; disable, enable and
// aliases take effect for the connected client; `mcpgw reload --url` goes through the API.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { expectMcpError, listAllTools, makeWorkspace, runCli, upstreams, waitFor, waitForTools, withGatewayStderr, withTimeout } from "./helpers.mjs";
import { startHttpGateway } from "./http_helpers.mjs";

const KEYS = { root: crypto.randomBytes(16).toString("hex"), user: crypto.randomBytes(16).toString("hex") };
const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;

function makeAdminWorkspace() {
  const ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
  const config = {
    ...ws.config,
    keys: [{ name: "root", hash: hash(KEYS.root) }, { name: "user", hash: hash(KEYS.user) }],
    policies: { admins: { default: "admin", rules: [] }, users: { default: "execute", rules: [] } },
    permissions: { default: "deny", keys: { root: "admins", user: "users" } },
  };
  fs.writeFileSync(ws.configPath, JSON.stringify(config, null, 2));
  return ws;
}

function admin(gw, method, route, { key = KEYS.root, body } = {}) {
  const headers = { "Content-Type": "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  return fetch(`${gw.base}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function connectAs(gw, key) {
  const transport = new StreamableHTTPClientTransport(new URL(gw.url), {
    requestInit: { headers: { Authorization: `Bearer ${key}` } },
  });
  const client = new Client({ name: "admin-e2e", version: "1.0.0" }, { capabilities: {} });
  await withTimeout(client.connect(transport), 30000, "connect over HTTP");
  let changes = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changes += 1; });
  return { client, changes: () => changes, close: () => withTimeout(client.close(), 10000, "close").catch(() => {}) };
}

const ENDPOINTS = [
  ["GET", "/admin/servers"],
  ["GET", "/admin/servers/everything"],
  ["PUT", "/admin/servers/memory", { command: "true" }],
  ["DELETE", "/admin/servers/everything"],
  ["POST", "/admin/servers/everything/enable"],
  ["POST", "/admin/servers/everything/disable"],
  ["GET", "/admin/aliases"],
  ["PUT", "/admin/aliases/ev", { server: "everything" }],
  ["DELETE", "/admin/aliases/ev"],
  ["GET", "/admin/tools?format=openai"],
  ["POST", "/admin/reload"],
];

describe("admin API", () => {
  let ws, gw, user;
  const memoryPath = () => path.join(ws.dir, "memory.jsonl");
  const gatewayEnv = () => ({ MEMORY_PATH: memoryPath() });
  before(async () => {
    ws = makeAdminWorkspace();
    gw = await startHttpGateway(ws.configPath, { env: gatewayEnv() });
    user = await connectAs(gw, KEYS.user);
  });
  after(async () => {
    await user?.close();
    gw?.kill();
    ws?.cleanup();
  });

  test("a non-admin key gets 403 on every admin endpoint, no key or a bad key 401", async () => {
    for (const [method, route, body] of ENDPOINTS) {
      const res = await admin(gw, method, route, { key: KEYS.user, body });
      assert.equal(res.status, 403, `${method} ${route}`);
      assert.ok((await res.json()).error.message, `${method} ${route} has a JSON error body`);
      const anonymous = await admin(gw, method, route, { key: null, body });
      assert.equal(anonymous.status, 401, `${method} ${route} without a key`);
      const wrong = await admin(gw, method, route, { key: "not-a-key", body });
      assert.equal(wrong.status, 401, `${method} ${route} with an unknown key`);
    }
  });

  test("an admin adds server-memory; the client is told and calls a memory__ tool", { timeout: 60000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const entry = { ...upstreams.memory(ws.dir), env: { MEMORY_FILE_PATH: "${MEMORY_PATH}" } };
      const res = await admin(gw, "PUT", "/admin/servers/memory", { body: entry });
      assert.equal(res.status, 200, await res.clone().text());
      await waitFor(() => user.changes() >= 1, 30000, "tools/list_changed after the add");
      await waitForTools(user.client, ["memory__read_graph"], 30000);
      const result = await user.client.callTool({ name: "memory__create_entities", arguments: {
        entities: [{ name: "mcpgw", entityType: "gateway", observations: ["added at run time"] }] } });
      assert.ok(!result.isError, JSON.stringify(result));
      const servers = (await (await admin(gw, "GET", "/admin/servers")).json()).servers;
      const memory = servers.find((s) => s.name === "memory");
      assert.equal(memory.state, "ready");
      assert.equal(memory.transport, "stdio");
      assert.equal(memory.enabled, true);
      assert.ok(memory.tools > 0);
      // The state file keeps the entry as sent: ${MEMORY_PATH} is never written expanded.
      const statePath = `${ws.configPath}.state.json`;
      const state = fs.readFileSync(statePath, "utf8");
      assert.match(state, /\$\{MEMORY_PATH\}/);
      assert.equal(fs.statSync(statePath).mode & 0o777, 0o600);
    });
  });

  test("bad input gets 400 with the JSON path and leaves the registry as it was", async () => {
    const before = await (await admin(gw, "GET", "/admin/servers")).json();
    const res = await admin(gw, "PUT", "/admin/servers/broken", { body: { command: 5 } });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.path, "mcpServers.broken.command");
    const alias = await admin(gw, "PUT", "/admin/aliases/x", { body: { server: "nope" } });
    assert.equal(alias.status, 400);
    assert.equal((await alias.json()).error.path, "aliases.x");
    assert.equal((await admin(gw, "GET", "/admin/servers/nope")).status, 404);
    assert.equal((await admin(gw, "DELETE", "/admin/aliases/nope")).status, 404);
    const after = await (await admin(gw, "GET", "/admin/servers")).json();
    assert.deepEqual(after.servers.map((s) => s.name), before.servers.map((s) => s.name));
  });

  test("a restart shows the same registry; removing memory tells the client and the tool is gone", { timeout: 90000 }, async () => {
    await user.close();
    gw.kill();
    await gw.exited;
    gw = await startHttpGateway(ws.configPath, { env: gatewayEnv() });
    const names = (await (await admin(gw, "GET", "/admin/servers")).json()).servers.map((s) => s.name);
    assert.deepEqual(names, ["everything", "memory"]);
    user = await connectAs(gw, KEYS.user);
    await waitForTools(user.client, ["memory__read_graph"], 30000);
    const seen = user.changes();
    const res = await admin(gw, "DELETE", "/admin/servers/memory");
    assert.equal(res.status, 200, await res.clone().text());
    await waitFor(() => user.changes() > seen, 20000, "tools/list_changed after the removal");
    const tools = (await listAllTools(user.client)).map((t) => t.name);
    assert.ok(!tools.some((name) => name.startsWith("memory__")), tools.join(", "));
    await expectMcpError(user.client.callTool({ name: "memory__read_graph", arguments: {} }), -32602, "removed tool");
    const openai = await (await admin(gw, "GET", "/admin/tools?format=openai")).json();
    assert.ok(openai.every((f) => f.type === "function" && !f.function.name.startsWith("memory__")));
  });

  test("disable hides a server's tools and enable brings them back; an alias routes calls until removed", { timeout: 90000 }, async () => {
    const seen = user.changes();
    assert.equal((await admin(gw, "POST", "/admin/servers/everything/disable")).status, 200);
    await waitFor(() => user.changes() > seen, 20000, "tools/list_changed after disable");
    const disabled = await (await admin(gw, "GET", "/admin/servers/everything")).json();
    assert.equal(disabled.enabled, false);
    assert.equal(disabled.state, "disabled");
    assert.ok(!(await listAllTools(user.client)).some((t) => t.name.startsWith("everything__")));

    const again = user.changes();
    assert.equal((await admin(gw, "POST", "/admin/servers/everything/enable")).status, 200);
    await waitFor(() => user.changes() > again, 30000, "tools/list_changed after enable");
    await waitForTools(user.client, ["everything__echo"], 30000);

    assert.equal((await admin(gw, "PUT", "/admin/aliases/ev", { body: { server: "everything" } })).status, 200);
    assert.deepEqual((await (await admin(gw, "GET", "/admin/aliases")).json()).aliases, { ev: "everything" });
    const echoed = await user.client.callTool({ name: "ev__echo", arguments: { message: "via the alias" } });
    assert.match(echoed.content[0].text, /via the alias/);
    assert.equal((await admin(gw, "DELETE", "/admin/aliases/ev")).status, 200);
    await expectMcpError(user.client.callTool({ name: "ev__echo", arguments: { message: "x" } }), -32602, "removed alias");
  });

  test("mcpgw reload --url asks the running gateway to reload, with MCPGW_API_KEY as the key", async () => {
    const done = await runCli(["reload", "--url", gw.base], { env: { MCPGW_API_KEY: KEYS.root } });
    assert.equal(done.code, 0, done.stderr);
    const refused = await runCli(["reload", "--url", gw.base], { env: { MCPGW_API_KEY: KEYS.user } });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /HTTP 403/);
  });
});
