// The stdio protocol at the line level, without the SDK: malformed input, JSON-RPC error codes,
// version negotiation, and that stdout never carries anything but JSON-RPC.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RawGateway, gatewayBin, makeWorkspace, stderrTail, upstreams, withTimeout } from "./helpers.mjs";

describe("mcpgw stdio protocol (raw lines)", () => {
  let ws;
  const raws = [];
  const spawnRaw = () => {
    const raw = new RawGateway(ws.configPath);
    raws.push(raw);
    return raw;
  };
  // Runs fn(raw) on a fresh gateway; on failure appends the raw transcript; always closes it.
  const check = (name, fn, timeout = 30000) =>
    test(name, { timeout }, async () => {
      const raw = spawnRaw();
      try {
        await fn(raw);
      } catch (e) {
        throw new Error(`${e.message}\n--- stdout lines ---\n${raw.lines.join("\n")}\n${stderrTail(raw.stderrText)}`, { cause: e });
      } finally {
        await raw.close();
      }
    });

  before(() => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything(), faulty: upstreams.faulty() }));
  });

  after(async () => {
    await Promise.all(raws.map((r) => r.close()));
    ws?.cleanup();
  });

  check("bad JSON gets -32700, non-JSON-RPC gets -32600, and the session stays usable", async (raw) => {
    raw.sendRaw("this is not json {");
    const parseError = await raw.nextNew((m) => m.error?.code === -32700, 15000, "-32700 for a line that is not JSON");
    assert.equal(parseError.id, null);

    raw.sendRaw('{"foo":1}');
    const invalid = await raw.nextNew((m) => "error" in m, 10000, 'an error for {"foo":1}');
    assert.equal(invalid.error.code, -32600, JSON.stringify(invalid));
    assert.equal(invalid.id, null);

    raw.sendRaw("[1,2]");
    const batch = await raw.nextNew((m) => "error" in m, 10000, "an error for [1,2]");
    assert.equal(batch.error.code, -32600, JSON.stringify(batch));
    assert.equal(batch.id, null);

    raw.sendRaw('"just a string"');
    const str = await raw.nextNew((m) => "error" in m, 10000, "an error for a JSON string");
    assert.equal(str.error.code, -32600, JSON.stringify(str));

    raw.sendRaw('{"jsonrpc":"1.0","id":99,"method":"ping"}');
    const v1 = await raw.nextNew((m) => "error" in m || m.id === 99, 10000, "an answer to jsonrpc 1.0");
    assert.equal(v1.error?.code, -32600, JSON.stringify(v1));

    const init = await raw.initialize("2025-11-25", 1);
    assert.ok(init.result, `initialize failed: ${JSON.stringify(init)}`);
    assert.equal(init.result.protocolVersion, "2025-11-25");

    // Still usable after more garbage, mid-session.
    raw.sendRaw("}{");
    const midParse = await raw.nextNew((m) => "error" in m, 10000, "an error for bad JSON mid-session");
    assert.equal(midParse.error.code, -32700, JSON.stringify(midParse));
    await raw.waitForTool("everything__echo");
    const call = await raw.request(2, "tools/call", { name: "everything__echo", arguments: { message: "ok" } }, 20000);
    assert.equal(call.result?.content?.[0]?.text, "Echo: ok", JSON.stringify(call));

    assert.deepEqual(raw.badLines, [], "stdout carried something that is not one JSON-RPC message per line");
  });

  check("every stdout line is a JSON-RPC message, answers carry the caller's ids, notifications get no answer", async (raw) => {
    await raw.initialize("2025-11-25", "init-1");
    const ping0 = await raw.request(0, "ping", {}, 10000);
    assert.deepEqual(ping0.result, {}, JSON.stringify(ping0));
    await raw.waitForTool("everything__echo");
    const strId = await raw.request("abc-é", "tools/list", {}, 20000);
    assert.ok(strId.result?.tools, JSON.stringify(strId));
    const call = await raw.request(3, "tools/call", { name: "everything__echo", arguments: { message: "raw" } }, 20000);
    assert.equal(call.result?.content?.[0]?.text, "Echo: raw", JSON.stringify(call));
    const unknown = await raw.request(4, "no/such/method", {}, 10000);
    assert.equal(unknown.error?.code, -32601, JSON.stringify(unknown));
    // A notification for an unknown method is ignored silently; a ping after it is answered.
    raw.send({ jsonrpc: "2.0", method: "notifications/no-such-thing" });
    const ping5 = await raw.request(5, "ping", undefined, 10000);
    assert.deepEqual(ping5.result, {});
    assert.deepEqual(raw.badLines, [], "non-JSON-RPC output on stdout");
    const responses = raw.messages.filter((m) => "result" in m || "error" in m);
    const ids = responses.map((m) => m.id).filter((id) => !String(id).startsWith("list-"));
    assert.deepEqual([...ids].sort(), ["abc-é", "init-1", 0, 3, 4, 5].sort(),
      `unexpected set of responses: ${JSON.stringify(responses)}`);
  });

  check("a string progress token comes back unchanged on the upstream's progress notifications", async (raw) => {
    await raw.initialize();
    await raw.waitForTool("faulty__slow");
    raw.send({ jsonrpc: "2.0", id: "slow-1", method: "tools/call",
      params: { name: "faulty__slow", arguments: { ms: 300 }, _meta: { progressToken: "tok-é-1" } } });
    const res = await raw.response("slow-1", 15000);
    assert.equal(res.result?.content?.[0]?.text, "slept 300", JSON.stringify(res));
    const progress = raw.messages.filter((m) => m.method === "notifications/progress");
    assert.deepEqual(progress.map((m) => [m.params.progressToken, m.params.progress, m.params.total]),
      [["tok-é-1", 1, 2], ["tok-é-1", 2, 2]]);
    const resIndex = raw.messages.indexOf(res);
    assert.ok(progress.every((m) => raw.messages.indexOf(m) < resIndex), "progress arrived after the result");
  });

  check("an upstream's progress notifications and its result reach stdout in the upstream's order", async (raw) => {
    await raw.initialize();
    await raw.waitForTool("everything__trigger-long-running-operation");
    for (const [id, token] of [[10, 77], [11, "t-11"]]) {
      raw.send({ jsonrpc: "2.0", id, method: "tools/call", params: {
        name: "everything__trigger-long-running-operation", arguments: { duration: 0.8, steps: 4 }, _meta: { progressToken: token } } });
    }
    const [a, b] = await Promise.all([raw.response(10, 15000), raw.response(11, 15000)]);
    for (const [res, token] of [[a, 77], [b, "t-11"]]) {
      assert.match(res.result?.content?.[0]?.text ?? "", /Steps: 4\./, JSON.stringify(res));
      const progress = raw.messages.filter((m) => m.method === "notifications/progress" && m.params.progressToken === token);
      assert.deepEqual(progress.map((m) => m.params.progress), [1, 2, 3, 4], `progress for token ${token}`);
      const at = raw.messages.indexOf(res);
      assert.ok(progress.every((m) => raw.messages.indexOf(m) < at), `a progress notification for ${token} came after its result`);
    }
  });

  check("notifications/cancelled with the caller's string id reaches the upstream, and the cancelled call gets no answer", async (raw) => {
    await raw.initialize();
    await raw.waitForTool("faulty__hang");
    raw.send({ jsonrpc: "2.0", id: "hang-1", method: "tools/call", params: { name: "faulty__hang", arguments: {} } });
    await new Promise((r) => setTimeout(r, 300));
    raw.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "hang-1", reason: "e2e" } });
    let seen = null;
    for (let i = 0; i < 25 && !seen; i++) {
      const lc = await raw.request(`lc-${i}`, "tools/call", { name: "faulty__last_cancelled", arguments: {} }, 10000);
      seen = JSON.parse(lc.result?.content?.[0]?.text ?? "null");
      if (!seen) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(seen, "the upstream never saw notifications/cancelled");
    assert.equal(typeof seen.requestId, "number", JSON.stringify(seen));
    assert.equal(seen.reason, "e2e", "the cancellation reason was not passed on");
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!raw.messages.some((m) => m.id === "hang-1"), "the cancelled request was answered anyway");
  });

  check("initialize with 2024-11-05 gets 2024-11-05 back", async (raw) => {
    const init = await raw.initialize("2024-11-05");
    assert.equal(init.result?.protocolVersion, "2024-11-05", JSON.stringify(init));
  });

  check("initialize with 2025-06-18 gets 2025-06-18 back", async (raw) => {
    const init = await raw.initialize("2025-06-18");
    assert.equal(init.result?.protocolVersion, "2025-06-18", JSON.stringify(init));
  });

  check("initialize with an unknown version gets the latest (2025-11-25) and the gateway's capabilities", async (raw) => {
    const init = await raw.initialize("1999-01-01");
    assert.ok(init.result, JSON.stringify(init));
    assert.equal(init.result.protocolVersion, "2025-11-25");
    assert.equal(init.result.capabilities?.tools?.listChanged, true, JSON.stringify(init.result.capabilities));
    assert.equal(typeof init.result.serverInfo?.name, "string");
    assert.equal(typeof init.result.serverInfo?.version, "string");
  });
});

