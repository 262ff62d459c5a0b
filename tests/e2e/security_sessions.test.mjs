// Session hardening over HTTP (and stdio where it applies): a duplicate request id never takes
// over the first request's POST, a cancelled or DELETEd session's POST always ends, draining
// ends, session ids expire and idle sessions end, and a DELETEd id stays refused.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { RawGateway, makeWorkspace, sleep, upstreams, waitFor, withTimeout } from "./helpers.mjs";
import { openSession, post, readReply, startHttpGateway } from "./http_helpers.mjs";

const call = (id, name, args = {}) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: `faulty__${name}`, arguments: args } });
const cancel = (requestId) => ({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId, reason: "test" } });
const threads = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/^Threads:\s+(\d+)/m)[1]);

function postWithin(url, body, sid, ms = 5000) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "Mcp-Session-Id": sid },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(ms),
  });
}

// POSTs a hanging call with `id`, then a second request with the same id until it is refused as
// a duplicate: from then on the first POST is known to be waiting. A second request that got in
// first makes the first one the refused duplicate: then it starts over. Returns the first POST
// (a fetch promise) and the refusal.
async function waitingWithDuplicate(url, sid, id, ms = 5000) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const first = postWithin(url, call(id, "hang"), sid, ms);
    let settled = false;
    first.then(() => (settled = true), () => (settled = true));
    for (let i = 0; i < 50 && !settled; i++) {
      await sleep(20);
      const reply = await readReply(await postWithin(url, call(id, "echo", { text: "dup" }), sid));
      if (reply.error && !settled) return { first, refusal: reply };
    }
    await first.catch(() => {});
  }
  throw new Error(`request id ${id} was never refused as a duplicate`);
}

async function assertServes(gw) {
  const sid = await openSession(gw.url);
  const reply = await readReply(await postWithin(gw.url, call(1, "echo", { text: "still here" }), sid));
  assert.equal(reply.result?.content?.[0]?.text, "still here", JSON.stringify(reply));
}

async function startReady(gateway) {
  const ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }), { gateway });
  const gw = await startHttpGateway(ws.configPath);
  await waitFor(async () => (await fetch(`${gw.base}/readyz`)).status === 200, 20000, "readyz");
  return { ws, gw };
}

describe("a duplicate request id over HTTP", () => {
  let ws;
  let gw;
  before(async () => ({ ws, gw } = await startReady({ drain_timeout_ms: 500 })));
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  test("is refused with -32600 and leaves the first POST in place: the cancel reaches it", async () => {
    const sid = await openSession(gw.url);
    const { first, refusal } = await waitingWithDuplicate(gw.url, sid, 7);
    assert.equal(refusal.error.code, -32600);
    assert.match(refusal.error.message, /already in use/);
    assert.equal((await postWithin(gw.url, cancel(7), sid)).status, 202);
    assert.equal((await first).status, 204, "the cancel reached the first request's POST");
    await assertServes(gw);
  });

  test("plus a cancel, 300 times: every POST ends, threads stay bounded, the gateway serves", async () => {
    const sid = await openSession(gw.url);
    const before = threads(gw.proc.pid);
    for (let i = 0; i < 300; i++) {
      const { first } = await waitingWithDuplicate(gw.url, sid, 77);
      assert.equal((await postWithin(gw.url, cancel(77), sid)).status, 202);
      assert.equal((await first).status, 204, `repetition ${i}: the cancelled POST ends`);
    }
    assert.ok(threads(gw.proc.pid) <= before + 16, `threads ${before} -> ${threads(gw.proc.pid)}`);
    await assertServes(gw);
  });

  test("DELETE releases the session's waiting POSTs and cancels their calls upstream", async () => {
    const sid = await openSession(gw.url);
    const { first } = await waitingWithDuplicate(gw.url, sid, 5);
    const deleted = await fetch(gw.url, { method: "DELETE", headers: { "Mcp-Session-Id": sid } });
    assert.equal(deleted.status, 200);
    assert.equal((await first).status, 204);
    assert.equal((await postWithin(gw.url, call(6, "echo", { text: "x" }), sid)).status, 404);
    const other = await openSession(gw.url);
    const last = await readReply(await postWithin(gw.url, call(1, "last_cancelled"), other));
    assert.match(last.result?.content?.[0]?.text ?? "", /the session has ended/, JSON.stringify(last));
  });
});

