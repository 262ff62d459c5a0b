// The HTTP rules of the Streamable HTTP transport, checked with plain fetch against
// `mcpgw --listen`: sessions, headers, sizes, and that every error body is a JSON-RPC error.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { makeWorkspace, upstreams } from "./helpers.mjs";
import { initializeRequest, openSession, post, readReply, startHttpGateway } from "./http_helpers.mjs";

const LIST = { jsonrpc: "2.0", id: 2, method: "tools/list" };

function rawRequest(url, method, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function expectRpcError(res, status, label) {
  assert.equal(res.status, status, `${label}: HTTP status`);
  const body = await res.json();
  assert.equal(body.jsonrpc, "2.0", `${label}: body is JSON-RPC`);
  assert.equal(typeof body.error?.code, "number", `${label}: body has an error code: ${JSON.stringify(body)}`);
  return body;
}

describe("Streamable HTTP rules", () => {
  let ws;
  let gw;
  before(async () => {
    ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }), { gateway: { max_message_bytes: 2048 } });
    gw = await startHttpGateway(ws.configPath);
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  test("initialize issues an Mcp-Session-Id of visible ASCII, and the session answers", async () => {
    const sid = await openSession(gw.url);
    assert.match(sid, /^[\x21-\x7e]+$/);
    const reply = await readReply(await post(gw.url, LIST, { "Mcp-Session-Id": sid }));
    assert.ok(reply.result.tools.some((t) => t.name === "faulty__echo"));
  });

  test("a request without Mcp-Session-Id gets 400", async () => {
    await expectRpcError(await post(gw.url, LIST), 400, "missing session");
  });

  test("an unknown or forged Mcp-Session-Id gets 404", async () => {
    await expectRpcError(await post(gw.url, LIST, { "Mcp-Session-Id": "nope" }), 404, "unknown session");
    const sid = await openSession(gw.url);
    const [payload] = sid.split(".");
    const forged = `${payload}.${"A".repeat(43)}`;
    await expectRpcError(await post(gw.url, LIST, { "Mcp-Session-Id": forged }), 404, "forged session");
  });

  test("an unsupported MCP-Protocol-Version gets 400; a supported or absent one is fine", async () => {
    const sid = await openSession(gw.url);
    const bad = { "Mcp-Session-Id": sid, "MCP-Protocol-Version": "1999-01-01" };
    await expectRpcError(await post(gw.url, LIST, bad), 400, "bad version");
    const good = await post(gw.url, LIST, { "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-06-18" });
    assert.equal(good.status, 200);
    await good.text();
  });

  test("a foreign Origin or Host gets 403; a localhost Origin is allowed", async () => {
    await expectRpcError(await post(gw.url, initializeRequest(), { Origin: "https://evil.example" }), 403, "Origin");
    const local = await post(gw.url, initializeRequest(), { Origin: "http://localhost:5173" });
    assert.equal(local.status, 200);
    await local.text();
    // A DNS-rebinding page reaches the gateway with its own name in Host (fetch cannot set Host).
    const { status, body } = await rawRequest(gw.url, "DELETE", { Host: "evil.example:80" });
    assert.equal(status, 403);
    assert.equal(JSON.parse(body).error.code, -32000);
  });

  test("a body over max_message_bytes gets 413 with a JSON-RPC error", async () => {
    const big = { ...LIST, params: { pad: "x".repeat(4096) } };
    await expectRpcError(await post(gw.url, big), 413, "oversize");
  });

  test("Accept without text/event-stream gets 406; a non-JSON Content-Type gets 415", async () => {
    await expectRpcError(await post(gw.url, initializeRequest(), { Accept: "application/json" }), 406, "Accept");
    await expectRpcError(await post(gw.url, initializeRequest(), { "Content-Type": "text/plain" }), 415, "Content-Type");
  });

  test("unreadable JSON gets 400 with a parse error", async () => {
    const body = await expectRpcError(await post(gw.url, "{not json"), 400, "bad JSON");
    assert.equal(body.error.code, -32700);
  });

  test("a notification gets 202 with no body", async () => {
    const sid = await openSession(gw.url);
    const res = await post(gw.url, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 99 } }, { "Mcp-Session-Id": sid });
    assert.equal(res.status, 202);
    assert.equal(await res.text(), "");
  });

  test("DELETE ends the session: later requests with its id get 404", async () => {
    const sid = await openSession(gw.url);
    const del = await fetch(gw.url, { method: "DELETE", headers: { "Mcp-Session-Id": sid } });
    assert.equal(del.status, 200);
    await expectRpcError(await post(gw.url, LIST, { "Mcp-Session-Id": sid }), 404, "after DELETE");
    const again = await fetch(gw.url, { method: "DELETE", headers: { "Mcp-Session-Id": sid } });
    await expectRpcError(again, 404, "second DELETE");
  });

  test("a request whose notifications come first is answered as an event stream", async () => {
    const sid = await openSession(gw.url);
    const call = { jsonrpc: "2.0", id: 7, method: "tools/call",
      params: { name: "faulty__slow", arguments: { ms: 100 }, _meta: { progressToken: "t" } } };
    const res = await post(gw.url, call, { "Mcp-Session-Id": sid });
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    assert.equal(res.headers.get("x-accel-buffering"), "no");
    const text = await res.text();
    assert.match(text, /notifications\/progress/);
    assert.equal((await readReply(new Response(text, { headers: res.headers }))).result.content[0].text, "slept 100");
  });

  test("GET opens the session's stream with keep-alive comments; a second GET gets 409", async () => {
    const sid = await openSession(gw.url);
    const headers = { Accept: "text/event-stream", "Mcp-Session-Id": sid };
    const controller = new AbortController();
    const stream = await fetch(gw.url, { headers, signal: controller.signal });
    assert.equal(stream.status, 200);
    assert.equal(stream.headers.get("content-type"), "text/event-stream");
    await expectRpcError(await fetch(gw.url, { headers }), 409, "second GET");
    controller.abort();
    await expectRpcError(await fetch(gw.url, { headers: { Accept: "application/json", "Mcp-Session-Id": sid } }), 406, "GET Accept");
  });

  test("/healthz is alive and /readyz lists each upstream's state", async () => {
    const health = await fetch(`${gw.base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    const ready = await fetch(`${gw.base}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready", upstreams: { faulty: "ready" } });
  });

  test("an unknown path gets a JSON-RPC 404", async () => {
    await expectRpcError(await fetch(`${gw.base}/nope`), 404, "unknown path");
  });
});
