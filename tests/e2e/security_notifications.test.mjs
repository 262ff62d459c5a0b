// Notifications never cross keys (README "Notifications"): with several sessions on one gateway,
// an upstream's log lines reach only sessions whose key may read that server, resource updates
// only sessions that subscribed and may read the resource, one session's unsubscribe does not end
// another's updates, the last subscriber's session end unsubscribes upstream, and one session's
// logging/setLevel never changes what another receives. Against the real server-everything,
// which logs each resources/subscribe and resources/unsubscribe it receives (at info) and, once
// toggle-subscriber-updates is on, sends resources/updated for its subscriptions every 5 s.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  EmptyResultSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import {
  ROOT,
  connectGateway,
  expectMcpError,
  firstText,
  listAllTools,
  makeWorkspace,
  upstreams,
  waitFor,
  waitForTools,
  withGatewayStderr,
  withTimeout,
} from "./helpers.mjs";
import { startHttpGateway } from "./http_helpers.mjs";

const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = { full: "full-key-0123", reader: "reader-key-4567", none: "none-key-89ab", partial: "partial-key-cdef" };
const DOCS = path.join(ROOT, "node_modules/@modelcontextprotocol/server-everything/dist/docs");
const DOC_NAME = fs.readdirSync(DOCS).filter((n) => fs.statSync(path.join(DOCS, n)).isFile()).sort()[0];
const DOC = `demo://resource/static/document/${encodeURIComponent(DOC_NAME)}`;

const rule = (server, tool, level) => ({ server, tool, level });
const ACCESS = {
  keys: Object.keys(KEYS).map((name) => ({ name, hash: hash(KEYS[name]) })),
  policies: {
    full: { default: "execute" },
    reader: { default: "read" },
    none: { default: "deny" },
    // May use one resource and the update toggle of everything, but not read the whole server.
    partial: {
      default: "deny",
      rules: [rule("everything", DOC, "execute"), rule("everything", "toggle-subscriber-updates", "execute")],
    },
  },
  permissions: { default: "deny", keys: { full: "full", reader: "reader", none: "none", partial: "partial" } },
};

function writeConfig(ws, servers) {
  fs.writeFileSync(ws.configPath, JSON.stringify({ ...ws.config, ...ACCESS, mcpServers: servers }, null, 2));
}

function makeNotificationWorkspace() {
  const ws = makeWorkspace(() => ({ everything: upstreams.everything() }), { aliases: {} });
  writeConfig(ws, ws.config.mcpServers);
  return ws;
}

const subscribeLine = (m) => /Received Subscribe Resource request/.test(String(m.data));
const unsubscribeLine = (m) => /Received Unsubscribe Resource request/.test(String(m.data));