test("SIGTERM stops the gateway within the drain deadline after duplicate ids and cancels", async () => {
  const { ws, gw } = await startReady({ drain_timeout_ms: 500 });
  try {
    const sid = await openSession(gw.url);
    const waiting = [];
    for (let i = 0; i < 3; i++) {
      const { first } = await waitingWithDuplicate(gw.url, sid, 90 + i, 20000);
      waiting.push(first.catch(() => null));
      await postWithin(gw.url, cancel(90 + i), sid);
    }
    const { first } = await waitingWithDuplicate(gw.url, sid, 99, 20000);  // still in flight
    waiting.push(first.catch(() => null));
    gw.proc.kill("SIGTERM");
    // drain_timeout_ms, then the upstream's stop (shutdown_grace_ms) and a second of grace.
    assert.equal(await withTimeout(gw.exited, 6000, "mcpgw to exit after SIGTERM"), 0);
    await Promise.all(waiting);
  } finally {
    gw.kill();
    ws.cleanup();
  }
});

test("a duplicate in-flight id over stdio is refused and the first can still be cancelled", async () => {
  const ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }));
  const raw = new RawGateway(ws.configPath);
  try {
    await raw.initialize();
    await raw.waitForTool("faulty__hang");
    raw.send(call(77, "hang"));
    let refusal;
    for (let i = 0; i < 50 && !refusal?.error; i++) {
      const answer = raw.nextNew((m) => m.id === 77, 15000, "the duplicate's answer");
      raw.send(call(77, "echo", { text: "dup" }));
      refusal = await answer;
    }
    assert.equal(refusal.error?.code, -32600, JSON.stringify(refusal));
    assert.match(refusal.error.message, /already in use/);
    raw.send(cancel(77));
    const answer = raw.nextNew((m) => m.id === 77, 15000, "the answer once the id is free");
    raw.send(call(77, "echo", { text: "again" }));
    const echo = await answer;
    assert.equal(echo.result?.content?.[0]?.text, "again", "the id is free once the first is cancelled");
  } finally {
    await raw.close();
    ws.cleanup();
  }
});

describe("session ids over HTTP", () => {
  test("an expired id gets 404 and the client can initialize again", async () => {
    const { ws, gw } = await startReady({ session_lifetime_ms: 2000 });
    try {
      const sid = await openSession(gw.url);
      await waitFor(async () => (await postWithin(gw.url, call(1, "echo", { text: "x" }), sid)).status === 404, 5000, "the id to expire");
      await assertServes(gw);
    } finally {
      gw.kill();
      ws.cleanup();
    }
  });

  test("a session unused for the idle timeout ends; one waiting for an answer does not", async () => {
    const { ws, gw } = await startReady({ session_idle_timeout_ms: 500 });
    try {
      const idle = await openSession(gw.url);
      const busy = await openSession(gw.url);
      const slow = await readReply(await postWithin(gw.url, call(2, "slow", { ms: 1200 }), busy));
      assert.equal(slow.result?.content?.[0]?.text, "slept 1200");
      const again = await readReply(await postWithin(gw.url, call(3, "echo", { text: "busy" }), busy));
      assert.equal(again.result?.content?.[0]?.text, "busy", JSON.stringify(again));
      assert.equal((await postWithin(gw.url, call(1, "echo", { text: "x" }), idle)).status, 404);
      await assertServes(gw);
    } finally {
      gw.kill();
      ws.cleanup();
    }
  });

  test("a DELETEd id stays refused after many more sessions than the replica holds", async () => {
    const { ws, gw } = await startReady({ max_sessions: 10 });
    const remove = (sid) => fetch(gw.url, { method: "DELETE", headers: { "Mcp-Session-Id": sid } });
    try {
      const deleted = await openSession(gw.url);
      assert.equal((await remove(deleted)).status, 200);
      for (let i = 0; i < 60; i++) assert.equal((await remove(await openSession(gw.url))).status, 200);
      assert.equal((await postWithin(gw.url, call(1, "echo", { text: "x" }), deleted)).status, 404);
      assert.equal((await remove(deleted)).status, 404);
      await assertServes(gw);
    } finally {
      gw.kill();
      ws.cleanup();
    }
  });
});
