// Requests from servers over HTTP (README "Requests from servers"): two clients connected to one
// gateway at once, each answering sampling, elicitation and roots with a marker of its own, call
// the same tools of server-everything behind the gateway three ways: a shared Streamable HTTP
// upstream (each request attributed by the call's stream), an "isolation": "session" stdio
// upstream (a process per session) and a shared stdio upstream (attributed while one session has
// calls in flight, refused when the wire cannot tell). Each client only ever sees its own
// markers; a third client whose key may not see the servers gets none of their notifications.
// The clients are the official SDKs: v1 (@modelcontextprotocol/sdk) and v2
// (@modelcontextprotocol/client).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { makeWorkspace, upstreams, waitForTools, withGatewayStderr, withTimeout } from "./helpers.mjs";
import { startHttpGateway } from "./http_helpers.mjs";
import { startEverything } from "./upstream_helpers.mjs";

const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = { alpha: "alpha-key-0123", beta: "beta-key-4567", gamma: "gamma-key-89ab" };
const ACCESS = {
  keys: Object.keys(KEYS).map((name) => ({ name, hash: hash(KEYS[name]) })),
  policies: { user: { default: "execute" }, none: { default: "deny" } },
  permissions: { default: "deny", keys: { alpha: "user", beta: "user", gamma: "none" } },
};
const CAPABILITIES = { sampling: {}, elicitation: {}, roots: { listChanged: true } };

// What a client answers with: everything carries its marker.
const answers = (marker, seen) => ({
  sampling: () => {
    seen.push("sampling");
    return { model: `model-${marker}`, role: "assistant", content: { type: "text", text: `sampled-by-${marker}` } };
  },
  elicitation: () => {
    seen.push("elicitation");
    return { action: "accept", content: { name: `named-by-${marker}` } };
  },
  roots: () => {
    seen.push("roots");
    return { roots: [{ uri: `file:///roots-of-${marker}`, name: `roots-of-${marker}` }] };
  },
});

