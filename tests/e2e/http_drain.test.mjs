// Graceful shutdown in HTTP mode: on SIGTERM the gateway stops accepting, lets the calls in flight
// finish (up to gateway.drain_timeout_ms), stops its upstreams and exits 0.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { firstText, makeWorkspace, sleep, upstreams, waitForTools, withTimeout } from "./helpers.mjs";
import { connectHttpClient, startHttpGateway } from "./http_helpers.mjs";

describe("SIGTERM drains the HTTP server", () => {
  let ws;
  let gw;
  before(() => {
    ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }), { gateway: { drain_timeout_ms: 10000 } });
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  for (const withProgress of [false, true]) {
    test(`a long call in flight ${withProgress ? "(streamed with progress) " : ""}completes, then the process exits 0`, async () => {
      gw = await startHttpGateway(ws.configPath);
      const conn = await connectHttpClient(gw);
      await waitForTools(conn.client, ["faulty__slow"]);
      const options = withProgress ? { onprogress: () => {}, timeout: 15000 } : { timeout: 15000 };
      const slow = conn.client.callTool({ name: "faulty__slow", arguments: { ms: 1500 } }, undefined, options);
      await sleep(400);
      gw.proc.kill("SIGTERM");
      assert.equal(firstText(await slow), "slept 1500");
      assert.equal(await withTimeout(gw.exited, 10000, "mcpgw to exit after SIGTERM"), 0);
      assert.match(gw.stderr(), /draining/);
      await assert.rejects(fetch(`${gw.base}/healthz`), "still accepting after the drain");
      await conn.close();
    });
  }

  test("a call that outlasts drain_timeout_ms fails and the process still exits 0", async () => {
    const short = makeWorkspace(() => ({ faulty: upstreams.faulty() }), { gateway: { drain_timeout_ms: 300 } });
    try {
      gw = await startHttpGateway(short.configPath);
      const conn = await connectHttpClient(gw);
      await waitForTools(conn.client, ["faulty__hang"]);
      const hang = conn.client.callTool({ name: "faulty__hang", arguments: {} }, undefined, { timeout: 15000 });
      await sleep(300);
      gw.proc.kill("SIGTERM");
      await assert.rejects(hang, (e) => e.code === -32001, "the hanging call fails as upstream unavailable");
      assert.equal(await withTimeout(gw.exited, 10000, "mcpgw to exit after SIGTERM"), 0);
      await conn.close();
    } finally {
      short.cleanup();
    }
  });
});
