// Faults: cancellation forwarded upstream, an upstream that crashes mid-call (and is restarted),
// an upstream that never answers (timeout), upstreams that never start, and clean shutdown on
// EOF or SIGTERM. Uses tests/fixtures/faulty_server.mjs next to the real everything server.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  RawGateway,
  connectGateway,
  descendants,
  expectMcpError,
  firstText,
  listAllTools,
  makeWorkspace,
  processAlive,
  sleep,
  stderrTail,
  upstreams,
  waitFor,
  waitForTools,
  withGatewayStderr,
  withTimeout,
} from "./helpers.mjs";

const lastCancelled = async (client) =>
  JSON.parse(firstText(await client.callTool({ name: "faulty__last_cancelled", arguments: {} })));

describe("faults with everything + faulty (default timeout)", () => {
  let ws;
  let gw;
  const check = (name, fn, timeout = 30000) =>
    test(name, { timeout }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything(), faulty: upstreams.faulty() }));
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["everything__echo", "faulty__echo", "faulty__hang"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("faulty tools are listed namespaced with their schemas", async () => {
    const tools = await listAllTools(gw.client);
    const faulty = tools.filter((t) => t.name.startsWith("faulty__")).map((t) => t.name).sort();
    assert.deepEqual(faulty, ["faulty__crash", "faulty__echo", "faulty__hang", "faulty__last_cancelled", "faulty__slow"]);
    const echo = tools.find((t) => t.name === "faulty__echo");
    assert.deepEqual(echo.inputSchema.required, ["text"]);
  });

  check("cancelling faulty__hang forwards notifications/cancelled upstream with the upstream's id", async () => {
    assert.equal(await lastCancelled(gw.client), null, "fixture saw a cancellation before the test");
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("e2e cancel")), 300);
    const started = Date.now();
    let err;
    try {
      await gw.client.callTool({ name: "faulty__hang", arguments: {} }, undefined, { signal: controller.signal, timeout: 15000 });
    } catch (e) {
      err = e;
    }
    assert.ok(err, "the aborted call resolved");
    assert.ok(Date.now() - started < 5000, "the abort did not end the call promptly");
    const seen = await waitFor(async () => await lastCancelled(gw.client), 5000, "the fixture to see notifications/cancelled");
    assert.equal(typeof seen.requestId, "number", `upstream requestId should be the gateway's numeric upstream id: ${JSON.stringify(seen)}`);
    // The gateway stays usable, on both upstreams.
    assert.equal(firstText(await gw.client.callTool({ name: "faulty__echo", arguments: { text: "after cancel" } })), "after cancel");
    assert.equal(firstText(await gw.client.callTool({ name: "everything__echo", arguments: { message: "x" } })), "Echo: x");
  });

  check("50 concurrent faulty__slow calls with random delays each get their own answer", async () => {
    const delays = Array.from({ length: 50 }, () => 10 + Math.floor(Math.random() * 400));
    const results = await withTimeout(
      Promise.all(delays.map((ms) => gw.client.callTool({ name: "faulty__slow", arguments: { ms } }))),
      20000,
      "50 concurrent faulty__slow calls",
    );
    assert.deepEqual(results.map(firstText), delays.map((ms) => `slept ${ms}`));
  });

  check("a slow call does not block a fast one on another upstream", async () => {
    const slow = gw.client.callTool({ name: "faulty__slow", arguments: { ms: 2500 } });
    const started = Date.now();
    const fast = await gw.client.callTool({ name: "everything__echo", arguments: { message: "fast" } });
    assert.equal(firstText(fast), "Echo: fast");
    assert.ok(Date.now() - started < 2000, `the fast call waited ${Date.now() - started} ms behind the slow one`);
    assert.equal(firstText(await slow), "slept 2500");
  });

  check("faulty__crash fails with -32001 {server}, in-flight calls fail too, everything keeps working, faulty comes back", async () => {
    const inflight = gw.client.callTool({ name: "faulty__hang", arguments: {} }, undefined, { timeout: 20000 })
      .then((r) => ({ result: r }), (e) => ({ error: e }));
    await sleep(200);
    const started = Date.now();
    const crash = gw.client.callTool({ name: "faulty__crash", arguments: {} }, undefined, { timeout: 20000 });
    const echo = gw.client.callTool({ name: "everything__echo", arguments: { message: "during crash" } });
    const err = await expectMcpError(crash, -32001, "faulty__crash");
    assert.ok(Date.now() - started < 5000, `the crash was reported only after ${Date.now() - started} ms`);
    assert.equal(err.data?.server, "faulty", `error data should name the server: ${JSON.stringify(err.data)}`);
    assert.equal(firstText(await echo), "Echo: during crash");
    const hung = await withTimeout(inflight, 5000, "the in-flight faulty__hang to fail after the crash");
    assert.ok(hung.error, `in-flight call on the crashed upstream resolved: ${JSON.stringify(hung.result)}`);
    assert.equal(hung.error.code, -32001, `in-flight call: ${hung.error.message}`);
    // Restarted with backoff: faulty__echo works again within ~10 s.
    const back = await waitFor(async () => {
      const r = await gw.client.callTool({ name: "faulty__echo", arguments: { text: "back" } }, undefined, { timeout: 3000 });
      return firstText(r) === "back";
    }, 12000, "faulty__echo to work again after the crash", 300);
    assert.ok(back);
    assert.equal(firstText(await gw.client.callTool({ name: "everything__echo", arguments: { message: "y" } })), "Echo: y");
  });
});

