// The era matrix (README "Protocol eras"): clients and servers of both eras, written with the
// official SDKs (v1 @modelcontextprotocol/sdk speaks the legacy revisions, v2
// @modelcontextprotocol/client pinned to 2026-07-28 speaks the modern one), meet through mcpgw:
//   modern client -> legacy stdio server (gateway over HTTP, and over stdio)
//   legacy client -> modern HTTP server
//   modern client -> modern HTTP server
//   legacy client -> legacy stdio server
//   a modern and a legacy client at once -> one gateway with a legacy and a modern upstream.
// In each cell a tool that asks the client for an elicitation and one that asks for a sampling
// complete with the answers of the client's own handlers (a legacy client gets server requests,
// a modern one input_required results its SDK fulfils), a tool list change reaches the client
// (a modern client through subscriptions/listen), and a second client, under another API key,
// never sees the first one's input requests. The servers are tests/fixtures/legacy_server.mjs
// (v1 SDK) and tests/fixtures/modern_server.mjs (v2 SDK).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as LegacyStdio, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport as LegacyHttp } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttp } from "@modelcontextprotocol/client";
import { StdioClientTransport as ModernStdio } from "@modelcontextprotocol/client/stdio";
import { ROOT, gatewayBin, makeWorkspace, stderrTail, waitFor, withTimeout } from "./helpers.mjs";
import { startHttpGateway } from "./http_helpers.mjs";
import { startFixture } from "./upstream_helpers.mjs";

const LEGACY_SERVER = path.join(ROOT, "tests/fixtures/legacy_server.mjs");
const MODERN_SERVER = path.join(ROOT, "tests/fixtures/modern_server.mjs");
const MODERN_REVISION = "2026-07-28";
const CALL_MS = 30000;

const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = { alpha: "alpha-era-key-0123", beta: "beta-era-key-4567" };
const ACCESS = {
  keys: Object.keys(KEYS).map((name) => ({ name, hash: hash(KEYS[name]) })),
  policies: { user: { default: "execute" } },
  permissions: { default: "deny", keys: { alpha: "user", beta: "user" } },
};
const CAPABILITIES = { sampling: {}, elicitation: { form: {} } };

const legacyUpstream = () => ({ command: process.execPath, args: [LEGACY_SERVER] });
const modernUpstream = (url) => ({ type: "http", url });

// The answers a client's handlers give, each carrying its marker, and what it was asked.
function answering(marker) {
  const asked = [];
  return {
    asked,
    elicitation: () => {
      asked.push("elicitation");
      return { action: "accept", content: { name: `named-by-${marker}` } };
    },
    sampling: () => {
      asked.push("sampling");
      return { model: `model-${marker}`, role: "assistant", content: { type: "text", text: `sampled-by-${marker}` } };
    },
  };
}

const bearer = (key) => ({ requestInit: { headers: { Authorization: `Bearer ${key}` } } });

// A connected client: { marker, era, client, asked, listChanged (count), close() }.
async function connect(era, marker, transport, stderr = () => "") {
  const handlers = answering(marker);
  const side = { marker, era, asked: handlers.asked, listChanged: 0 };
  if (era === "legacy") {
    side.client = new LegacyClient({ name: `legacy-${marker}`, version: "1.0.0" }, { capabilities: CAPABILITIES });
    side.client.setRequestHandler(ElicitRequestSchema, handlers.elicitation);
    side.client.setRequestHandler(CreateMessageRequestSchema, handlers.sampling);
    side.client.setNotificationHandler(ToolListChangedNotificationSchema, () => { side.listChanged++; });
  } else {
    side.client = new ModernClient({ name: `modern-${marker}`, version: "1.0.0" },
      { capabilities: CAPABILITIES, versionNegotiation: { mode: { pin: MODERN_REVISION } } });
    side.client.setRequestHandler("elicitation/create", handlers.elicitation);
    side.client.setRequestHandler("sampling/createMessage", handlers.sampling);
    side.client.setNotificationHandler("notifications/tools/list_changed", () => { side.listChanged++; });
  }
  side.close = () => withTimeout(side.client.close(), 10000, `${marker}: close`).catch(() => {});
  try {
    await withTimeout(side.client.connect(transport), CALL_MS, `${era} client ${marker}: connect`);
    if (era === "modern") {
      assert.equal(side.client.getProtocolEra(), "modern", `${marker}: the connection is not on ${MODERN_REVISION}`);
      side.subscription = await withTimeout(side.client.listen({ toolsListChanged: true }), CALL_MS,
        `${marker}: subscriptions/listen`);
    }
  } catch (e) {
    await side.close();
    throw new Error(`${e.message}\n${stderrTail(stderr())}`, { cause: e });
  }
  return side;
}

