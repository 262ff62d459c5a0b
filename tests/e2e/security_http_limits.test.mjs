// What a client may make the HTTP front read and hold: gateway.max_message_bytes bounds the body
// bytes actually read (chunked, unsized or sized), compressed bodies are refused, the header is
// bounded in bytes and in fields, a client too slow is cut off, and a second Host, Origin or
// Mcp-Session-Id header is refused. Raw sockets from Node, so that the requests
// can be as hostile as an attacker's; while one streams 200 MB, the gateway's VmRSS and thread
// count are sampled from /proc.
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import zlib from "node:zlib";
import { after, before, describe, test } from "node:test";
import { makeWorkspace, sleep, upstreams, withTimeout } from "./helpers.mjs";
import { connectHttpClient, initializeRequest, openSession, startHttpGateway } from "./http_helpers.mjs";

const MAX_BODY = 1024 * 1024;
const HEADER_TIMEOUT_MS = 1000;
const BODY_TIMEOUT_MS = 1500;
const FLOOD_BYTES = 200 * 1024 * 1024;
const RSS_GROWTH_LIMIT_KB = 100 * 1024; // a flood read whole would add at least 200 MB
const PIECE = Buffer.alloc(64 * 1024, "a");

/** VmRSS (kB) and thread count of a process. */
function procStatus(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return { rssKb: Number(text.match(/VmRSS:\s+(\d+)/)[1]), threads: Number(text.match(/Threads:\s+(\d+)/)[1]) };
}

/** The status line's code, the headers (lower-case names) and the body of the first response in `text`. */
function parseResponse(text) {
  const match = text.match(/^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/);
  if (!match) return null;
  const headers = Object.fromEntries(
    match[2].split("\r\n").map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
  );
  const length = Number(headers["content-length"] ?? NaN);
  const body = Number.isNaN(length) ? match[3] : match[3].slice(0, length);
  return { status: Number(match[1]), headers, body, complete: !Number.isNaN(length) && match[3].length >= length };
}

/**
 * Connects, writes `head`, then the pieces of `nextPiece()` as fast as the gateway reads them,
 * up to `limitBytes` (then `tail`), stopping once the gateway closes or `stopWhen(received)`;
 * `pauseMs` between pieces makes a slow client.
 * Meanwhile samples the gateway's VmRSS and threads. Resolves { response, sent, closedByGateway,
 * maxRssKb, maxThreads }.
 */
async function flood(gw, head, { nextPiece = () => PIECE, limitBytes = FLOOD_BYTES, tail = "", stopWhen = () => false, pauseMs = 0 }) {
  const pid = gw.proc.pid;
  const socket = net.connect(Number(new URL(gw.base).port), "127.0.0.1");
  let received = "";
  let closedByGateway = false;
  let maxRssKb = 0;
  let maxThreads = 0;
  const sample = () => {
    const status = procStatus(pid);
    maxRssKb = Math.max(maxRssKb, status.rssKb);
    maxThreads = Math.max(maxThreads, status.threads);
  };
  const sampler = setInterval(sample, 20);
  const closed = new Promise((resolve) => socket.on("close", resolve));
  socket.on("data", (chunk) => {
    if (received.length < 65536) received += chunk.toString("latin1");
  });
  socket.on("end", () => (closedByGateway = true));
  socket.on("error", () => (closedByGateway = true)); // EPIPE or ECONNRESET: the gateway closed
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let sent = 0;
  socket.write(head);
  while (!closedByGateway && !socket.destroyed && sent < limitBytes && !stopWhen(received)) {
    const piece = nextPiece();
    sent += piece.length;
    if (!socket.write(piece)) {
      await new Promise((resolve) => {
        socket.once("drain", resolve);
        socket.once("close", resolve);
      });
    }
    if (pauseMs) await sleep(pauseMs);
  }
  if (!closedByGateway && !socket.destroyed && tail) socket.write(tail);
  await withTimeout(
    Promise.race([closed, new Promise((resolve) => setInterval(() => parseResponse(received)?.complete && resolve(), 20).unref())]),
    60000,
    "the gateway to answer the flood",
  ).catch(() => {});
  socket.destroy();
  await closed;
  clearInterval(sampler);
  sample();
  return { response: parseResponse(received), sent, closedByGateway, maxRssKb, maxThreads };
}

/** Sends one complete raw request and resolves the first response. */
async function exchange(gw, text) {
  const result = await flood(gw, text, { limitBytes: 0, stopWhen: () => true });
  assert.ok(result.response, "the gateway answered");
  return result.response;
}

// The gateway answers, then closes a connection whose request it stopped reading (after reading
// and dropping what still comes for a moment, so that the answer is not lost to a reset).
function assertRefusedFlood(result, status, label) {
  assertRpcError(result.response, status, label);
  assert.ok(result.closedByGateway, `${label}: the gateway closed the connection`);
}