/** An SDK client over Streamable HTTP with `key`, recording the notifications it gets. */
async function connectRecording(url, key) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${key}` } },
  });
  const client = new Client({ name: `notif-${key}`, version: "1.0.0" }, { capabilities: {} });
  const got = { logs: [], updates: [], listChanged: 0 };
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => got.logs.push(n.params));
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => got.updates.push(n.params.uri));
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { got.listChanged += 1; });
  await withTimeout(client.connect(transport), 30000, `connect with the ${key} key`);
  return { client, transport, got, close: () => withTimeout(client.close(), 10000, "close").catch(() => {}) };
}

describe("notifications per key and session over Streamable HTTP", () => {
  let ws, gw;
  const sessions = {};
  const live = () => Object.values(sessions).filter((s) => !s.ended);
  const count = (session, which) => session.got.logs.filter(which).length;
  const check = (name, fn) => test(name, { timeout: 40000 }, () => withGatewayStderr(() => gw, fn));

  // A reload that adds or removes the memory server sends tools/list_changed to every session
  // once the tool list has changed: after that, whatever the hub gave a session before it has
  // arrived (each session has one stream).
  async function reloadAndSettle(withMemory) {
    const before = new Map(live().map((s) => [s, s.got.listChanged]));
    const servers = { everything: upstreams.everything(), ...(withMemory ? { memory: upstreams.memory(ws.dir) } : {}) };
    writeConfig(ws, servers);
    process.kill(gw.proc.pid, "SIGHUP");
    const hasMemory = async () => (await listAllTools(sessions.fullA.client)).some((t) => t.name === "memory__read_graph");
    await waitFor(async () => (await hasMemory()) === withMemory, 30000, `memory ${withMemory ? "added" : "removed"}`);
    await waitFor(() => live().every((s) => s.got.listChanged > before.get(s)), 15000, "list_changed on every stream");
  }

  before(async () => {
    ws = makeNotificationWorkspace();
    gw = await startHttpGateway(ws.configPath);
    for (const name of ["fullA", "fullB", "reader", "none"]) {
      sessions[name] = await connectRecording(gw.url, KEYS[name.startsWith("full") ? "full" : name]);
    }
    await waitForTools(sessions.fullA.client, ["everything__toggle-subscriber-updates"], 30000);
  }, { timeout: 90000 });
  after(async () => {
    for (const session of Object.values(sessions)) await session.close();
    gw?.kill();
    ws?.cleanup();
  });

  check("list_changed reaches every session, the deny-all key's too", async () => {
    await reloadAndSettle(true);
  });

  check("a server's log lines reach only the keys that may read it", async () => {
    const { fullA, fullB, reader, none } = sessions;
    await fullA.client.subscribeResource({ uri: DOC });  // everything logs it, at info
    await waitFor(() => [fullA, fullB, reader].every((s) => count(s, subscribeLine) === 1), 15000, "the subscribe line at every reader");
    for (const s of [fullA, fullB, reader]) {
      const line = s.got.logs.find(subscribeLine);
      assert.equal(line.logger, undefined, "everything names no logger: none is added");
      assert.equal(line._meta?.["io.mcpgw/server"], "everything");
    }
    await reloadAndSettle(false);
    assert.deepEqual(none.got.logs, [], "the deny-all key got log lines");
  });

  check("a deny-all key's logging/setLevel changes nothing for the others", async () => {
    const { fullA, fullB, reader, none } = sessions;
    await none.client.setLoggingLevel("emergency");
    await fullA.client.unsubscribeResource({ uri: DOC });  // the only subscriber: it goes upstream
    await waitFor(() => [fullA, fullB, reader].every((s) => count(s, unsubscribeLine) === 1), 15000, "the unsubscribe line at every reader");
    await fullA.client.subscribeResource({ uri: DOC });
    await waitFor(() => [fullA, fullB, reader].every((s) => count(s, subscribeLine) === 2), 15000, "the second subscribe line");
  });

  check("one session's unsubscribe does not end another's updates", async () => {
    const { fullA, fullB } = sessions;
    await fullB.client.subscribeResource({ uri: DOC });
    const toggled = await fullA.client.callTool({ name: "everything__toggle-subscriber-updates", arguments: {} });
    assert.match(firstText(toggled), /^Started simulated resource updated/);
    await waitFor(() => fullA.got.updates.length > 0 && fullB.got.updates.length > 0, 15000, "an update at both subscribers");
    assert.ok([...fullA.got.updates, ...fullB.got.updates].every((uri) => uri === DOC));
    await fullA.client.unsubscribeResource({ uri: DOC });
    const aSeen = fullA.got.updates.length;
    const bSeen = fullB.got.updates.length;
    await waitFor(() => fullB.got.updates.length > bSeen, 15000, "B's next update after A unsubscribed");
    assert.equal(fullA.got.updates.length, aSeen, "A got an update after it unsubscribed");
    assert.equal(count(fullB, unsubscribeLine), 1, "A's unsubscribe reached the upstream");
  });

  check("the last subscriber's session end unsubscribes upstream", async () => {
    const { fullB, reader } = sessions;
    await fullB.transport.terminateSession();
    fullB.ended = true;
    await waitFor(() => count(reader, unsubscribeLine) === 2, 15000, "the upstream unsubscribe after B's session ended");
    assert.ok(reader.got.logs.filter(unsubscribeLine)[1].data.includes(DOC));
  });

  check("one session's logging/setLevel does not change what another receives", async () => {
    const { fullA, reader } = sessions;
    await reader.client.setLoggingLevel("error");
    const readerLogs = reader.got.logs.length;
    await fullA.client.subscribeResource({ uri: DOC });
    await waitFor(() => count(fullA, subscribeLine) === 3, 15000, "A's info line after the reader asked for errors only");
    await reloadAndSettle(true);
    const SEVERE = ["error", "critical", "alert", "emergency"];
    const later = reader.got.logs.slice(readerLogs);
    assert.ok(later.every((m) => SEVERE.includes(m.level)), JSON.stringify(later));
  });

  check("updates reach only subscribers, and the gateway still serves", async () => {
    const { fullA, reader, none } = sessions;
    assert.deepEqual(reader.got.updates, [], "the reader never subscribed");
    assert.deepEqual(none.got.updates, [], "the deny-all key never subscribed");
    assert.deepEqual(none.got.logs, [], "the deny-all key got log lines");
    await fullA.client.callTool({ name: "everything__toggle-subscriber-updates", arguments: {} });
    const echo = await fullA.client.callTool({ name: "everything__echo", arguments: { message: "still serving" } });
    assert.equal(firstText(echo), "Echo: still serving");
  });
});

describe("notifications per key over stdio", () => {
  let ws, gw;
  before(async () => {
    ws = makeNotificationWorkspace();
    gw = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: KEYS.partial } });
    await waitForTools(gw.client, ["everything__toggle-subscriber-updates"], 30000);
  }, { timeout: 60000 });
  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  test("a key that may use one resource gets its updates but not the server's log lines", { timeout: 40000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const logs = [];
      const updates = [];
      gw.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
      gw.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params.uri));
      await gw.client.subscribeResource({ uri: DOC });  // everything logs it before answering
      await gw.client.callTool({ name: "everything__toggle-subscriber-updates", arguments: {} });
      await waitFor(() => updates.length > 0, 15000, "an update of the subscribed resource");
      assert.deepEqual(updates, [DOC]);
      // One ordered stream: the subscribe log line would have come before the update.
      assert.deepEqual(logs, [], "log lines of a server the key may not read as a whole");
      await gw.client.callTool({ name: "everything__toggle-subscriber-updates", arguments: {} });
    });
  });

  test("logging/setLevel with an unknown level is refused with -32602; the session goes on", { timeout: 20000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const verbose = gw.client.request({ method: "logging/setLevel", params: { level: "verbose" } }, EmptyResultSchema);
      await expectMcpError(verbose, -32602, "an unknown level");
      await gw.client.setLoggingLevel("warning");
      await gw.client.unsubscribeResource({ uri: DOC });
    });
  });
});
