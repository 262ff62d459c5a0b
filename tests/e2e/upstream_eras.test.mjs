// Each upstream spoken to in its own protocol era, for a legacy client (the v1 SDK client over
// stdio, answering elicitation and sampling): the conformance suite's `next` reference server over
// Streamable HTTP and the v2 SDK fixture over stdio and HTTP are modern (found by the
// server/discover probe): their input_required results are answered through the client, and the
// fixture's list changes and resource updates come on its subscriptions/listen stream.
// server-everything is legacy: "auto" falls back to initialize, "legacy" skips the probe, and
// "modern" against it fails with an error that says so.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import {
  ROOT,
  connectGateway,
  firstText,
  listAllTools,
  makeWorkspace,
  runCli,
  stderrTail,
  upstreams,
  waitFor,
  waitForTools,
  withTimeout,
} from "./helpers.mjs";
import { referenceServerMissing, startReferenceServer } from "./reference_server.mjs";
import { startFixture } from "./upstream_helpers.mjs";

const MODERN_SERVER = path.join(ROOT, "tests/fixtures/modern_server.mjs");
const NAME = "Ada-3f9e";
const SAMPLED = "mcpgw-sampled-77c1";
const CALL_MS = 20000;

/** The v1 SDK client through the gateway, answering elicitation with NAME and sampling with SAMPLED. */
async function connectAnswering(configPath) {
  const asked = { elicitation: [], sampling: [], updated: [] };
  const gw = await connectGateway(configPath, {
    clientOptions: { capabilities: { elicitation: { form: {} }, sampling: {} } },
  });
  gw.client.setRequestHandler(ElicitRequestSchema, (request) => {
    asked.elicitation.push(request.params);
    return { action: "accept", content: { name: NAME } };
  });
  gw.client.setRequestHandler(CreateMessageRequestSchema, (request) => {
    asked.sampling.push(request.params);
    return { model: "mcpgw-test-model", role: "assistant", stopReason: "endTurn",
      content: { type: "text", text: SAMPLED } };
  });
  gw.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => asked.updated.push(n.params.uri));
  return { ...gw, asked };
}

const call = (gw, name, args = {}) =>
  withTimeout(gw.client.callTool({ name, arguments: args }), CALL_MS, `tools/call ${name}`);

describe("upstreams spoken to in their own era, from a legacy client", () => {
  let reference;
  let modernHttp;
  let ws;
  let gw;
  const referenceMissing = referenceServerMissing("next");

  before(async () => {
    if (!referenceMissing) reference = await startReferenceServer({ which: "next" });
    modernHttp = await startFixture(MODERN_SERVER, {}, ["--http", "0"]);
    ws = makeWorkspace(() => ({
      modern: { command: "node", args: [MODERN_SERVER] },
      modern_http: { type: "http", url: `${modernHttp.base}/mcp` },
      ...(reference ? { reference: { type: "http", url: reference.url } } : {}),
      legacy_auto: upstreams.everything(),
      legacy_fixed: upstreams.everything({ era: "legacy" }),
      wrong: upstreams.everything({ era: "modern" }),
    }));
    gw = await connectAnswering(ws.configPath);
    await waitForTools(gw.client, ["modern__echo", "modern_http__echo", "legacy_auto__echo", "legacy_fixed__echo",
      ...(reference ? ["reference__test_input_required_result_elicitation"] : [])], 40000);
  }, { timeout: 180000 });

  after(async () => {
    await gw?.close();
    await reference?.stop();
    await modernHttp?.stop();
    ws?.cleanup();
  });

  const check = (name, fn, timeout = 60000) => test(name, { timeout }, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      throw new Error(`${e.message}\n${stderrTail(gw.stderr(), 60)}`, { cause: e });
    }
  });

  check("the probe finds each server's era, and logs it", async () => {
    const log = gw.stderr();
    assert.match(log, /\[modern\] era: modern \(2026-07-28\)/);
    assert.match(log, /\[modern_http\] era: modern \(2026-07-28\)/);
    assert.match(log, /\[legacy_auto\] era: legacy/);
    assert.doesNotMatch(log, /\[legacy_fixed\] era:/, "era legacy sends no probe");
    assert.match(log, /\[wrong\] is configured "era": "modern" but did not answer as a modern server/);
    const tools = (await listAllTools(gw.client)).map((t) => t.name);
    assert.ok(!tools.some((t) => t.startsWith("wrong__")), "a server that failed its era offers nothing");
  });

  for (const server of ["modern", "modern_http"]) {
    check(`${server}: a plain call, and input_required answered through the client's elicitation and sampling`, async () => {
      assert.equal(firstText(await call(gw, `${server}__echo`, { text: "plain" })), "plain");
      const before = gw.asked.elicitation.length;
      assert.equal(firstText(await call(gw, `${server}__ask_name`)), `hello ${NAME}`);
      assert.equal(gw.asked.elicitation.length, before + 1);
      assert.equal(gw.asked.elicitation.at(-1).message, "What is your name?");
      assert.equal(firstText(await call(gw, `${server}__ask_model`)), SAMPLED);
    });

    check(`${server}: a tool added upstream reaches the client through the listen stream`, async () => {
      const added = firstText(await call(gw, `${server}__add_tool`));
      assert.match(added, /^added_\d+$/);
      await waitForTools(gw.client, [`${server}__${added}`], 20000);
    });
  }

  check("modern: a resource subscription is carried on the listen stream", async () => {
    const uri = "modern://greeting";
    assert.deepEqual(await gw.client.subscribeResource({ uri }), {});
    // The listen stream is reopened with the URI; touch until an update arrives (bounded).
    await waitFor(async () => {
      await call(gw, "modern__touch_greeting");
      return gw.asked.updated.includes(uri);
    }, 15000, "notifications/resources/updated for modern://greeting", 500);
  });

  check("the reference server's input_required tools work through the client", async (t) => {
    if (!reference) return t.skip(referenceMissing);
    const hello = await call(gw, "reference__test_input_required_result_elicitation");
    assert.equal(firstText(hello), `Hello, ${NAME}!`);
    const sampled = await call(gw, "reference__test_input_required_result_sampling");
    assert.equal(firstText(sampled), `Sampling result: ${SAMPLED}`);
  });

  check("legacy servers still work, probed or not", async () => {
    assert.equal(firstText(await call(gw, "legacy_auto__echo", { message: "a" })), "Echo: a");
    assert.equal(firstText(await call(gw, "legacy_fixed__echo", { message: "b" })), "Echo: b");
  });

  check("check --connect names each server's era, and why one is not ready", async () => {
    const { stdout } = await runCli(["check", "--config", ws.configPath, "--connect"], { timeoutMs: 60000 });
    assert.match(stdout, /server 'modern': ready, modern era \(2026-07-28\)/);
    assert.match(stdout, /server 'legacy_fixed': ready, legacy era \(2025-11-25\)/);
    assert.match(stdout, /server 'wrong' is not ready \(.*"era": "modern"/);
  });
});
