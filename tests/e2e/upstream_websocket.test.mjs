// WebSocket upstreams (`type: "websocket"`): the official SDK client over stdio -> mcpgw -> the
// WebSocket fixture. Tools, progress, concurrent calls, bearer auth on the upgrade request, and
// reconnection after the server drops the connection.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  connectGateway, firstText, listAllTools, makeWorkspace, sleep, waitForTools, withGatewayStderr,
} from "./helpers.mjs";
import { WS_SERVER, startFixture } from "./upstream_helpers.mjs";

/** Starts the fixture with args and a gateway in front of it; returns {fixture, gw, stop()}. */
async function setUp(args = [], entry = {}) {
  const fixture = await startFixture(WS_SERVER, {}, args);
  const ws = makeWorkspace(() => ({ ws: { type: "websocket", url: `ws://127.0.0.1:${fixture.port}/mcp`, timeout_ms: 15000, ...entry } }));
  const gw = await connectGateway(ws.configPath);
  return {
    fixture, gw,
    async stop() {
      await gw.close();
      await fixture.stop();
      ws.cleanup();
    },
  };
}

const echo = (gw, text) => gw.client.callTool({ name: "ws__echo", arguments: { text } });

describe("websocket upstream", () => {
  test("tools are listed, echo and add answer, progress arrives, 20 concurrent calls get their own answers",
    { timeout: 60000 }, async () => {
      const s = await setUp();
      try {
        await withGatewayStderr(() => s.gw, async () => {
          await waitForTools(s.gw.client, ["ws__echo", "ws__add", "ws__slow"]);
          assert.equal(firstText(await echo(s.gw, "hello over websocket")), "hello over websocket");
          assert.equal(firstText(await s.gw.client.callTool({ name: "ws__add", arguments: { a: 2, b: 40 } })), "42");

          const progress = [];
          const slow = await s.gw.client.callTool({ name: "ws__slow", arguments: { ms: 100 } }, undefined,
            { onprogress: (p) => progress.push(p), timeout: 15000 });
          assert.equal(firstText(slow), "slept 100 ms");
          assert.deepEqual(progress.map((p) => p.progress), [1, 2]);

          const texts = Array.from({ length: 20 }, (_, i) => `call ${i}`);
          const results = await Promise.all(texts.map((t) => echo(s.gw, t)));
          assert.deepEqual(results.map(firstText), texts);
        });
      } finally {
        await s.stop();
      }
    });

  test("a bearer-protected server works with the right token and is refused with a wrong one",
    { timeout: 60000 }, async () => {
      const args = ["--require-bearer", "ws-token-1", "--require-header", "X-Org:acme"];
      const right = await setUp(args, { auth: { type: "bearer", token: "ws-token-1" }, headers: { "X-Org": "acme" } });
      try {
        await withGatewayStderr(() => right.gw, async () => {
          await waitForTools(right.gw.client, ["ws__echo"]);
          assert.equal(firstText(await echo(right.gw, "authorized")), "authorized");
          assert.ok(!right.gw.stderr().includes("ws-token-1"), "the token reached the gateway's log");
        });
      } finally {
        await right.stop();
      }
      const wrong = await setUp(args, { auth: { type: "bearer", token: "wrong-token-2" }, headers: { "X-Org": "acme" } });
      try {
        await sleep(1500);
        assert.deepEqual((await listAllTools(wrong.gw.client)).map((t) => t.name), []);
        // Never ready: the server's outage (-32001), not an unknown tool.
        const err = await echo(wrong.gw, "x").then(() => undefined, (e) => e);
        assert.equal(err?.code, -32001, `expected -32001, got ${err?.code}: ${err?.message}`);
        assert.match(wrong.gw.stderr(), /HTTP 401/);
        assert.ok(!wrong.gw.stderr().includes("wrong-token-2"), "the token reached the gateway's log");
      } finally {
        await wrong.stop();
      }
    });

  test("after the server drops the connection the upstream reconnects and calls work again",
    { timeout: 60000 }, async () => {
      const s = await setUp(["--drop-after", "4"]);  // initialize, initialized, tools/list, one call
      try {
        await withGatewayStderr(() => s.gw, async () => {
          await waitForTools(s.gw.client, ["ws__echo"]);
          await echo(s.gw, "the last call on the first connection").catch(() => {});
          await sleep(300);
          let answered;
          for (let attempt = 0; attempt < 40 && answered === undefined; ++attempt) {
            answered = await echo(s.gw, "again").then(firstText, () => sleep(250).then(() => undefined));
          }
          assert.equal(answered, "again");
          assert.match(s.gw.stderr(), /WebSocket connection ended/);
          assert.equal((s.gw.stderr().match(/connected over WebSocket/g) ?? []).length, 2);
        });
      } finally {
        await s.stop();
      }
    });
});