describe("timeouts (faulty with timeout_ms 1000)", () => {
  let ws;
  let gw;
  const check = (name, fn, timeout = 30000) =>
    test(name, { timeout }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    ws = makeWorkspace(() => ({ faulty: upstreams.faulty({ timeout_ms: 1000 }) }));
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["faulty__hang"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("faulty__hang fails with -32002 {server, timeout_ms} and the upstream gets notifications/cancelled", async () => {
    const started = Date.now();
    const err = await expectMcpError(
      gw.client.callTool({ name: "faulty__hang", arguments: {} }, undefined, { timeout: 15000 }),
      -32002,
      "faulty__hang with timeout_ms 1000",
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 5000, `timed out after ${elapsed} ms, expected about 1000`);
    assert.equal(err.data?.server, "faulty", JSON.stringify(err.data));
    assert.equal(err.data?.timeout_ms, 1000, JSON.stringify(err.data));
    const seen = await waitFor(async () => await lastCancelled(gw.client), 5000, "the fixture to see notifications/cancelled");
    assert.equal(typeof seen.requestId, "number", JSON.stringify(seen));
  });

  check("calls within the timeout still work after a timeout", async () => {
    const r = await gw.client.callTool({ name: "faulty__slow", arguments: { ms: 300 } });
    assert.equal(firstText(r), "slept 300");
    assert.equal(firstText(await gw.client.callTool({ name: "faulty__echo", arguments: { text: "ok" } })), "ok");
  });
});

describe("upstreams that never start", () => {
  let ws;
  let gw;

  before(() => {
    ws = makeWorkspace(() => ({
      everything: upstreams.everything(),
      broken: { command: "node", args: [upstreams.faulty().args[0], "--crash-on-start"] },
      missing: { command: "/nonexistent/mcp-server-e2e" },
    }), { gateway: { startup_timeout_ms: 5000 } });
  });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  test("do not take the gateway down: the others are served and the broken ones list nothing", { timeout: 45000 }, async () => {
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, async () => {
      await waitForTools(gw.client, ["everything__echo"]);
      assert.equal(firstText(await gw.client.callTool({ name: "everything__echo", arguments: { message: "alive" } })), "Echo: alive");
      const names = (await listAllTools(gw.client)).map((t) => t.name);
      assert.ok(!names.some((n) => n.startsWith("broken__") || n.startsWith("missing__")), JSON.stringify(names));
      let err;
      try {
        await gw.client.callTool({ name: "broken__echo", arguments: { text: "x" } }, undefined, { timeout: 10000 });
      } catch (e) {
        err = e;
      }
      // The server is configured but not connected: its outage, not an unknown tool.
      assert.equal(err?.code, -32001, `broken__echo: expected -32001, got ${err?.code}: ${err?.message}`);
      assert.equal(err?.data?.server, "broken");
      let unknown;
      try {
        await gw.client.callTool({ name: "nosuchserver__echo", arguments: {} }, undefined, { timeout: 10000 });
      } catch (e) {
        unknown = e;
      }
      assert.equal(unknown?.code, -32602, `nosuchserver__echo: ${unknown?.message}`);
    });
  });
});

describe("shutdown", () => {
  let ws;
  const raws = [];

  before(() => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything(), faulty: upstreams.faulty() }));
  });

  after(async () => {
    await Promise.all(raws.map((r) => r.close()));
    ws?.cleanup();
  });

  // Starts a raw gateway, initializes, waits until both upstreams answer, returns it and its children.
  async function startServing() {
    const raw = new RawGateway(ws.configPath);
    raws.push(raw);
    await raw.initialize();
    await raw.waitForTool("faulty__echo");
    await raw.waitForTool("everything__echo");
    const a = await raw.request("echo-1", "tools/call", { name: "faulty__echo", arguments: { text: "hi" } }, 15000);
    assert.equal(a.result?.content?.[0]?.text, "hi", JSON.stringify(a));
    const b = await raw.request("echo-2", "tools/call", { name: "everything__echo", arguments: { message: "hi" } }, 15000);
    assert.equal(b.result?.content?.[0]?.text, "Echo: hi", JSON.stringify(b));
    const kids = descendants(raw.child.pid);
    assert.ok(kids.length >= 2, `expected the two upstream processes under the gateway, found ${JSON.stringify(kids)}`);
    return { raw, kids };
  }

  async function expectGone(raw, kids) {
    try {
      await waitFor(() => kids.every((pid) => !processAlive(pid)), 5000, "upstream processes to exit");
    } catch (e) {
      const alive = kids.filter(processAlive);
      throw new Error(`${e.message}; still alive: ${JSON.stringify(alive)}\n${stderrTail(raw.stderrText)}`, { cause: e });
    }
  }

  test("EOF on stdin: the gateway exits 0 within a few seconds and its upstreams are gone", { timeout: 60000 }, async () => {
    const { raw, kids } = await startServing();
    raw.endInput();
    const exit = await withTimeout(raw.exit, 5000, `gateway exit after EOF\n${stderrTail(raw.stderrText)}`);
    assert.deepEqual(exit, { code: 0, signal: null }, stderrTail(raw.stderrText));
    await expectGone(raw, kids);
    assert.deepEqual(raw.badLines, []);
  });

  test("SIGTERM: the gateway exits within a few seconds and its upstreams are gone", { timeout: 60000 }, async () => {
    const { raw, kids } = await startServing();
    raw.child.kill("SIGTERM");
    const exit = await withTimeout(raw.exit, 5000, `gateway exit after SIGTERM\n${stderrTail(raw.stderrText)}`);
    assert.ok(exit.code === 0 || exit.signal === "SIGTERM" || exit.code === 143, `unexpected exit ${JSON.stringify(exit)}`);
    await expectGone(raw, kids);
  });
});

