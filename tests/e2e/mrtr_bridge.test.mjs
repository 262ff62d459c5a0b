// Modern clients (2026-07-28) in front of a legacy upstream (README "Input required (modern
// clients)"): server-everything over stdio asks for sampling, elicitation and roots with requests
// of its own; a modern client takes none, so the gateway answers its call with input_required,
// holds the upstream call, and the client's retry (inputResponses + requestState) brings the
// answers back to the server. Raw JSON-RPC with the modern _meta, over HTTP and over stdio.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client as ClientV2, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { ROOT, RawGateway, makeWorkspace, sleep, stderrTail, upstreams, withTimeout } from "./helpers.mjs";
import { post, readReply, startHttpGateway } from "./http_helpers.mjs";

const MODERN = "2026-07-28";
// The v2 SDK fixture: a modern server whose tools answer input_required themselves.
const MODERN_SERVER = path.join(ROOT, "tests/fixtures/modern_server.mjs");
const SERVERS = () => ({ everything: upstreams.everything(), modern: { command: "node", args: [MODERN_SERVER] } });
const CAPABILITIES = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } };
const meta = (capabilities = CAPABILITIES) => ({
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": capabilities,
  "io.modelcontextprotocol/clientInfo": { name: "mrtr-e2e", version: "1.0.0" },
});
const SAMPLED = "mcpgw-mrtr-sampled-51c2";
const NAMED = "mcpgw-mrtr-named-9e07";
const ROOT_URI = "file:///mcpgw-mrtr-root-33aa";
const HOLD_MS = 4000;
const CALL_MS = 20000;

const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = { alpha: "alpha-mrtr-key-0123", beta: "beta-mrtr-key-4567" };
const ACCESS = {
  keys: Object.keys(KEYS).map((name) => ({ name, hash: hash(KEYS[name]) })),
  policies: { user: { default: "execute" } },
  permissions: { default: "deny", keys: { alpha: "user", beta: "user" } },
};

const text = (result) => (result?.content ?? []).map((c) => c.text ?? "").join("\n");
const tool = (name) => `everything__${name}`;
const callParams = (name, args = {}, capabilities = CAPABILITIES, server = "everything") => ({
  name: `${server}__${name}`, arguments: args, _meta: meta(capabilities),
});
const retryParams = (params, inputResponses, requestState) => ({ ...params, inputResponses, requestState });

// The one entry of an input_required result's inputRequests, checked.
function onlyInput(reply, method) {
  assert.equal(reply.result?.resultType, "input_required", JSON.stringify(reply));
  assert.equal(typeof reply.result.requestState, "string", JSON.stringify(reply));
  const entries = Object.entries(reply.result.inputRequests ?? {});
  assert.equal(entries.length, 1, JSON.stringify(reply));
  const [key, request] = entries[0];
  assert.equal(request.method, method, JSON.stringify(reply));
  return { key, request, state: reply.result.requestState };
}

function refusedState(reply, pattern) {
  assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
  assert.match(reply.error.message, /^Invalid params: requestState/);
  assert.match(reply.error.message, pattern);
}

// Lists tools (bounded) until both upstreams' tools are there: they start with the gateway.
async function waitForTool(send) {
  let list;
  for (let i = 0; i < 100; i++) {
    list = await send(`list-${i}`, "tools/list", { _meta: meta() });
    const names = (list.result?.tools ?? []).map((t) => t.name);
    if (names.includes(tool("trigger-elicitation-request")) && names.includes("modern__ask_name")) return;
    await sleep(200);
  }
  throw new Error(`the tools never came: ${JSON.stringify(list)}`);
}

