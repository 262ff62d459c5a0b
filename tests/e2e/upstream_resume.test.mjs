// Resumable streams, upstream: the MCP project's conformance reference server closes the POST
// stream of `test_reconnection` right after its priming event (SSE polling) and sends the result
// on the stream the client resumes with GET and Last-Event-ID, after its `retry` (5 s). Through
// the gateway the result must arrive well before the call's timeout. The reference runs on the SDK
// this repository pins: its own pinned SDK loses that result unless the client reconnects within
// 100 ms, before the server's own `retry` has passed (see reference_server.mjs).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connectGateway, firstText, makeWorkspace, waitForTools, withGatewayStderr } from "./helpers.mjs";
import { connectHttpClient, startHttpGateway } from "./http_helpers.mjs";
import { referenceServerMissing, startReferenceServer } from "./reference_server.mjs";

const TIMEOUT_MS = 30000;
const missing = referenceServerMissing();

describe("an upstream stream closed before its response is resumed", { skip: missing ?? false }, () => {
  let reference;
  let ws;
  let stdio;
  let httpGateway;
  let http;

  before(async () => {
    reference = await startReferenceServer({ repositorySdk: true });
    ws = makeWorkspace(() => ({ ref: { type: "http", url: reference.url, timeout_ms: TIMEOUT_MS } }));
    stdio = await connectGateway(ws.configPath);
    httpGateway = await startHttpGateway(ws.configPath);
    http = await connectHttpClient(httpGateway);
    await withGatewayStderr(() => stdio, () => waitForTools(stdio.client, ["ref__test_reconnection"], 40000));
  }, { timeout: 420000 });  // the first run installs the reference server (npm ci)

  after(async () => {
    await stdio?.close();
    await http?.close();
    httpGateway?.kill();
    await reference?.stop();
    ws?.cleanup();
  });

  for (const [label, gateway] of [["stdio", () => stdio], ["Streamable HTTP", () => http]]) {
    test(`test_reconnection answers through the gateway (client over ${label})`, async () => {
      const started = Date.now();
      const result = await withGatewayStderr(() => (label === "stdio" ? stdio : httpGateway), () =>
        gateway().client.callTool({ name: "ref__test_reconnection", arguments: {} }, undefined, { timeout: TIMEOUT_MS + 5000 }));
      const elapsed = Date.now() - started;
      assert.match(firstText(result), /Reconnection test completed successfully/);
      assert.ok(elapsed < TIMEOUT_MS / 2, `answered after ${elapsed} ms, the timeout is ${TIMEOUT_MS} ms`);
    }, { timeout: TIMEOUT_MS + 10000 });
  }

  test("calls that need no resuming still answer at once", async () => {
    const result = await stdio.client.callTool({ name: "ref__test_simple_text", arguments: {} });
    assert.ok(firstText(result).length > 0);
  });
});

if (missing) test("the conformance reference server is available", { skip: missing }, () => {});