describe("mcpgw stdio protocol: the message size limit", () => {
  let ws;
  let raw;
  before(() => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }), {
      gateway: { max_message_bytes: 4096 },
    });
    raw = new RawGateway(ws.configPath);
  });
  after(async () => {
    await raw?.close();
    ws?.cleanup();
  });

  test("a line over max_message_bytes gets -32600 and the next request is answered", { timeout: 30000 }, async () => {
    const big = JSON.stringify({ jsonrpc: "2.0", id: 7, method: "ping", params: { pad: "x".repeat(10000) } });
    raw.sendRaw(big);
    const tooLarge = await raw.nextNew((m) => "error" in m, 10000, "an error for an oversized line");
    assert.equal(tooLarge.error.code, -32600, JSON.stringify(tooLarge));
    assert.match(tooLarge.error.message, /exceeds 4096 bytes/);
    const ping = await raw.request(8, "ping", {}, 10000);
    assert.deepEqual(ping.result, {}, JSON.stringify(ping));
    assert.deepEqual(raw.badLines, []);
  });
});

describe("mcpgw stdio protocol: end of input", () => {
  let ws;
  before(() => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
  });
  after(() => ws?.cleanup());

  test("requests written just before end of input are still answered, then the gateway exits 0", { timeout: 60000 }, async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(gatewayBin(), ["--config", ws.configPath], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    const lines = [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "everything__echo", arguments: { message: "last words" } } },
    ];
    child.stdin.end(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const code = await withTimeout(exited, 45000, "gateway exit after end of input");
    const replies = stdout.trim().split("\n").map((l) => JSON.parse(l));
    const echo = replies.find((m) => m.id === 2);
    assert.ok(echo, `no answer to the call; stdout:\n${stdout}\n${stderrTail(stderr)}`);
    assert.equal(echo.result?.content?.[0]?.text, "Echo: last words", JSON.stringify(echo));
    assert.equal(code, 0);
  });
});