// The scenarios both transports run; send(id, method, params, key?) resolves to the reply.
function scenarios(getSend, getStderr) {
  let next = 0;
  const id = (label) => `${label}-${++next}`;
  const call = async (label, params, key) => {
    try {
      return await getSend()(id(label), "tools/call", params, key);
    } catch (e) {
      throw new Error(`${label}: ${e.message}\n${stderrTail(getStderr())}`, { cause: e });
    }
  };

  test("elicitation: input_required, then the retry's response reaches the server", { timeout: 60000 }, async () => {
    const params = callParams("trigger-elicitation-request");
    const asked = onlyInput(await call("elicit", params), "elicitation/create");
    assert.match(asked.key, /^elicitation-/);
    assert.ok(asked.request.params.requestedSchema, "the server's schema reaches the client");
    const done = await call("elicit-retry",
      retryParams(params, { [asked.key]: { action: "accept", content: { name: NAMED } } }, asked.state));
    assert.equal(done.result?.resultType ?? "complete", "complete", JSON.stringify(done));
    assert.match(text(done.result), new RegExp(NAMED), JSON.stringify(done));
  });

  test("sampling: input_required, then the retry's response reaches the server", { timeout: 60000 }, async () => {
    const params = callParams("trigger-sampling-request", { prompt: "say it", maxTokens: 9 });
    const asked = onlyInput(await call("sample", params), "sampling/createMessage");
    assert.equal(asked.request.params.maxTokens, 9);
    const done = await call("sample-retry", retryParams(params, {
      [asked.key]: { model: "m", role: "assistant", content: { type: "text", text: SAMPLED } },
    }, asked.state));
    assert.match(text(done.result), new RegExp(SAMPLED), JSON.stringify(done));
  });

  test("a state is used once, and never for other params", { timeout: 60000 }, async () => {
    const params = callParams("trigger-sampling-request", { prompt: "once", maxTokens: 5 });
    const asked = onlyInput(await call("once", params), "sampling/createMessage");
    const other = callParams("trigger-sampling-request", { prompt: "other", maxTokens: 5 });
    refusedState(await call("other-params", retryParams(other, {}, asked.state)), /differ/);
    const tampered = asked.state.slice(0, -2) + (asked.state.endsWith("AA") ? "BB" : "AA");
    refusedState(await call("tampered", retryParams(params, {}, tampered)), /verification/);
    const answer = { [asked.key]: { model: "m", role: "assistant", content: { type: "text", text: SAMPLED } } };
    const done = await call("once-retry", retryParams(params, answer, asked.state));
    assert.match(text(done.result), new RegExp(SAMPLED), JSON.stringify(done));
    refusedState(await call("replay", retryParams(params, answer, asked.state)),
      /no longer holds .*retry the original request without inputResponses and requestState/);
  });

  test("a modern upstream's input_required passes through, its state sealed by the gateway", { timeout: 60000 }, async () => {
    const params = callParams("ask_name", {}, CAPABILITIES, "modern");
    const asked = onlyInput(await call("modern", params), "elicitation/create");
    assert.equal(asked.key, "name", "the server's own key");
    const answer = { name: { action: "accept", content: { name: NAMED } } };
    const other = callParams("ask_name", { extra: 1 }, CAPABILITIES, "modern");
    refusedState(await call("modern-other", retryParams(other, answer, asked.state)), /differ/);
    const done = await call("modern-retry", retryParams(params, answer, asked.state));
    assert.equal(text(done.result), `hello ${NAMED}`, JSON.stringify(done));
    // Nothing was held: the same state may come back (the server decides what it means).
    const again = await call("modern-again", retryParams(params, answer, asked.state));
    assert.equal(text(again.result), `hello ${NAMED}`, JSON.stringify(again));
  });

  test("a client without the capability is never asked: the server hears no at once", { timeout: 60000 }, async () => {
    const reply = await call("no-caps", callParams("trigger-elicitation-request", {}, {}));
    assert.notEqual(reply.result?.resultType, "input_required", JSON.stringify(reply));
    // server-everything reports the refused request as its call's failure.
    assert.ok(reply.error || reply.result?.isError, JSON.stringify(reply));
    // A modern upstream's input request for it: the client is told what it lacks.
    const modern = await call("no-caps-modern", callParams("ask_name", {}, { sampling: {} }, "modern"));
    assert.equal(modern.error?.code, -32021, JSON.stringify(modern));
    // The client's own capabilities reach the server, which names what it lacks itself.
    assert.ok(modern.error.data?.requiredCapabilities?.elicitation, JSON.stringify(modern));
  });

  test("a held call nobody comes back for expires: the server gets an error, the state is refused", { timeout: 60000 }, async () => {
    const params = callParams("trigger-elicitation-request");
    const asked = onlyInput(await call("expire", params), "elicitation/create");
    await sleep(HOLD_MS + 1000);
    const late = await call("expire-retry",
      retryParams(params, { [asked.key]: { action: "accept", content: { name: NAMED } } }, asked.state));
    assert.equal(late.error?.code, -32602, JSON.stringify(late));
    assert.match(getStderr(), /expired: the client did not come back with input within 4000 ms/);
    // The gateway and the upstream go on: a fresh call works.
    const fresh = onlyInput(await call("after-expiry", params), "elicitation/create");
    const done = await call("after-expiry-retry",
      retryParams(params, { [fresh.key]: { action: "accept", content: { name: NAMED } } }, fresh.state));
    assert.match(text(done.result), new RegExp(NAMED), JSON.stringify(done));
  });
}

// Two replicas sharing a session secret: each can open the other's requestState.
const SHARED_SECRET = { MCPGW_SESSION_SECRET: "mrtr-e2e-shared-secret-0123456789abcdef" };

