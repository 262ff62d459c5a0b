// GET /metrics end to end: mcpgw --listen in front of server-everything, calls made with keys
// (an allowed one, an unknown tool, a denied one, a rate-limited one), and the exposition text
// checked before and after with a real Prometheus parser (Debian's python3-prometheus-client).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { makeWorkspace, upstreams, waitFor } from "./helpers.mjs";
import { initializeRequest, post, readReply, startHttpGateway } from "./http_helpers.mjs";

const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = { ops: "ops-key-0123", viewer: "viewer-key-4567" };
const auth = (key) => ({ Authorization: `Bearer ${key}` });

// The system python has the package; the one on PATH may not (pyenv).
const PYTHON = "/usr/bin/python3";
const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": s.name,
                        "labels": s.labels, "value": s.value})
print(json.dumps(samples))
`;

/** The samples of an exposition text, as the Python client's parser reads it; throws on any error. */
function parseExposition(text) {
  const run = spawnSync(PYTHON, ["-c", PARSE], { input: text, encoding: "utf8" });
  assert.equal(run.status, 0, `the Prometheus parser refused the text:\n${run.stderr}\n${text}`);
  return JSON.parse(run.stdout);
}

/** The value of the sample `name` whose labels include `labels`; undefined when absent. */
function valueOf(samples, name, labels = {}) {
  const found = samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found?.value;
}

async function scrape(gw, key = KEYS.ops) {
  const res = await fetch(`${gw.base}/metrics`, { headers: auth(key) });
  assert.equal(res.status, 200, "GET /metrics");
  assert.match(res.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

/** The headers of a new session opened with `key` (openSession sends no key after initialize). */
async function sessionHeaders(gw, key) {
  const res = await post(gw.url, initializeRequest(), auth(key));
  assert.equal(res.status, 200, "initialize");
  await res.json();
  const headers = { ...auth(key), "Mcp-Session-Id": res.headers.get("mcp-session-id") };
  const ack = await post(gw.url, { jsonrpc: "2.0", method: "notifications/initialized" }, headers);
  assert.equal(ack.status, 202, "notifications/initialized");
  return headers;
}

const call = (id, name, args = {}) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });

describe("GET /metrics", () => {
  let ws;
  let gw;
  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }), { gateway: { sse_keepalive_ms: 300 } });
    Object.assign(ws.config, {
      keys: [
        { name: "ops", hash: hash(KEYS.ops), rate_limits: [{ server: "everything", tool: "get-sum", rpm: 1 }] },
        { name: "viewer", hash: hash(KEYS.viewer) },
      ],
      policies: { ops: { default: "execute" }, viewer: { default: "read" } },
      permissions: { default: "deny", keys: { ops: "ops", viewer: "viewer" } },
    });
    fs.writeFileSync(ws.configPath, JSON.stringify(ws.config, null, 2));
    gw = await startHttpGateway(ws.configPath);
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  test("needs a key when keys are configured", async () => {
    const res = await fetch(`${gw.base}/metrics`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /Bearer/);
    assert.equal((await fetch(`${gw.base}/metrics`, { headers: auth("wrong") })).status, 401);
  });

  test("parses as Prometheus text, names every family, and its counters move with calls", { timeout: 60000 }, async () => {
    // The upstream is ready once the gateway has connected to it.
    const first = await waitFor(async () => {
      const samples = await scrape(gw, KEYS.viewer);
      return valueOf(samples, "mcpgw_upstream_up", { server: "everything" }) === 1 && samples;
    }, 30000, "everything is up in /metrics");
    assert.equal(valueOf(first, "mcpgw_upstream_state", { server: "everything", state: "ready" }), 1);
    assert.equal(valueOf(first, "mcpgw_upstream_restarts_total", { server: "everything" }), 0);
    const before = {
      ok: valueOf(first, "mcpgw_requests_total", { method: "tools/call", outcome: "ok" }) ?? 0,
      toolCalls: valueOf(first, "mcpgw_tool_call_duration_seconds_count", { server: "everything" }),
      received: valueOf(first, "mcpgw_bytes_received_total", { transport: "streamable_http" }),
      sent: valueOf(first, "mcpgw_bytes_sent_total", { transport: "streamable_http" }),
    };

    const ops = await sessionHeaders(gw, KEYS.ops);
    const viewer = await sessionHeaders(gw, KEYS.viewer);
    const echoed = await readReply(await post(gw.url, call(2, "everything__echo", { message: "hi" }), ops));
    assert.ok(echoed.result, JSON.stringify(echoed));
    const unknown = await readReply(await post(gw.url, call(3, "everything__no-such-tool"), ops));
    assert.equal(unknown.error?.code, -32602);
    const denied = await readReply(await post(gw.url, call(4, "everything__echo", { message: "hi" }), viewer));
    assert.equal(denied.error?.code, -32003);
    const sum = await readReply(await post(gw.url, call(5, "everything__get-sum", { a: 1, b: 2 }), ops));
    assert.ok(sum.result, JSON.stringify(sum));
    const limited = await post(gw.url, call(6, "everything__get-sum", { a: 1, b: 2 }), ops);
    assert.equal(limited.status, 429);
    assert.equal((await readReply(limited)).error?.code, -32004);

    const now = await scrape(gw);
    const families = new Set(now.map((s) => s.family));
    for (const family of [
      "mcpgw_requests", "mcpgw_tool_call_duration_seconds", "mcpgw_upstream_up", "mcpgw_upstream_state",
      "mcpgw_upstream_restarts", "mcpgw_permission_denials", "mcpgw_rate_limited", "mcpgw_sessions_open",
      "mcpgw_calls_in_flight", "mcpgw_bytes_received", "mcpgw_bytes_sent",
    ]) {
      assert.ok(families.has(family), `family ${family} in ${[...families].join(", ")}`);
    }
    const requests = (outcome) => valueOf(now, "mcpgw_requests_total", { method: "tools/call", outcome });
    assert.equal(requests("ok"), before.ok + 2);
    assert.equal(requests("invalid_params"), 1);
    assert.equal(requests("denied"), 1);
    assert.equal(requests("rate_limited"), 1);
    assert.ok(valueOf(now, "mcpgw_requests_total", { method: "initialize", outcome: "ok" }) >= 2);
    assert.equal(valueOf(now, "mcpgw_permission_denials_total", { server: "everything" }), 1);
    assert.equal(valueOf(now, "mcpgw_rate_limited_total", { server: "everything" }), 1);
    assert.equal(valueOf(now, "mcpgw_tool_call_duration_seconds_count", { server: "everything" }), before.toolCalls + 2);
    assert.equal(valueOf(now, "mcpgw_tool_call_duration_seconds_bucket", { server: "everything", le: "+Inf" }), before.toolCalls + 2);
    assert.ok(valueOf(now, "mcpgw_tool_call_duration_seconds_sum", { server: "everything" }) > 0);
    assert.equal(valueOf(now, "mcpgw_calls_in_flight", { server: "everything" }), 0);
    assert.ok(valueOf(now, "mcpgw_sessions_open", { transport: "streamable_http" }) >= 2);
    assert.ok(valueOf(now, "mcpgw_bytes_received_total", { transport: "streamable_http" }) > before.received);
    assert.ok(valueOf(now, "mcpgw_bytes_sent_total", { transport: "streamable_http" }) > before.sent);
  });

  test("a legacy SSE session and its streamed bytes are counted", { timeout: 30000 }, async () => {
    const before = await scrape(gw);
    const controller = new AbortController();
    const stream = await fetch(`${gw.base}/sse`, { headers: { Accept: "text/event-stream", ...auth(KEYS.ops) }, signal: controller.signal });
    assert.equal(stream.status, 200);
    const reader = stream.body.getReader();
    await reader.read();  // the endpoint event
    try {
      const during = await scrape(gw);
      assert.equal(valueOf(during, "mcpgw_sessions_open", { transport: "sse" }), valueOf(before, "mcpgw_sessions_open", { transport: "sse" }) + 1);
      assert.ok(valueOf(during, "mcpgw_bytes_sent_total", { transport: "sse" }) > valueOf(before, "mcpgw_bytes_sent_total", { transport: "sse" }));
    } finally {
      controller.abort();
    }
    await waitFor(async () => valueOf(await scrape(gw), "mcpgw_sessions_open", { transport: "sse" }) === valueOf(before, "mcpgw_sessions_open", { transport: "sse" }), 10000, "the SSE session is closed");
  });
});
