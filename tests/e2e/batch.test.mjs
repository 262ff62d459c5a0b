// JSON-RPC batches, which only the 2025-03-26 revision has: a stdio line holding an array and an
// HTTP POST whose body is an array, sent raw (no SDK sends batches) through the gateway to the
// real server-everything. Clients on other revisions still get -32600 for an array.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RawGateway, makeWorkspace, stderrTail, upstreams, withTimeout } from "./helpers.mjs";
import { JSON_AND_SSE, initializeRequest, post, startHttpGateway } from "./http_helpers.mjs";

const ping = (id) => ({ jsonrpc: "2.0", id, method: "ping" });
const echo = (id, message) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "everything__echo", arguments: { message } },
});

// The lines of `raw` that are JSON arrays, as they arrive: next(ms) is the first one not yet taken.
function arrayLines(raw) {
  const seen = [];
  const waiters = [];
  const onLine = raw.onLine.bind(raw);
  raw.onLine = (line) => {
    onLine(line);
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    if (!Array.isArray(value)) return;
    const waiter = waiters.shift();
    if (waiter) waiter(value);
    else seen.push(value);
  };
  return {
    count: () => seen.length,
    next: (ms, label) =>
      seen.length
        ? Promise.resolve(seen.shift())
        : withTimeout(new Promise((resolve) => waiters.push(resolve)), ms, `${label}; stdout: ${JSON.stringify(raw.lines)}`),
  };
}

describe("JSON-RPC batches over stdio", () => {
  let ws;
  const raws = [];
  before(() => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
  });
  after(async () => {
    await Promise.all(raws.map((r) => r.close()));
    ws?.cleanup();
  });
  const check = (name, fn, timeout = 60000) =>
    test(name, { timeout }, async () => {
      const raw = new RawGateway(ws.configPath);
      raws.push(raw);
      try {
        await fn(raw, arrayLines(raw));
      } catch (e) {
        throw new Error(`${e.message}\n${stderrTail(raw.stderrText)}`, { cause: e });
      } finally {
        await raw.close();
      }
    });

  check("a 2025-03-26 client's batch is answered with one array, a bad entry costing itself only", async (raw, arrays) => {
    const init = await raw.initialize("2025-03-26");
    assert.equal(init.result.protocolVersion, "2025-03-26");
    assert.equal(init.result.capabilities.tasks, undefined, "no tasks before 2025-11-25");
    await raw.waitForTool("everything__echo");
    raw.sendRaw(
      JSON.stringify([
        ping("b1"),
        echo("b2", "in a batch"),
        1,
        { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "nobody" } },
        { jsonrpc: "1.0", id: "b3", method: "ping" },
        { jsonrpc: "2.0", id: "b4", method: "no/such/method" },
        { jsonrpc: "2.0", id: "b5", method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } },
      ]),
    );
    const answer = await arrays.next(20000, "the batch's answer");
    assert.deepEqual(
      answer.map((m) => m.id),
      ["b1", "b2", null, "b3", "b4", "b5"],
      JSON.stringify(answer),
    );
    assert.equal(answer[5].error.code, -32600, "initialize is not part of a batch");
    assert.deepEqual(answer[0].result, {});
    assert.equal(answer[1].result.content[0].text, "Echo: in a batch");
    assert.equal(answer[2].error.code, -32600);
    assert.equal(answer[3].error.code, -32600);
    assert.equal(answer[4].error.code, -32601);
    // Every answer came in the array: none was sent alone.
    assert.equal(raw.messages.filter((m) => typeof m.id === "string" && m.id.startsWith("b")).length, 0);

    // An empty batch, and one over the limit, are refused whole with one error; the session goes on.
    raw.sendRaw("[]");
    const empty = await raw.nextNew((m) => "error" in m, 10000, "an error for []");
    assert.equal(empty.error.code, -32600);
    assert.equal(empty.id, null);
    raw.sendRaw(JSON.stringify(Array.from({ length: 101 }, (_, i) => ping(`many-${i}`))));
    const tooMany = await raw.nextNew((m) => "error" in m, 10000, "an error for 101 entries");
    assert.equal(tooMany.error.code, -32600);
    assert.match(tooMany.error.message, /at most 100/);
    // Only notifications: nothing comes back; the next request is answered alone.
    raw.sendRaw(JSON.stringify([{ jsonrpc: "2.0", method: "notifications/initialized" }]));
    const after = await raw.request("after", "ping", {}, 10000);
    assert.deepEqual(after.result, {});
    assert.equal(arrays.count(), 0, "no array for a batch of notifications");
    // 100 entries are accepted.
    raw.sendRaw(JSON.stringify(Array.from({ length: 100 }, (_, i) => ping(`p${i}`))));
    const hundred = await arrays.next(20000, "the answer to 100 pings");
    assert.equal(hundred.length, 100);
    assert.equal(hundred[99].id, "p99");
  });

  check("a batch from a 2025-06-18 client, or before initialize, gets one -32600", async (raw, arrays) => {
    raw.sendRaw(JSON.stringify([ping("early")]));
    const early = await raw.nextNew((m) => "error" in m, 15000, "an error for a batch before initialize");
    assert.equal(early.error.code, -32600);
    assert.equal(early.id, null);
    const init = await raw.initialize("2025-06-18");
    assert.equal(init.result.protocolVersion, "2025-06-18");
    raw.sendRaw(JSON.stringify([ping("late")]));
    const late = await raw.nextNew((m) => "error" in m, 10000, "an error for a batch on 2025-06-18");
    assert.equal(late.error.code, -32600);
    assert.match(late.error.message, /2025-03-26/);
    const alone = await raw.request("alone", "ping", {}, 10000);
    assert.deepEqual(alone.result, {});
    assert.equal(raw.messages.filter((m) => m.id === "early" || m.id === "late").length, 0, "no entry ran");
    assert.equal(arrays.count(), 0);
  });
});