describe("modern client → legacy upstream over HTTP", () => {
  let ws;
  let gw;
  let replica;
  const sendTo = async (url, id, method, params, key = "alpha") => {
    const res = await post(url, { jsonrpc: "2.0", id, method, params }, {
      Authorization: `Bearer ${KEYS[key]}`,
      "MCP-Protocol-Version": MODERN,
      "Mcp-Method": method,
      ...(params.name ?? params.uri ? { "Mcp-Name": params.name ?? params.uri } : {}),
    });
    return readReply(res);
  };
  const send = (...args) => sendTo(gw.url, ...args);

  before(async () => {
    ws = makeWorkspace(SERVERS, { gateway: { held_call_timeout_ms: HOLD_MS } });
    const config = JSON.parse(fs.readFileSync(ws.configPath, "utf8"));
    fs.writeFileSync(ws.configPath, JSON.stringify({ ...config, ...ACCESS }));
    [gw, replica] = await Promise.all([startHttpGateway(ws.configPath, { env: SHARED_SECRET }),
      startHttpGateway(ws.configPath, { env: SHARED_SECRET })]);
    await waitForTool(send);
  }, { timeout: 60000 });

  after(async () => {
    gw?.kill();
    replica?.kill();
    ws?.cleanup();
  });

  scenarios(() => send, () => gw.stderr());

  test("roots: input_required, then the retry's roots reach the server", { timeout: 60000 }, async () => {
    const params = callParams("get-roots-list");
    const asked = onlyInput(await send("roots", "tools/call", params), "roots/list");
    const done = await send("roots-retry", "tools/call",
      retryParams(params, { [asked.key]: { roots: [{ uri: ROOT_URI, name: "r" }] } }, asked.state));
    assert.match(text(done.result), new RegExp(ROOT_URI), JSON.stringify(done));
  });

  test("another key's retry with the first key's state is refused, and the call stays held", { timeout: 60000 }, async () => {
    const params = callParams("trigger-elicitation-request");
    const asked = onlyInput(await send("alpha-call", "tools/call", params, "alpha"), "elicitation/create");
    const answer = { [asked.key]: { action: "accept", content: { name: NAMED } } };
    refusedState(await send("beta-retry", "tools/call", retryParams(params, answer, asked.state), "beta"),
      /another caller/);
    const done = await send("alpha-retry", "tools/call", retryParams(params, answer, asked.state), "alpha");
    assert.match(text(done.result), new RegExp(NAMED), JSON.stringify(done));
  });

  test("a retry that reaches another replica verifies, and is told to start over", { timeout: 60000 }, async () => {
    const params = callParams("trigger-elicitation-request");
    const asked = onlyInput(await send("replica-call", "tools/call", params), "elicitation/create");
    const answer = { [asked.key]: { action: "accept", content: { name: NAMED } } };
    refusedState(await sendTo(replica.url, "replica-retry", "tools/call", retryParams(params, answer, asked.state)),
      /no longer holds \(answered, expired, or held by another replica\)/);
    const done = await send("replica-home", "tools/call", retryParams(params, answer, asked.state));
    assert.match(text(done.result), new RegExp(NAMED), JSON.stringify(done));
  });

  test("a modern upstream's retry is served by any replica: nothing is held", { timeout: 60000 }, async () => {
    const params = callParams("ask_name", {}, CAPABILITIES, "modern");
    const asked = onlyInput(await send("modern-replica", "tools/call", params), "elicitation/create");
    const answer = { [asked.key]: { action: "accept", content: { name: NAMED } } };
    const done = await sendTo(replica.url, "modern-replica-retry", "tools/call", retryParams(params, answer, asked.state));
    assert.equal(text(done.result), `hello ${NAMED}`, JSON.stringify(done));
  });

  test("the v2 SDK client's handlers answer the input requests, and its call completes", { timeout: 60000 }, async () => {
    const client = new ClientV2({ name: "mrtr-sdk", version: "1.0.0" },
      { capabilities: CAPABILITIES, versionNegotiation: { mode: { pin: MODERN } } });
    const asked = [];
    client.setRequestHandler("elicitation/create", (request) => {
      asked.push(request.params.message);
      return { action: "accept", content: { name: NAMED } };
    });
    client.setRequestHandler("sampling/createMessage", () =>
      ({ model: "m", role: "assistant", content: { type: "text", text: SAMPLED } }));
    const transport = new StreamableHTTPClientTransport(new URL(gw.url),
      { requestInit: { headers: { Authorization: `Bearer ${KEYS.alpha}` } } });
    await withTimeout(client.connect(transport), 30000, "v2 client connect");
    try {
      assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
      const elicited = await client.callTool({ name: tool("trigger-elicitation-request"), arguments: {} });
      assert.match(text(elicited), new RegExp(NAMED), JSON.stringify(elicited));
      assert.equal(asked.length, 1);
      const sampled = await client.callTool({ name: tool("trigger-sampling-request"),
        arguments: { prompt: "p", maxTokens: 5 } });
      assert.match(text(sampled), new RegExp(SAMPLED), JSON.stringify(sampled));
    } finally {
      await client.close().catch(() => {});
    }
  });
});

describe("modern client → legacy upstream over stdio", () => {
  let ws;
  let raw;
  const send = (id, method, params) => raw.request(id, method, params, CALL_MS);

  before(async () => {
    ws = makeWorkspace(SERVERS, { gateway: { held_call_timeout_ms: HOLD_MS } });
    raw = new RawGateway(ws.configPath);
    await waitForTool(send);
  }, { timeout: 60000 });

  after(async () => {
    await raw?.close();
    ws?.cleanup();
  });

  scenarios(() => send, () => raw.stderrText);

  test("stdout carries only responses: no request of the server's reaches a modern client", () => {
    assert.deepEqual(raw.badLines, []);
    const requests = raw.messages.filter((m) => "method" in m && "id" in m);
    assert.deepEqual(requests, [], "requests sent to the modern client");
  });
});
