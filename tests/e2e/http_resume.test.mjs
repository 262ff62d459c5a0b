// Resumable streams, downstream: a client of the gateway's Streamable HTTP endpoint drops a POST's
// event stream in the middle, reconnects with GET and Last-Event-ID, and gets exactly the events
// it missed. Raw HTTP (fetch), so every byte of the stream is seen.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeWorkspace, upstreams, waitFor, withTimeout } from "./helpers.mjs";
import { initializeRequest, post, startHttpGateway } from "./http_helpers.mjs";

const STEPS = 4;
const call = (id) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: {
    name: "everything__trigger-long-running-operation",
    arguments: { duration: 1, steps: STEPS },
    _meta: { progressToken: `p${id}` },
  },
});

/** Reads SSE events from a fetch Response body as they come: {id, retry, data} per event. */
async function* sseEvents(res) {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { id: undefined, retry: undefined, data: undefined };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const name = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, "");
        if (name === "id") event.id = value;
        if (name === "retry") event.retry = Number(value);
        if (name === "data") event.data = event.data === undefined ? value : `${event.data}\n${value}`;
      }
      if (event.data !== undefined) yield event;
    }
  }
}

async function readAll(res) {
  const events = [];
  for await (const event of sseEvents(res)) events.push(event);
  return events;
}

const seqOf = (id) => Number(id.split(".").pop());

describe("a POST stream the client drops is resumed with GET and Last-Event-ID", () => {
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

  async function session(protocolVersion) {
    const res = await post(gw.url, initializeRequest(1, protocolVersion));
    assert.equal(res.status, 200);
    await res.json();
    const sid = res.headers.get("mcp-session-id");
    const ack = await post(gw.url, { jsonrpc: "2.0", method: "notifications/initialized" }, { "Mcp-Session-Id": sid });
    assert.equal(ack.status, 202);
    return sid;
  }

  const resume = (sid, lastEventId) =>
    fetch(gw.url, {
      headers: { Accept: "text/event-stream", "Mcp-Session-Id": sid, "Last-Event-ID": lastEventId },
    });

  async function callsInFlight() {
    const text = await (await fetch(`${gw.base}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith('mcpgw_calls_in_flight{server="everything"}'));
    return line ? Number(line.split(" ").pop()) : NaN;
  }

  test("priming event, ids on every event, the missed events replayed, no other session", async () => {
    const sid = await session("2025-11-25");
    const res = await post(gw.url, call(5), { "Mcp-Session-Id": sid });
    // Read the first events, then drop the connection by cancelling the body.
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const seen = [];
    const reader = sseEvents(res);
    await withTimeout((async () => {
      for await (const event of reader) {
        seen.push(event);
        if (event.data !== "") break;  // the first message after the priming event
      }
    })(), 15000, "the first events of the POST stream");
    await res.body.cancel().catch(() => {});

    assert.equal(seen[0].data, "", "the stream opens with a priming event (empty data)");
    assert.ok(seen[0].id, "the priming event has an id");
    assert.ok(seen[0].retry > 0, "the priming event says when to reconnect (retry)");
    assert.equal(seqOf(seen[0].id), 0);
    const last = seen.at(-1);
    assert.equal(JSON.parse(last.data).method, "notifications/progress");
    assert.ok(last.id, "every event has an id");

    // The call goes on upstream while nobody reads: wait until it has been answered.
    await waitFor(async () => (await callsInFlight()) === 0, 15000, "the call to finish upstream");

    const other = await session("2025-11-25");
    const foreign = await resume(other, last.id);
    assert.equal(foreign.status, 404, "another session cannot resume the stream");
    await foreign.body?.cancel();

    const resumed = await resume(sid, last.id);
    assert.equal(resumed.status, 200);
    assert.equal(resumed.headers.get("content-type"), "text/event-stream");
    const missed = await withTimeout(readAll(resumed), 15000, "the resumed stream");
    const messages = missed.map((e) => JSON.parse(e.data));
    const firstProgress = JSON.parse(last.data).params.progress;
    const expected = [];
    for (let p = firstProgress + 1; p <= STEPS; ++p) expected.push(p);
    assert.deepEqual(messages.filter((m) => m.method).map((m) => m.params.progress), expected,
      "exactly the progress notifications after Last-Event-ID");
    assert.equal(messages.at(-1).id, 5, "the stream ends with the response");
    assert.match(messages.at(-1).result.content[0].text, /Long running operation completed/);
    assert.equal(messages.filter((m) => "result" in m || "error" in m).length, 1);
    missed.forEach((event, i) => assert.equal(seqOf(event.id), seqOf(last.id) + 1 + i, "consecutive ids"));
    assert.ok(missed.every((e) => e.id.split(".").slice(0, 2).join(".") === last.id.split(".").slice(0, 2).join(".")),
      "the ids name the same stream");

    // The finished stream is still there: from the priming event, the whole stream again.
    const again = await withTimeout(readAll(await resume(sid, seen[0].id)), 15000, "a second resume");
    assert.equal(again.length, STEPS + 1);
    assert.equal(JSON.parse(again.at(-1).data).id, 5);
  });

  test("a client of an older revision gets ids but no priming event", async () => {
    const sid = await session("2025-06-18");
    const events = await withTimeout(readAll(await post(gw.url, call(6), { "Mcp-Session-Id": sid })), 15000, "the stream");
    assert.ok(events.length >= 2);
    assert.ok(events.every((e) => e.data !== "" && e.id), "no empty-data event; every event has an id");
    assert.equal(seqOf(events[0].id), 1);
    assert.equal(JSON.parse(events.at(-1).data).id, 6);
  });

  test("an event id this replica does not hold opens the GET stream instead", async () => {
    const sid = await session("2025-11-25");
    const priming = await post(gw.url, call(7), { "Mcp-Session-Id": sid });
    const [first] = await withTimeout((async () => {
      for await (const event of sseEvents(priming)) return [event];
    })(), 15000, "the priming event");
    await priming.body.cancel().catch(() => {});
    const [tag] = first.id.split(".");
    const controller = new AbortController();
    const res = await fetch(gw.url, {
      headers: { Accept: "text/event-stream", "Mcp-Session-Id": sid, "Last-Event-ID": `${tag}.elsewhere.3` },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    const [opened] = await withTimeout((async () => {
      for await (const event of sseEvents(res)) return [event];
    })(), 15000, "the GET stream's priming event");
    assert.equal(opened.data, "");
    assert.notEqual(opened.id.split(".")[1], "elsewhere");
    controller.abort();
  });
});
