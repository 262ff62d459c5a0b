// Notifications through the gateway, both ways: progress and log messages from an upstream reach
// the client; a client's cancellation ends the call and leaves the session usable.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import {
  connectGateway,
  firstText,
  makeWorkspace,
  upstreams,
  waitFor,
  waitForTools,
  withGatewayStderr,
  withTimeout,
} from "./helpers.mjs";

describe("notifications through mcpgw (everything)", () => {
  let ws;
  let gw;
  const check = (name, fn, timeout = 20000) =>
    test(name, { timeout }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["everything__echo", "everything__trigger-long-running-operation"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("progress notifications of a long-running tool arrive before its result", async () => {
    const progress = [];
    let resultSeen = false;
    const res = await gw.client.callTool(
      { name: "everything__trigger-long-running-operation", arguments: { duration: 1.5, steps: 5 } },
      undefined,
      {
        onprogress: (p) => {
          if (!resultSeen) progress.push(p);
        },
        timeout: 15000,
      },
    );
    resultSeen = true;
    assert.equal(firstText(res), "Long running operation completed. Duration: 1.5 seconds, Steps: 5.");
    assert.ok(progress.length >= 2, `expected >= 2 progress notifications before the result, got ${JSON.stringify(progress)}`);
    for (const p of progress) assert.equal(p.total, 5, JSON.stringify(p));
    const values = progress.map((p) => p.progress);
    assert.deepEqual(values, [...values].sort((a, b) => a - b), `progress not increasing: ${values}`);
    assert.equal(values[0], 1);
  });

  check("progress of two concurrent calls goes to the right call", async () => {
    const a = [];
    const b = [];
    const [ra, rb] = await Promise.all([
      gw.client.callTool({ name: "everything__trigger-long-running-operation", arguments: { duration: 1.2, steps: 3 } },
        undefined, { onprogress: (p) => a.push(p), timeout: 15000 }),
      gw.client.callTool({ name: "everything__trigger-long-running-operation", arguments: { duration: 1.2, steps: 4 } },
        undefined, { onprogress: (p) => b.push(p), timeout: 15000 }),
    ]);
    assert.match(firstText(ra), /Steps: 3\./);
    assert.match(firstText(rb), /Steps: 4\./);
    assert.ok(a.length >= 2 && a.every((p) => p.total === 3), `call A got ${JSON.stringify(a)}`);
    assert.ok(b.length >= 2 && b.every((p) => p.total === 4), `call B got ${JSON.stringify(b)}`);
  });

  check("aborting a long call rejects it promptly and the gateway stays usable", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("e2e abort")), 300);
    let err;
    try {
      await gw.client.callTool(
        { name: "everything__trigger-long-running-operation", arguments: { duration: 30, steps: 30 } },
        undefined,
        { signal: controller.signal, timeout: 15000 },
      );
    } catch (e) {
      err = e;
    }
    assert.ok(err, "the aborted call resolved");
    assert.ok(Date.now() - started < 5000, "the aborted call did not end promptly");
    const res = await gw.client.callTool({ name: "everything__echo", arguments: { message: "after abort" } });
    assert.equal(firstText(res), "Echo: after abort");
  });

  check("log messages from an upstream reach the client (toggle-simulated-logging)", async () => {
    const messages = [];
    gw.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => messages.push(n.params));
    const res = await gw.client.callTool({ name: "everything__toggle-simulated-logging", arguments: {} });
    assert.match(firstText(res), /^Started simulated/, firstText(res));
    try {
      await waitFor(() => messages.length > 0, 8000, "a notifications/message from everything");
      const m = messages[0];
      assert.ok(["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"].includes(m.level), JSON.stringify(m));
      assert.match(String(m.data), /[Ll]evel[- ]message/, JSON.stringify(m));
    } finally {
      await withTimeout(gw.client.callTool({ name: "everything__toggle-simulated-logging", arguments: {} }), 5000, "toggle logging off")
        .catch(() => {});
    }
  });
});
