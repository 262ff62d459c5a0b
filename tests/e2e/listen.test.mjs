// subscriptions/listen and caching hints for modern clients (README "Notifications", "Caching"):
// raw 2026-07-28 requests (no initialize) over stdio and Streamable HTTP, against the real
// server-everything, which sends resources/updated for its subscriptions every 5 s once
// toggle-subscriber-updates is on. A reload that adds server-memory changes the merged tool list.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, RawGateway, makeWorkspace, sleep, upstreams, waitFor, withGatewayStderr, withTimeout } from "./helpers.mjs";
import { JSON_AND_SSE, startHttpGateway } from "./http_helpers.mjs";

const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = { full: "listen-full-key-0123", partial: "listen-partial-key-4567" };
const DOCS = path.join(ROOT, "node_modules/@modelcontextprotocol/server-everything/dist/docs");
const [OPEN_DOC, CLOSED_DOC] = fs
  .readdirSync(DOCS)
  .filter((n) => fs.statSync(path.join(DOCS, n)).isFile())
  .sort()
  .slice(0, 2)
  .map((name) => `demo://resource/static/document/${encodeURIComponent(name)}`);
const SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

const rule = (server, tool, level) => ({ server, tool, level });
// partial may use one document and the update toggle of everything, and read memory's tools
// when `memory` says so.
const access = ({ memory }) => ({
  keys: Object.entries(KEYS).map(([name, key]) => ({ name, hash: hash(key) })),
  policies: {
    full: { default: "execute" },
    partial: {
      default: "deny",
      rules: [
        rule("everything", OPEN_DOC, "execute"),
        rule("everything", "toggle-subscriber-updates", "execute"),
        ...(memory ? [rule("memory", "*", "read")] : []),
      ],
    },
  },
  permissions: { default: "deny", keys: { full: "full", partial: "partial" } },
});

function writeConfig(ws, servers) {
  fs.writeFileSync(ws.configPath, JSON.stringify({ ...ws.config, ...ws.access, mcpServers: servers }, null, 2));
}

/** everything alone; `access` null: no keys and no permissions at all. */
function listenWorkspace(accessConfig) {
  const ws = makeWorkspace(() => ({ everything: upstreams.everything() }), { aliases: {} });
  ws.access = accessConfig ?? {};
  writeConfig(ws, ws.config.mcpServers);
  return ws;
}

/** params of a modern request: the revision, capabilities and identity in _meta. */
const modern = (params = {}, meta = {}) => ({
  ...params,
  _meta: {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": { name: "listen-e2e", version: "1.0.0" },
    ...meta,
  },
});

/** The headers of a modern POST: its revision, method and item name, and the key when given. */
const modernHeaders = (message, key) => {
  const name = message.params?.name ?? message.params?.uri;
  return {
    "Content-Type": "application/json",
    Accept: JSON_AND_SSE,
    "MCP-Protocol-Version": "2026-07-28",
    "Mcp-Method": message.method,
    ...(name ? { "Mcp-Name": name } : {}),
    ...(key ? { Authorization: `Bearer ${key}` } : {}),
  };
};

/**
 * A modern request POSTed with no session, its answer read as it streams (JSON or SSE): every
 * message in `messages` as it arrives; next() waits for one; close() ends the stream.
 */
