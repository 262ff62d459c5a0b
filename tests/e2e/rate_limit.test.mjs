// Rate limits end to end (README "Rate limits"): a key's rate_limit_rpm and its per-tool
// rate_limits answer -32004 over stdio and HTTP 429 with Retry-After over HTTP, and recover.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { connectGateway, expectMcpError, firstText, makeWorkspace, sleep, upstreams } from "./helpers.mjs";
import { initializeRequest, post, readReply, startHttpGateway } from "./http_helpers.mjs";

const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = {
  three: "rate-three-key-0123",
  http_three: "rate-http-three-4567",
  sixty: "rate-sixty-key-89ab",
  per_tool: "rate-per-tool-cdef",
};
const RATE_LIMITED = -32004;

function makeRateWorkspace() {
  const ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }));
  const config = {
    ...ws.config,
    keys: [
      { name: "three", hash: hash(KEYS.three), rate_limit_rpm: 3 },
      { name: "http_three", hash: hash(KEYS.http_three), rate_limit_rpm: 3 },
      { name: "sixty", hash: hash(KEYS.sixty), rate_limit_rpm: 60 },
      { name: "per_tool", hash: hash(KEYS.per_tool), rate_limits: [{ server: "faulty", tool: "ec*", rpm: 2 }] },
    ],
    permissions: { default: "execute" },
  };
  fs.writeFileSync(ws.configPath, JSON.stringify(config, null, 2));
  return ws;
}

// A raw Streamable HTTP session opened with `key` (every request of it must carry the key).
async function openKeyedSession(url, key) {
  const auth = { Authorization: `Bearer ${key}` };
  const res = await post(url, initializeRequest(), auth);
  assert.equal(res.status, 200, `initialize: ${await res.clone().text()}`);
  await res.json();
  const sid = res.headers.get("mcp-session-id");
  const ack = await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, { ...auth, "Mcp-Session-Id": sid });
  assert.equal(ack.status, 202, "notifications/initialized");
  return sid;
}

const echo = (client, text) => client.callTool({ name: "faulty__echo", arguments: { text } });

const assertNoKey = (text, label) => {
  for (const key of Object.values(KEYS)) assert.ok(!text.includes(key), `${label}: a key is in the text`);
};

describe("rate limits over stdio (MCPGW_API_KEY)", () => {
  let ws;
  const gateways = [];
  const connect = async (key) => {
    const gw = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: key } });
    gateways.push(gw);
    return gw;
  };
  before(() => {
    ws = makeRateWorkspace();
  });
  after(async () => {
    for (const gw of gateways) await gw.close();
    ws?.cleanup();
  });

  test("with rate_limit_rpm 3 the 4th quick call gets -32004 with retry_after_ms", { timeout: 30000 }, async () => {
    const gw = await connect(KEYS.three);
    for (let i = 0; i < 3; ++i) assert.equal(firstText(await echo(gw.client, `call ${i}`)), `call ${i}`);
    const err = await expectMcpError(echo(gw.client, "one too many"), RATE_LIMITED, "4th call");
    assert.match(err.message, /Rate limit exceeded/);
    const retryAfterMs = err.data?.retry_after_ms;
    assert.ok(Number.isInteger(retryAfterMs) && retryAfterMs > 0 && retryAfterMs <= 20000, `retry_after_ms ${retryAfterMs}`);
    assertNoKey(gw.stderr(), "stderr");
  });

  test("a per-tool limit covers only the tools it matches", { timeout: 30000 }, async () => {
    const gw = await connect(KEYS.per_tool);
    await echo(gw.client, "a");
    await echo(gw.client, "b");
    await expectMcpError(echo(gw.client, "c"), RATE_LIMITED, "3rd echo");
    const other = await gw.client.callTool({ name: "faulty__last_cancelled", arguments: {} });
    assert.ok(!other.isError, JSON.stringify(other));
  });

  test("the anonymous principal has no limit", { timeout: 30000 }, async () => {
    const gw = await connect(undefined);
    for (let i = 0; i < 10; ++i) await echo(gw.client, `anonymous ${i}`);
  });
});

describe("rate limits over Streamable HTTP", () => {
  let ws, gw;
  before(async () => {
    ws = makeRateWorkspace();
    gw = await startHttpGateway(ws.configPath);
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  let nextId = 100;
  const callEcho = (sid, key, text) =>
    post(
      gw.url,
      { jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name: "faulty__echo", arguments: { text } } },
      { "Mcp-Session-Id": sid, Authorization: `Bearer ${key}` },
    );

  const expect429 = async (res, label) => {
    const text = await res.text();
    assert.equal(res.status, 429, `${label}: ${text}`);
    const body = JSON.parse(text);
    assert.equal(body.error.code, RATE_LIMITED, label);
    const retryAfterMs = body.error.data.retry_after_ms;
    assert.equal(res.headers.get("retry-after"), String(Math.ceil(retryAfterMs / 1000)), label);
    assertNoKey(text, label);
    return retryAfterMs;
  };

  test("the 4th quick call gets 429 with Retry-After and a -32004 body", { timeout: 30000 }, async () => {
    const sid = await openKeyedSession(gw.url, KEYS.http_three);
    for (let i = 0; i < 3; ++i) {
      const res = await callEcho(sid, KEYS.http_three, `call ${i}`);
      assert.equal(res.status, 200, `call ${i}`);
      assert.equal((await readReply(res)).result.content[0].text, `call ${i}`);
    }
    const retryAfterMs = await expect429(await callEcho(sid, KEYS.http_three, "one too many"), "4th call");
    assert.ok(retryAfterMs > 19000 && retryAfterMs <= 20000, `retry_after_ms ${retryAfterMs}`);
    // The limit is the key's, not the session's: a new session of the same key is limited too.
    const second = await openKeyedSession(gw.url, KEYS.http_three);
    await expect429(await callEcho(second, KEYS.http_three, "new session"), "new session");
    assertNoKey(gw.stderr(), "stderr");
  });

  test("the limit recovers as tokens refill (60 rpm: one a second)", { timeout: 30000 }, async () => {
    const sid = await openKeyedSession(gw.url, KEYS.sixty);
    let refused = null;
    for (let i = 0; i < 120 && !refused; ++i) {
      const res = await callEcho(sid, KEYS.sixty, `burst ${i}`);
      if (res.status === 429) refused = res;
      else assert.equal(res.status, 200, `burst ${i}: ${await res.text()}`);
    }
    assert.ok(refused, "no 429 after 120 quick calls");
    const retryAfterMs = await expect429(refused, "exhausted");
    assert.ok(retryAfterMs <= 1000, `retry_after_ms ${retryAfterMs}`);
    assert.equal(refused.headers.get("retry-after"), "1");
    await sleep(1100);
    const res = await callEcho(sid, KEYS.sixty, "recovered");
    assert.equal(res.status, 200);
    assert.equal((await readReply(res)).result.content[0].text, "recovered");
  });
});
