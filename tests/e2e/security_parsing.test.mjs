// Hostile input on both sides: client messages nested far too deep, wire fields of the wrong
// type, and upstream replies the gateway cannot read. Each answer is checked, and then that the
// gateway still serves. Upstream faults come from tests/fixtures/hostile_upstream.mjs.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, RawGateway, makeWorkspace, runCli, withTimeout } from "./helpers.mjs";
import { openSession, post, readReply, startHttpGateway } from "./http_helpers.mjs";
import { startFixture } from "./upstream_helpers.mjs";

const HOSTILE = path.join(ROOT, "tests/fixtures/hostile_upstream.mjs");
const nested = (depth) => "[".repeat(depth) + "]".repeat(depth);

function hostileWorkspace() {
  const ws = makeWorkspace(
    () => ({
      hostile: { command: "node", args: [HOSTILE, "--description-number"], timeout_ms: 20000 },
      badinfo: { command: "node", args: [HOSTILE, "--server-info-name-number"] },
    }),
    { gateway: { max_message_bytes: 1048576 } },
  );
  // Anonymous callers get admin, so the admin API answers without keys.
  fs.writeFileSync(ws.configPath, JSON.stringify({ ...ws.config, permissions: { default: "admin" } }));
  return ws;
}

// Client requests whose params nest 50,000 arrays deep (about 100 KB each).
const DEEP_REQUESTS = [
  ["tools/call", (deep) => `{"name":"hostile__echo","arguments":{"text":${deep}}}`],
  ["logging/setLevel", (deep) => `{"level":${deep}}`],
  ["prompts/get", (deep) => `{"name":"x","arguments":${deep}}`],
  ["resources/read", (deep) => `{"uri":${deep}}`],
  ["completion/complete", (deep) => `{"ref":${deep}}`],
];
const deepRequest = (id, method, params) =>
  `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"${method}","params":${params(nested(50000))}}`;
const deepCancel = `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":${nested(100000)}}}`;
const BAD_REF_TYPES = [1, null, {}, []];
const completion = (id, type) => ({
  jsonrpc: "2.0",
  id,
  method: "completion/complete",
  params: { ref: { type }, argument: { name: "a", value: "b" } },
});
const UNREADABLE = [
  ["deep", "deeper than 64"],
  ["oversized", "exceeds 1048576 bytes"],
  ["bad_utf8", "not valid JSON"],
  ["bad_error", "\"error\" needs"],
];
const callTool = (id, name) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: {} } });

function assertDeepRefused(reply, id) {
  assert.equal(reply.id, id);
  assert.equal(reply.error?.code, -32600, JSON.stringify(reply).slice(0, 300));
  assert.match(reply.error.message, /nest deeper than 64 levels/);
}

function assertUnreadableFailed(reply, tool, reason, started) {
  assert.equal(reply.error?.code, -32001, `${tool}: ${JSON.stringify(reply).slice(0, 300)}`);
  assert.ok(reply.error.message.includes(reason), `${tool}: ${reply.error.message}`);
  assert.deepEqual(reply.error.data, { server: "hostile" });
  assert.ok(Date.now() - started < 5000, `${tool} took ${Date.now() - started} ms, not at once`);
}

describe("hostile input over stdio", () => {
  let ws;
  let gw;
  before(async () => {
    ws = hostileWorkspace();
    gw = new RawGateway(ws.configPath);
    await gw.initialize();
    await gw.waitForTool("hostile__echo");
  }, { timeout: 60000 });
  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  const stillServes = async (id) => {
    const echo = await gw.request(id, "tools/call", { name: "hostile__echo", arguments: { text: id } });
    assert.deepEqual(echo.result?.content, [{ type: "text", text: id }], JSON.stringify(echo));
  };

  test("requests nested 50,000 deep are refused as invalid under their ids", { timeout: 30000 }, async () => {
    for (const [method, params] of DEEP_REQUESTS) {
      const id = `deep-${method}`;
      gw.sendRaw(deepRequest(id, method, params));
      assertDeepRefused(await gw.response(id), id);
    }
    await stillServes("after-deep");
  });

  test("a notifications/cancelled nested 100,000 deep costs nothing", { timeout: 30000 }, async () => {
    gw.sendRaw(deepCancel);
    await stillServes("after-deep-cancel");
    assert.equal(gw.exited, false);
  });

  test("completion/complete with a ref.type that is not a string gets -32602 naming it", { timeout: 30000 }, async () => {
    for (const [i, type] of BAD_REF_TYPES.entries()) {
      gw.send(completion(`ref-${i}`, type));
      const reply = await gw.response(`ref-${i}`);
      assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
      assert.match(reply.error.message, /"ref\.type" must be a string/);
    }
    await stillServes("after-ref");
  });

  test("an upstream reply the gateway cannot read fails its call at once with -32001", { timeout: 60000 }, async () => {
    for (const [tool, reason] of UNREADABLE) {
      const started = Date.now();
      gw.send(callTool(`unreadable-${tool}`, `hostile__${tool}`));
      assertUnreadableFailed(await gw.response(`unreadable-${tool}`, 15000), tool, reason, started);
    }
    await stillServes("after-unreadable");
  });

  test("an upstream whose serverInfo.name is a number fails with the reason; the others serve", { timeout: 30000 }, async () => {
    const list = await gw.request("list-after", "tools/list", {});
    const names = list.result.tools.map((t) => t.name);
    assert.ok(!names.some((n) => n.startsWith("badinfo__")), names.join(","));
    assert.match(gw.stderrText, /\[badinfo\] initialize failed: initialize result serverInfo\.name is not a string/);
    await stillServes("after-badinfo");
  });
});