describe("upstream quirks (fixture flags)", () => {
  let ws;
  let gw;
  const check = (name, fn, timeout = 30000) =>
    test(name, { timeout }, () => withGatewayStderr(() => gw, fn));
  const flagged = (...flags) => ({ command: "node", args: [upstreams.faulty().args[0], ...flags] });

  before(async () => {
    ws = makeWorkspace(() => ({
      paged: flagged("--paginate"),
      early: flagged("--notify-before-init"),
      changing: flagged("--list-changed"),
    }));
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["early__echo"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("an upstream that pages tools/list has all its pages merged", async () => {
    await waitForTools(gw.client, ["paged__echo"], 10000);
    const names = (await listAllTools(gw.client)).map((t) => t.name).filter((n) => n.startsWith("paged__")).sort();
    assert.deepEqual(names, ["paged__crash", "paged__echo", "paged__hang", "paged__last_cancelled", "paged__slow"]);
  });

  check("an upstream that sends a notification before its initialize reply still works", async () => {
    const r = await gw.client.callTool({ name: "early__echo", arguments: { text: "early bird" } });
    assert.equal(firstText(r), "early bird");
  });

  check("a tool an upstream adds later (tools/list_changed) appears in the merged list", async () => {
    await waitForTools(gw.client, ["changing__added", "changing__echo"], 10000);
  });
});