function postStreaming(url, message, key) {
  const controller = new AbortController();
  const stream = { messages: [], waiters: [], status: undefined };
  const take = (msg) => {
    stream.messages.push(msg);
    for (const w of [...stream.waiters]) {
      if (w.predicate(msg)) {
        stream.waiters.splice(stream.waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  };
  stream.done = (async () => {
    const res = await fetch(url, {
      method: "POST",
      signal: controller.signal,
      headers: modernHeaders(message, key),
      body: JSON.stringify(message),
    });
    stream.status = res.status;
    if (!(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) return take(await res.json());
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const data = buffer.slice(0, end).split("\n").filter((l) => l.startsWith("data: ") && l.length > 6);
        buffer = buffer.slice(end + 2);
        for (const line of data) take(JSON.parse(line.slice(6)));
      }
    }
  })().catch(() => {});
  stream.next = (predicate, ms, label) => {
    const seen = stream.messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    const p = new Promise((resolve) => stream.waiters.push({ predicate, resolve }));
    return withTimeout(p, ms, `${label}; got ${JSON.stringify(stream.messages)}`);
  };
  stream.close = () => controller.abort();
  return stream;
}

/** One modern request POSTed with no session; its answer. */
async function ask(url, id, method, params, key) {
  const stream = postStreaming(url, { jsonrpc: "2.0", id, method, params: modern(params) }, key);
  return stream.next((m) => m.id === id && ("result" in m || "error" in m), 20000, `the answer to ${method}`);
}

const tagged = (id, method) => (m) => m.method === method && m.params?._meta?.[SUBSCRIPTION_ID] === id;

describe("subscriptions/listen over stdio", () => {
  let ws, gw;
  before(async () => {
    ws = listenWorkspace(access({ memory: true }));
    gw = new RawGateway(ws.configPath, { env: { MCPGW_API_KEY: KEYS.partial } });
  });
  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  test("acknowledged first, then list changes and updates of readable URIs under its id", { timeout: 60000 }, async () => {
    gw.send({
      jsonrpc: "2.0",
      id: "L1",
      method: "subscriptions/listen",
      params: modern({ notifications: { toolsListChanged: true, resourceSubscriptions: [OPEN_DOC, CLOSED_DOC] } }),
    });
    const ack = await gw.next((m) => m.params?._meta?.[SUBSCRIPTION_ID] === "L1", 30000, "the first message of L1");
    assert.equal(ack.method, "notifications/subscriptions/acknowledged");
    // The document the key may not read is left out, exactly as an unknown one would be.
    assert.deepEqual(ack.params.notifications, { toolsListChanged: true, resourceSubscriptions: [OPEN_DOC] });

    // A second listen is independent: it asked for prompts only.
    gw.send({ jsonrpc: "2.0", id: 2, method: "subscriptions/listen", params: modern({ notifications: { promptsListChanged: true } }) });
    await gw.next(tagged(2, "notifications/subscriptions/acknowledged"), 15000, "the ack of listen 2");

    writeConfig(ws, { everything: upstreams.everything(), memory: upstreams.memory(ws.dir) });
    gw.child.kill("SIGHUP");
    await gw.next(tagged("L1", "notifications/tools/list_changed"), 30000, "tools/list_changed on L1");

    const toggled = await gw.request(3, "tools/call", modern({ name: "everything__toggle-subscriber-updates", arguments: {} }));
    assert.equal(toggled.error, undefined, JSON.stringify(toggled));
    const update = await gw.next(tagged("L1", "notifications/resources/updated"), 20000, "an update on L1");
    assert.equal(update.params.uri, OPEN_DOC);
    assert.ok(!gw.messages.some(tagged(2, "notifications/tools/list_changed")), "listen 2 got a tools change it did not ask for");
    assert.ok(!gw.messages.some((m) => m.params?.uri === CLOSED_DOC), "an update of an unreadable URI arrived");
    assert.ok(!gw.messages.some((m) => m.method === "notifications/message"), "a log line arrived without a log level");

    // Cancelled: no answer, and nothing more on it.
    gw.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "L1" } });
    await sleep(500);
    const seen = gw.messages.length;
    await sleep(6000);  // longer than everything's update period
    assert.ok(!gw.messages.slice(seen).some((m) => m.params?._meta?.[SUBSCRIPTION_ID] === "L1"), "L1 went on after its cancel");
    assert.ok(!gw.messages.some((m) => m.id === "L1"), "a cancelled listen was answered");
    await withTimeout(gw.request(4, "tools/call", modern({ name: "everything__toggle-subscriber-updates", arguments: {} })), 15000, "toggle off");
  });

  test("the gateway's shutdown answers the open listens complete", { timeout: 30000 }, async () => {
    gw.endInput();
    const done = await gw.response(2, 15000);
    assert.deepEqual(done.result?._meta?.[SUBSCRIPTION_ID], 2);
    assert.equal(done.result.resultType, "complete");
  });
});

describe("caching hints over stdio without access control", () => {
  let ws, gw;
  before(async () => {
    ws = listenWorkspace(null);
    gw = new RawGateway(ws.configPath);
  });
  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  test("lists and discover are public and stale at once from a legacy upstream; a read is private", { timeout: 40000 }, async () => {
    const list = await gw.request(1, "tools/list", modern(), 30000);
    assert.equal(list.result.resultType, "complete");
    assert.ok(list.result.tools.some((t) => t.name === "everything__echo"), JSON.stringify(list));
    assert.equal(list.result.ttlMs, 0);
    assert.equal(list.result.cacheScope, "public");
    for (const [id, method] of [[2, "prompts/list"], [3, "resources/list"], [4, "resources/templates/list"]]) {
      const answer = await gw.request(id, method, modern());
      assert.deepEqual([answer.result.ttlMs, answer.result.cacheScope], [0, "public"], method);
    }
    const discover = await gw.request(6, "server/discover", modern());
    assert.deepEqual([discover.result.ttlMs, discover.result.cacheScope], [0, "public"]);
    // server-everything says nothing of caching: its document may be anyone's, so private.
    const read = await gw.request(5, "resources/read", modern({ uri: OPEN_DOC }));
    assert.ok(read.result.contents.length > 0, JSON.stringify(read));
    assert.deepEqual([read.result.ttlMs, read.result.cacheScope], [0, "private"]);
  });
});