function assertRpcError(response, status, label) {
  assert.equal(response?.status, status, `${label}: HTTP status (${response?.body})`);
  const body = JSON.parse(response.body);
  assert.equal(body.jsonrpc, "2.0", `${label}: the body is a JSON-RPC error`);
  assert.equal(typeof body.error?.code, "number", `${label}: the body has an error code`);
}

const chunk = (data) => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from("\r\n")]);

describe("HTTP request limits", () => {
  let ws;
  let gw;
  let host;
  let baseline;
  before(async () => {
    ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }), {
      gateway: { max_message_bytes: MAX_BODY, http_header_timeout_ms: HEADER_TIMEOUT_MS, http_body_timeout_ms: BODY_TIMEOUT_MS },
    });
    gw = await startHttpGateway(ws.configPath);
    host = new URL(gw.base).host;
    await openSession(gw.url); // warm: the first session's allocations are not the flood's
    baseline = procStatus(gw.proc.pid);
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  // The head of a POST; `headers` is an object or a list of [name, value] (names may repeat).
  const post = (path, headers = {}) =>
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
    (Array.isArray(headers) ? headers : Object.entries(headers)).map(([name, value]) => `${name}: ${value}\r\n`).join("") +
    "\r\n";

  function assertBounded(result, label) {
    const growthKb = result.maxRssKb - baseline.rssKb;
    assert.ok(growthKb < RSS_GROWTH_LIMIT_KB, `${label}: VmRSS grew by ${growthKb} kB`);
    assert.ok(result.maxThreads <= baseline.threads + 8, `${label}: ${result.maxThreads} threads (from ${baseline.threads})`);
    assert.ok(result.sent < FLOOD_BYTES, `${label}: the gateway stopped reading (${result.sent} bytes sent)`);
  }

  async function assertStillServing() {
    const health = await fetch(`${gw.base}/healthz`);
    assert.equal(health.status, 200);
    const conn = await connectHttpClient(gw);
    const { tools } = await conn.client.listTools();
    assert.ok(tools.some((t) => t.name === "faulty__echo"));
    await conn.close();
  }

  test("a 200 MB chunked body to /mcp gets 413 once past max_message_bytes, in bounded memory", async () => {
    const result = await flood(gw, post("/mcp", { "Transfer-Encoding": "chunked" }), {
      nextPiece: () => chunk(PIECE),
      tail: "0\r\n\r\n",
    });
    assertRefusedFlood(result, 413, "chunked /mcp");
    assertBounded(result, "chunked /mcp");
    await assertStillServing();
  });

  test("a chunked body over the limit to /messages, an admin PUT and an unknown path is not read whole", async () => {
    for (const [path, method, status] of [
      ["/messages?sessionId=x", "POST", 413],
      ["/admin/servers/big", "PUT", 413],
      ["/nowhere", "POST", 404],
    ]) {
      const head = post(path, { "Transfer-Encoding": "chunked" }).replace(/^POST/, method);
      const result = await flood(gw, head, { nextPiece: () => chunk(PIECE), tail: "0\r\n\r\n" });
      assertRefusedFlood(result, status, `${method} ${path}`);
      assertBounded(result, `${method} ${path}`);
    }
    await assertStillServing();
  });

  test("200 MB of header lines get 431 once past the header limit, in bounded memory", async () => {
    const lines = Buffer.from(`X-Pad: ${"b".repeat(90)}\r\n`.repeat(650));
    const result = await flood(gw, `POST /mcp HTTP/1.1\r\nHost: ${host}\r\n`, { nextPiece: () => lines });
    assertRefusedFlood(result, 431, "header lines");
    assertBounded(result, "header lines");
    await assertStillServing();
  });

  test("one header line of 200 MB gets 431, in bounded memory", async () => {
    const result = await flood(gw, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Big: `, {});
    assertRefusedFlood(result, 431, "one long line");
    assertBounded(result, "one long line");
    await assertStillServing();
  });

  test("more header fields than the limit get 431 though small in total", async () => {
    const fields = Array.from({ length: 150 }, (_, i) => [`X-Field-${i}`, "1"]);
    const response = await exchange(gw, `${post("/mcp", [...fields, ["Content-Length", 0]])}`);
    assertRpcError(response, 431, "150 fields");
    await assertStillServing();
  });

  test("a client too slow with its header or its body is disconnected", async () => {
    for (const [label, head, limitMs] of [
      ["header", `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `, HEADER_TIMEOUT_MS],
      ["body", post("/mcp", { "Content-Length": 100000 }), BODY_TIMEOUT_MS],
    ]) {
      const started = Date.now();
      // One byte every 100 ms, for at most 10 s: each read succeeds, only the whole is slow.
      const result = await flood(gw, head, {
        nextPiece: () => Buffer.from("a"),
        limitBytes: 100,
        pauseMs: 100,
      });
      const elapsed = Date.now() - started;
      assert.ok(result.closedByGateway, `slow ${label}: the gateway closed the connection`);
      assert.ok(elapsed < limitMs + 3000, `slow ${label}: closed after ${elapsed} ms`);
    }
    await assertStillServing();
  });

  test("a 200 MB body without Content-Length is refused in bounded memory", async () => {
    const result = await flood(gw, post("/mcp"), {});
    // Read up to the connection's end it is too large (413); read as HTTP/1.1 frames it, it is no
    // body and the bytes after are no request (400). Either way the gateway stops reading.
    assert.ok([400, 413].includes(result.response?.status), `unsized: ${result.response?.status}`);
    assert.ok(result.closedByGateway, "unsized: the gateway closed the connection");
    assertBounded(result, "unsized /mcp");
    await assertStillServing();
  });

  test("a Content-Length over the limit gets 413 before any body byte is read", async () => {
    const result = await flood(gw, post("/mcp", { "Content-Length": String(FLOOD_BYTES) }), {});
    assertRefusedFlood(result, 413, "sized /mcp");
    assertBounded(result, "sized /mcp");
    await assertStillServing();
  });

  test("a gzip body (256 MB inflated) gets 415 and is not inflated", async () => {
    const gz = zlib.gzipSync(Buffer.alloc(256 * 1024 * 1024)); // about 250 kB: under the limit as sent
    const result = await flood(gw, post("/mcp", { "Content-Encoding": "gzip", "Content-Length": String(gz.length) }), {
      nextPiece: () => gz,
      limitBytes: gz.length,
    });
    assertRefusedFlood(result, 415, "gzip /mcp");
    assertBounded(result, "gzip /mcp");
    for (const encoding of ["deflate", "br", "gzip, identity"]) {
      const body = JSON.stringify(initializeRequest());
      const response = await exchange(gw, post("/mcp", { "Content-Encoding": encoding, "Content-Length": body.length }) + body);
      assertRpcError(response, 415, `Content-Encoding: ${encoding}`);
    }
    const body = JSON.stringify(initializeRequest());
    const plain = await exchange(gw, post("/mcp", { "Content-Encoding": "identity", "Content-Length": body.length }) + body);
    assert.equal(plain.status, 200, "identity is no encoding");
    await assertStillServing();
  });

  // A client drops an idle connection when the announced time is up; its timer can fire late
  // (a busy event loop), so the gateway keeps the connection well past what it announces:
  // a connection closed by both sides at once loses the request sent on it.
  test("a kept-alive connection stays open well past the idle time it announces", async () => {
    const socket = net.connect(Number(new URL(gw.base).port), "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    const closed = new Promise((resolve) => socket.on("close", resolve));
    const answer = async (label) => {
      await withTimeout(
        new Promise((resolve) => {
          const poll = setInterval(() => parseResponse(received)?.complete && (clearInterval(poll), resolve()), 10);
        }),
        10000,
        label,
      );
      const response = parseResponse(received);
      received = "";
      return response;
    };
    const get = `GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
    socket.write(get);
    const first = await answer("the first answer");
    assert.equal(first.status, 200);
    const announced = Number(first.headers["keep-alive"]?.match(/^timeout=(\d+)$/)?.[1]);
    assert.ok(announced > 0, `Keep-Alive announces a timeout (${first.headers["keep-alive"]})`);
    await sleep(announced * 1000 + 500);
    assert.ok(!socket.destroyed, "the connection is still open just past the announced timeout");
    socket.write(get);
    assert.equal((await answer("the second answer on the same connection")).status, 200);
    socket.destroy();
    await closed;
  });

  test("a second Host, Origin or Mcp-Session-Id header gets 400", async () => {
    const sid = await openSession(gw.url);
    const body = JSON.stringify(initializeRequest());
    const sized = ["Content-Length", body.length];
    const cases = [
      ["Host", [sized, ["Host", "evil.example"]]],
      ["Origin", [sized, ["Origin", "http://localhost"], ["Origin", "http://evil.example"]]],
      ["Mcp-Session-Id", [sized, ["Mcp-Session-Id", sid], ["mcp-session-id", "other"]]],
    ].map(([name, headers]) => [name, post("/mcp", headers) + body]);
    for (const [name, request] of cases) assertRpcError(await exchange(gw, request), 400, `two ${name} headers`);
    const single = await exchange(gw, post("/mcp", [sized]) + body);
    assert.equal(single.status, 200, "one Host header is fine");
    await assertStillServing();
  });
});