async function connectV1(url, key, marker) {
  const seen = [];
  const client = new ClientV1({ name: `v1-${marker}`, version: "1.0.0" }, { capabilities: CAPABILITIES });
  const a = answers(marker, seen);
  client.setRequestHandler(CreateMessageRequestSchema, a.sampling);
  client.setRequestHandler(ElicitRequestSchema, a.elicitation);
  client.setRequestHandler(ListRootsRequestSchema, a.roots);
  const notifications = [];
  client.fallbackNotificationHandler = async (n) => { notifications.push(n); };
  const transport = new TransportV1(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  await withTimeout(client.connect(transport), 30000, `v1 client ${marker} connect`);
  return { client, seen, notifications, marker, close: () => client.close().catch(() => {}) };
}

async function connectV2(url, key, marker) {
  const seen = [];
  const client = new ClientV2({ name: `v2-${marker}`, version: "1.0.0" }, { capabilities: CAPABILITIES });
  const a = answers(marker, seen);
  client.setRequestHandler("sampling/createMessage", a.sampling);
  client.setRequestHandler("elicitation/create", a.elicitation);
  client.setRequestHandler("roots/list", a.roots);
  const notifications = [];
  client.fallbackNotificationHandler = async (n) => { notifications.push(n); };
  const transport = new TransportV2(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  await withTimeout(client.connect(transport), 30000, `v2 client ${marker} connect`);
  return { client, seen, notifications, marker, close: () => client.close().catch(() => {}) };
}

const text = (result) => (result.content ?? []).map((c) => c.text ?? "").join("\n");
const MARKERS = ["alpha", "beta", "gamma"];
const others = (marker) => MARKERS.filter((m) => m !== marker);

// The tool's result (or error) text; fails the test when another client's marker is in it.
async function callFor(conn, name, args = {}) {
  let out;
  try {
    out = text(await withTimeout(conn.client.callTool({ name, arguments: args }), 30000, `${conn.marker} ${name}`));
  } catch (e) {
    out = `error: ${e.message}`;
  }
  for (const other of others(conn.marker)) assert.ok(!out.includes(other), `${conn.marker} saw ${other}: ${out}`);
  return out;
}

describe("requests from servers reach only the client whose call caused them", () => {
  let ws, gw, everything, alpha, beta, gamma;
  before(async () => {
    everything = await startEverything("streamableHttp");
    ws = makeWorkspace(() => ({}));
    const servers = {
      web: { type: "http", url: everything.url },
      own: upstreams.everything({ isolation: "session" }),
      pipe: upstreams.everything(),
    };
    fs.writeFileSync(ws.configPath, JSON.stringify({ ...ws.config, ...ACCESS, mcpServers: servers }, null, 2));
    gw = await startHttpGateway(ws.configPath);
    alpha = await connectV1(gw.url, KEYS.alpha, "alpha");
    beta = await connectV2(gw.url, KEYS.beta, "beta");
    gamma = await connectV1(gw.url, KEYS.gamma, "gamma");
  });
  after(async () => {
    for (const c of [alpha, beta, gamma]) await c?.close();
    gw?.kill();
    await everything?.stop();
    ws?.cleanup();
  });

  const sep = "__";
  for (const server of ["web", "own", "pipe"]) {
    test(`${server}: the sampling and elicitation tools are listed and answered by the caller, one after the other`, { timeout: 120000 }, async () => {
      await withGatewayStderr(() => gw, async () => {
        const names = [`${server}${sep}trigger-sampling-request`, `${server}${sep}trigger-elicitation-request`];
        await waitForTools(alpha.client, names, 30000);
        for (const conn of [alpha, beta]) {
          const sampled = await callFor(conn, names[0], { prompt: "hi" });
          assert.match(sampled, new RegExp(`sampled-by-${conn.marker}`), sampled);
          const elicited = await callFor(conn, names[1], {});
          assert.match(elicited, new RegExp(`named-by-${conn.marker}`), elicited);
        }
      });
    });
  }

  for (const server of ["web", "own"]) {
    test(`${server}: both clients sample at the same moment and each gets its own answer`, { timeout: 120000 }, async () => {
      await withGatewayStderr(() => gw, async () => {
        const name = `${server}${sep}trigger-sampling-request`;
        for (let round = 0; round < 5; round++) {
          const [a, b] = await Promise.all([callFor(alpha, name, { prompt: "a" }), callFor(beta, name, { prompt: "b" })]);
          assert.match(a, /sampled-by-alpha/, a);
          assert.match(b, /sampled-by-beta/, b);
        }
      });
    });
  }

  test("pipe: calls of two sessions in flight at once never get the other's answer", { timeout: 120000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const name = `pipe${sep}trigger-sampling-request`;
      for (let round = 0; round < 5; round++) {
        const [a, b] = await Promise.all([callFor(alpha, name, { prompt: "a" }), callFor(beta, name, { prompt: "b" })]);
        // Its own answer, or (when both had calls in flight) the gateway's refusal.
        for (const [out, marker] of [[a, "alpha"], [b, "beta"]]) {
          assert.ok(out.includes(`sampled-by-${marker}`) || out.includes("cannot tell which client"), out);
        }
      }
    });
  });

  test("own: each session's roots are its own", { timeout: 120000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const name = `own${sep}get-roots-list`;
      await waitForTools(alpha.client, [name], 30000);
      for (const conn of [alpha, beta]) {
        const roots = await callFor(conn, name);
        assert.match(roots, new RegExp(`roots-of-${conn.marker}`), roots);
      }
    });
  });

  test("a key that may not see the servers sees none of their tools, requests or notifications", { timeout: 60000 }, async () => {
    const tools = await gamma.client.listTools();
    assert.equal(tools.tools.length, 0);
    assert.deepEqual(gamma.seen, []);
    // list_changed tells every session only that a merged list changed; nothing else reaches it.
    const leaked = gamma.notifications.filter((n) => !n.method.endsWith("/list_changed"));
    assert.deepEqual(leaked, []);
  });
});