describe("subscriptions/listen over Streamable HTTP, two keys", () => {
  let ws, gw;
  const listens = [];
  const check = (name, fn) => test(name, { timeout: 60000 }, () => withGatewayStderr(() => gw, fn));
  const listen = (id, key, notifications) => {
    const stream = postStreaming(gw.url, { jsonrpc: "2.0", id, method: "subscriptions/listen", params: modern({ notifications }) }, key);
    listens.push(stream);
    return stream;
  };
  const updatesOf = (stream, uri) => stream.messages.filter((m) => m.method === "notifications/resources/updated" && m.params.uri === uri);

  before(async () => {
    ws = listenWorkspace(access({ memory: false }));
    gw = await startHttpGateway(ws.configPath);
  }, { timeout: 60000 });
  after(async () => {
    for (const stream of listens) stream.close();
    gw?.kill();
    ws?.cleanup();
  });

  check("each key's listen carries only what that key may see", async () => {
    const both = { toolsListChanged: true, resourceSubscriptions: [OPEN_DOC, CLOSED_DOC] };
    const full = listen(1, KEYS.full, both);
    const partial = listen(1, KEYS.partial, both);  // the same id: another key's, another stream
    const fullAck = await full.next(() => true, 30000, "the first message of full's listen");
    assert.equal(fullAck.method, "notifications/subscriptions/acknowledged");
    assert.deepEqual(fullAck.params, { _meta: { [SUBSCRIPTION_ID]: 1 }, notifications: both });
    const partialAck = await partial.next(() => true, 30000, "the first message of partial's listen");
    assert.deepEqual(partialAck.params.notifications, { toolsListChanged: true, resourceSubscriptions: [OPEN_DOC] });

    // A server partial cannot read joins: only full is told the tool list changed.
    writeConfig(ws, { everything: upstreams.everything(), memory: upstreams.memory(ws.dir) });
    process.kill(gw.proc.pid, "SIGHUP");
    await full.next(tagged(1, "notifications/tools/list_changed"), 30000, "tools/list_changed at full");

    const toggled = await ask(gw.url, 7, "tools/call", { name: "everything__toggle-subscriber-updates", arguments: {} }, KEYS.full);
    assert.equal(toggled.error, undefined, JSON.stringify(toggled));
    await waitFor(() => updatesOf(full, CLOSED_DOC).length > 0 && updatesOf(partial, OPEN_DOC).length > 0, 20000, "updates at both");
    for (const update of [...updatesOf(full, OPEN_DOC), ...updatesOf(partial, OPEN_DOC)]) {
      assert.equal(update.params._meta[SUBSCRIPTION_ID], 1);
    }
    assert.deepEqual(updatesOf(partial, CLOSED_DOC), [], "partial got an update of a document it may not read");
    assert.ok(!partial.messages.some((m) => m.method === "notifications/tools/list_changed"), "partial was told of memory's tools");
    await ask(gw.url, 8, "tools/call", { name: "everything__toggle-subscriber-updates", arguments: {} }, KEYS.full);
  });

  check("a filtered list is private and stale at once from a legacy upstream", async () => {
    const list = await ask(gw.url, 9, "tools/list", {}, KEYS.partial);
    assert.deepEqual(list.result.tools.map((t) => t.name), ["everything__toggle-subscriber-updates"]);
    assert.deepEqual([list.result.ttlMs, list.result.cacheScope], [0, "private"]);
  });

  check("the gateway's shutdown answers an open listen complete", async () => {
    const open = listen("bye", KEYS.partial, { promptsListChanged: true });
    await open.next(() => true, 20000, "the acknowledgement");
    gw.proc.kill("SIGTERM");
    const done = await open.next((m) => m.id === "bye", 20000, "the listen's final answer");
    assert.equal(done.result.resultType, "complete");
    assert.equal(done.result._meta[SUBSCRIPTION_ID], "bye");
  });
});

describe("subscriptions/listen over stdio in front of a modern upstream", () => {
  let ws, gw;
  before(async () => {
    ws = makeWorkspace(() => ({ modern: { command: "node", args: [path.join(ROOT, "tests/fixtures/modern_server.mjs")] } }), { aliases: {} });
    gw = new RawGateway(ws.configPath);
  });
  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  test("its list changes and resource updates reach the listen under its id", { timeout: 60000 }, async () => {
    const GREETING = "modern://greeting";
    gw.send({
      jsonrpc: "2.0",
      id: "m",
      method: "subscriptions/listen",
      params: modern({ notifications: { toolsListChanged: true, resourceSubscriptions: [GREETING] } }),
    });
    const ack = await gw.next(tagged("m", "notifications/subscriptions/acknowledged"), 30000, "the ack");
    assert.deepEqual(ack.params.notifications, { toolsListChanged: true, resourceSubscriptions: [GREETING] });
    // The gateway's own listen on the upstream may still be opening when the first change comes:
    // each change is made again (a few times at most) until its news arrives.
    let id = 0;
    const changeUntilTold = async (tool, method) => {
      for (let attempt = 1; ; attempt++) {
        const done = await gw.request(++id, "tools/call", modern({ name: tool, arguments: {} }), 20000);
        assert.equal(done.error, undefined, JSON.stringify(done));
        const told = await gw.next(tagged("m", method), 3000, `${method} after ${tool}`).catch((e) => {
          if (attempt === 4) throw e;
        });
        if (told) return told;
      }
    };
    await changeUntilTold("modern__add_tool", "notifications/tools/list_changed");
    const update = await changeUntilTold("modern__touch_greeting", "notifications/resources/updated");
    assert.equal(update.params.uri, GREETING);
  });
});