describe("JSON-RPC batches over Streamable HTTP", () => {
  let ws;
  let gw;
  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
    gw = await startHttpGateway(ws.configPath);
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  // A session on `revision`, initialized with raw POSTs; returns its headers.
  async function session(revision) {
    const res = await post(gw.url, initializeRequest(1, revision));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).result.protocolVersion, revision);
    const headers = { "Mcp-Session-Id": res.headers.get("mcp-session-id") };
    if (revision !== "2025-03-26") headers["MCP-Protocol-Version"] = revision;
    const ack = await post(gw.url, { jsonrpc: "2.0", method: "notifications/initialized" }, headers);
    assert.equal(ack.status, 202);
    return headers;
  }

  async function waitForEcho(headers) {
    const deadline = Date.now() + 25000;
    for (let i = 0; ; i++) {
      const res = await post(gw.url, { jsonrpc: "2.0", id: `list-${i}`, method: "tools/list" }, headers);
      const tools = (await res.json()).result?.tools ?? [];
      if (tools.some((t) => t.name === "everything__echo")) return;
      assert.ok(Date.now() < deadline, "everything__echo never listed");
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  test("a 2025-03-26 session's batch gets a JSON array of its answers; notifications alone get 202", { timeout: 60000 }, async () => {
    const headers = await session("2025-03-26");
    await waitForEcho(headers);
    const res = await post(
      gw.url,
      [ping(1), echo(2, "over http"), { jsonrpc: "2.0", id: 3 }, { jsonrpc: "2.0", method: "notifications/initialized" }, initializeRequest(4, "2025-03-26")],
      headers,
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    const answer = await res.json();
    assert.ok(Array.isArray(answer), JSON.stringify(answer));
    assert.deepEqual(answer.map((m) => m.id), [1, 2, 3, 4]);
    assert.deepEqual(answer[0].result, {});
    assert.equal(answer[1].result.content[0].text, "Echo: over http");
    assert.equal(answer[2].error.code, -32600);
    assert.equal(answer[3].error.code, -32600, "initialize is not part of a batch");

    const quiet = await post(gw.url, [{ jsonrpc: "2.0", method: "notifications/initialized" }, { jsonrpc: "2.0", id: 99, result: {} }], headers);
    assert.equal(quiet.status, 202);
    assert.equal(await quiet.text(), "");

    const empty = await post(gw.url, "[]", headers);
    assert.equal(empty.status, 400);
    assert.equal((await empty.json()).error.code, -32600);
  });

  test("progress for a batched request comes first on an SSE stream, then the answers", { timeout: 60000 }, async () => {
    const headers = await session("2025-03-26");
    await waitForEcho(headers);
    const slow = {
      jsonrpc: "2.0",
      id: "slow",
      method: "tools/call",
      params: { name: "everything__trigger-long-running-operation", arguments: { duration: 1, steps: 2 }, _meta: { progressToken: "p" } },
    };
    const res = await post(gw.url, [slow, ping("quick")], { ...headers, Accept: JSON_AND_SSE });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/event-stream/);
    const messages = (await res.text())
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)));
    const progress = messages.filter((m) => m.method === "notifications/progress");
    assert.ok(progress.length >= 1, JSON.stringify(messages));
    assert.ok(progress.every((m) => m.params.progressToken === "p"));
    const answers = messages.filter((m) => "id" in m);
    assert.deepEqual(answers.map((m) => m.id), ["slow", "quick"]);
    assert.match(answers[0].result.content[0].text, /Long running operation completed/);
    assert.ok(messages.indexOf(progress[0]) < messages.indexOf(answers[0]));
  });

  test("a batch from a 2025-06-18 session gets 400 with -32600 and runs nothing", { timeout: 30000 }, async () => {
    const headers = await session("2025-06-18");
    const res = await post(gw.url, [ping(1)], headers);
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error.code, -32600);
    assert.match(body.error.message, /2025-03-26/);
  });
});
