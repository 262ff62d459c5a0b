// Two mcpgw processes sharing the session secret serve one session's requests alternately: the
// session id is a signed, self-contained token, so no shared store is needed.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeWorkspace, upstreams, waitFor } from "./helpers.mjs";
import { openSession, post, readReply, startHttpGateway } from "./http_helpers.mjs";

const call = (id, text) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "faulty__echo", arguments: { text } } });

describe("replicas sharing MCPGW_SESSION_SECRET", () => {
  let ws;
  let a;
  let b;
  let stranger;
  before(async () => {
    ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }));
    a = await startHttpGateway(ws.configPath, { env: { MCPGW_SESSION_SECRET: "shared-secret-for-e2e" } });
    b = await startHttpGateway(ws.configPath, { env: { MCPGW_SESSION_SECRET: "shared-secret-for-e2e" } });
    stranger = await startHttpGateway(ws.configPath, { env: { MCPGW_SESSION_SECRET: "another-secret" } });
    for (const gw of [a, b]) await waitFor(async () => (await fetch(`${gw.base}/readyz`)).status === 200, 15000, "readyz");
  });
  after(() => {
    for (const gw of [a, b, stranger]) gw?.kill();
    ws?.cleanup();
  });

  test("a session opened on one replica is served by both, alternately", async () => {
    const sid = await openSession(a.url);
    for (let i = 0; i < 6; i++) {
      const gw = i % 2 ? a : b;
      const reply = await readReply(await post(gw.url, call(10 + i, `hop ${i}`), { "Mcp-Session-Id": sid }));
      assert.equal(reply.result?.content?.[0]?.text, `hop ${i}`, JSON.stringify(reply));
    }
  });

  test("a replica with another secret does not know the session (404)", async () => {
    const sid = await openSession(a.url);
    const res = await post(stranger.url, call(1, "x"), { "Mcp-Session-Id": sid });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, -32000);
  });
});