describe("hostile input over HTTP", () => {
  let ws;
  let gw;
  let sid;
  const send = (message) => post(gw.url, message, { "Mcp-Session-Id": sid });
  before(async () => {
    ws = hostileWorkspace();
    gw = await startHttpGateway(ws.configPath);
    sid = await openSession(gw.url);
  }, { timeout: 60000 });
  after(async () => {
    gw?.kill();
    ws?.cleanup();
  });

  const stillServes = async (id) => {
    const reply = await readReply(await send({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "hostile__echo", arguments: { text: id } } }));
    assert.deepEqual(reply.result?.content, [{ type: "text", text: id }], JSON.stringify(reply));
  };

  test("POST bodies nested 50,000 deep get 400 with -32600 under their ids", { timeout: 30000 }, async () => {
    await stillServes("before-deep");  // waits for the upstream to be listed
    for (const [method, params] of DEEP_REQUESTS) {
      const id = `deep-${method}`;
      const res = await send(deepRequest(id, method, params));
      assert.equal(res.status, 400);
      assertDeepRefused(await res.json(), id);
    }
    const cancel = await send(deepCancel);
    assert.equal(cancel.status, 400);
    await stillServes("after-deep");
  });

  test("completion/complete with a ref.type that is not a string gets -32602, not HTTP 500", { timeout: 30000 }, async () => {
    for (const [i, type] of BAD_REF_TYPES.entries()) {
      const res = await send(completion(`ref-${i}`, type));
      assert.equal(res.status, 200);
      const reply = await readReply(res);
      assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
      assert.match(reply.error.message, /"ref\.type" must be a string/);
    }
    await stillServes("after-ref");
  });

  test("an upstream reply the gateway cannot read fails its call at once with -32001", { timeout: 60000 }, async () => {
    for (const [tool, reason] of UNREADABLE) {
      const started = Date.now();
      const res = await withTimeout(send(callTool(`unreadable-${tool}`, `hostile__${tool}`)), 15000, tool);
      assertUnreadableFailed(await readReply(res), tool, reason, started);
    }
    await stillServes("after-unreadable");
  });

  test("/admin/tools?format=openai reads a tool description that is not a string as empty", { timeout: 30000 }, async () => {
    const res = await fetch(`${gw.base}/admin/tools?format=openai`);
    assert.equal(res.status, 200);
    const functions = await res.json();
    const echo = functions.find((f) => f.function.name === "hostile__echo");
    assert.equal(echo.function.description, "");
    assert.equal(functions.find((f) => f.function.name === "hostile__deep").function.description, "A deeply nested result");
    await stillServes("after-openai");
  });
});

describe("unreadable replies from a Streamable HTTP upstream", () => {
  let upstream;
  let ws;
  let gw;
  before(async () => {
    upstream = await startFixture(HOSTILE, {}, ["--http"]);
    ws = makeWorkspace(
      () => ({ hostile: { type: "http", url: `${upstream.base}/mcp`, timeout_ms: 20000 } }),
      { gateway: { max_message_bytes: 1048576 } },
    );
    gw = new RawGateway(ws.configPath);
    await gw.initialize();
    await gw.waitForTool("hostile__echo");
  }, { timeout: 60000 });
  after(async () => {
    await gw?.close();
    await upstream?.stop();
    ws?.cleanup();
  });

  test("each fails its call at once with -32001, and the upstream still serves", { timeout: 60000 }, async () => {
    for (const [tool, reason] of UNREADABLE) {
      const started = Date.now();
      gw.send(callTool(`http-${tool}`, `hostile__${tool}`));
      const expected = tool === "oversized" ? "over 1048576 bytes" : reason;
      assertUnreadableFailed(await gw.response(`http-${tool}`, 15000), tool, expected, started);
    }
    const echo = await gw.request("http-after", "tools/call", { name: "hostile__echo", arguments: { text: "ok" } });
    assert.deepEqual(echo.result?.content, [{ type: "text", text: "ok" }], JSON.stringify(echo));
  });
});

test("mcpgw tools --format openai reads a tool description that is not a string as empty", { timeout: 60000 }, async () => {
  const ws = hostileWorkspace();
  try {
    const out = await runCli(["tools", "--config", ws.configPath, "--format", "openai"], { timeoutMs: 45000 });
    assert.equal(out.code, 0, out.stderr);
    const functions = JSON.parse(out.stdout);
    assert.equal(functions.find((f) => f.function.name === "hostile__echo").function.description, "");
  } finally {
    ws.cleanup();
  }
});