const connectHttp = (era, marker, url, key) =>
  connect(era, marker, era === "legacy" ? new LegacyHttp(new URL(url), bearer(key)) : new ModernHttp(new URL(url), bearer(key)));

// A client starting mcpgw in stdio mode (the caller is MCPGW_API_KEY).
function connectStdio(era, marker, configPath, key) {
  const params = {
    command: gatewayBin(), args: ["--config", configPath],
    env: { ...getDefaultEnvironment(), MCPGW_API_KEY: key }, stderr: "pipe",
  };
  const transport = era === "legacy" ? new LegacyStdio(params) : new ModernStdio(params);
  let stderr = "";
  transport.stderr?.on("data", (chunk) => { stderr = (stderr + chunk.toString()).slice(-100000); });
  return connect(era, marker, transport, () => stderr);
}

const text = (result) => (result?.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
const call = async (side, name, args = {}) =>
  text(await withTimeout(side.client.callTool({ name, arguments: args }), CALL_MS, `${side.marker}: ${name}`));

// The era matrix's checks for `first` and `second` (other keys) through one gateway; tool names
// get `prefix` (the upstream's prefix, "" when unprefixed).
async function exercise(first, second, prefix = "") {
  const tool = (name) => `${prefix}${name}`;
  assert.equal(await call(first, tool("echo"), { text: "era" }), "era");

  assert.equal(await call(first, tool("ask_name")), `hello named-by-${first.marker}`);
  assert.equal(await call(first, tool("ask_model")), `sampled-by-${first.marker}`);
  assert.deepEqual(first.asked, ["elicitation", "sampling"], `${first.marker} was asked what its calls asked`);
  assert.deepEqual(second.asked, [], `${second.marker} saw ${first.marker}'s input requests`);

  assert.equal(await call(second, tool("ask_name")), `hello named-by-${second.marker}`);
  assert.deepEqual(second.asked, ["elicitation"]);
  assert.deepEqual(first.asked, ["elicitation", "sampling"], `${first.marker} saw ${second.marker}'s input request`);

  const before = first.listChanged;
  const added = await call(first, tool("add_tool"));
  assert.match(added, /^added_\d+$/);
  await waitFor(() => first.listChanged > before, 15000, `${first.marker}: notifications/tools/list_changed`);
  const { tools } = await withTimeout(first.client.listTools(), CALL_MS, `${first.marker}: tools/list`);
  assert.ok(tools.some((t) => t.name === tool(added)), `${tool(added)} is listed: ${tools.map((t) => t.name)}`);
  assert.match(await call(first, tool(added)), new RegExp(`\\b${added}\\b`));
}

// The modern server over HTTP on a port of its own choosing; { url, stop() }.
async function startModernServer() {
  const server = await startFixture(MODERN_SERVER, {}, ["--http", "0"]);
  return { url: `${server.base}/mcp`, stop: server.stop };
}

describe("era matrix through mcpgw", { timeout: 600000 }, () => {
  const cleanups = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  // A gateway over HTTP with `servers` and the two keys; returns its handle.
  async function httpGateway(servers) {
    const ws = makeWorkspace(() => ({}));
    fs.writeFileSync(ws.configPath, JSON.stringify({ ...ws.config, ...ACCESS, mcpServers: servers }, null, 2));
    const gw = await startHttpGateway(ws.configPath);
    cleanups.push(async () => { gw.kill(); ws.cleanup(); });
    return gw;
  }
  async function modernServer() {
    const server = await startModernServer();
    cleanups.push(server.stop);
    return server;
  }
  const track = (side) => {
    cleanups.push(side.close);
    return side;
  };
  const withStderr = async (gw, fn) => {
    try {
      return await fn();
    } catch (e) {
      throw new Error(`${e.message}\n${stderrTail(gw.stderr())}`, { cause: e });
    }
  };

  test("legacy client -> mcpgw (HTTP) -> legacy stdio server", async () => {
    const gw = await httpGateway({ legacy: { ...legacyUpstream(), prefix: false } });
    await withStderr(gw, async () => {
      const first = track(await connectHttp("legacy", "alpha", gw.url, KEYS.alpha));
      const second = track(await connectHttp("legacy", "beta", gw.url, KEYS.beta));
      await exercise(first, second);
    });
  });

  test("modern client -> mcpgw (HTTP) -> legacy stdio server", async () => {
    const gw = await httpGateway({ legacy: { ...legacyUpstream(), prefix: false } });
    await withStderr(gw, async () => {
      const first = track(await connectHttp("modern", "alpha", gw.url, KEYS.alpha));
      const second = track(await connectHttp("modern", "beta", gw.url, KEYS.beta));
      await exercise(first, second);
    });
  });

  test("modern client -> mcpgw (stdio) -> legacy stdio server", async () => {
    const ws = makeWorkspace(() => ({}));
    cleanups.push(async () => ws.cleanup());
    const config = { ...ws.config, ...ACCESS, mcpServers: { legacy: { ...legacyUpstream(), prefix: false } } };
    fs.writeFileSync(ws.configPath, JSON.stringify(config, null, 2));
    const first = track(await connectStdio("modern", "alpha", ws.configPath, KEYS.alpha));
    const second = track(await connectStdio("modern", "beta", ws.configPath, KEYS.beta));
    await exercise(first, second);
  });

  test("legacy client -> mcpgw (HTTP) -> modern HTTP server", async () => {
    const server = await modernServer();
    const gw = await httpGateway({ modern: { ...modernUpstream(server.url), prefix: false } });
    await withStderr(gw, async () => {
      const first = track(await connectHttp("legacy", "alpha", gw.url, KEYS.alpha));
      const second = track(await connectHttp("legacy", "beta", gw.url, KEYS.beta));
      await exercise(first, second);
    });
  });

  test("modern client -> mcpgw (HTTP) -> modern HTTP server", async () => {
    const server = await modernServer();
    const gw = await httpGateway({ modern: { ...modernUpstream(server.url), prefix: false } });
    await withStderr(gw, async () => {
      const first = track(await connectHttp("modern", "alpha", gw.url, KEYS.alpha));
      const second = track(await connectHttp("modern", "beta", gw.url, KEYS.beta));
      await exercise(first, second);
    });
  });

  test("a modern and a legacy client at once -> mcpgw (HTTP) -> a legacy and a modern server", async () => {
    const server = await modernServer();
    const gw = await httpGateway({ legacy: legacyUpstream(), modern: modernUpstream(server.url) });
    await withStderr(gw, async () => {
      const modern = track(await connectHttp("modern", "alpha", gw.url, KEYS.alpha));
      const legacy = track(await connectHttp("legacy", "beta", gw.url, KEYS.beta));
      for (const upstream of ["legacy", "modern"]) {
        const reset = () => { modern.asked.length = 0; legacy.asked.length = 0; };
        reset();
        await exercise(modern, legacy, `${upstream}__`);
        reset();
        await exercise(legacy, modern, `${upstream}__`);
      }
      // At the same moment, each client's call needs its own answers from the other era's server.
      const [fromLegacy, fromModern] = await Promise.all([
        call(modern, "legacy__ask_name"), call(legacy, "modern__ask_model")]);
      assert.equal(fromLegacy, "hello named-by-alpha");
      assert.equal(fromModern, "sampled-by-beta");
      const greetings = await Promise.all([
        modern.client.readResource({ uri: "legacy://greeting" }),
        legacy.client.readResource({ uri: "modern://greeting" }),
      ]);
      for (const result of greetings) assert.match(result.contents[0].text, /\S/);
    });
  });
});
