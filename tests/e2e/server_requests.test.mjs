// Requests from an upstream to the client pass through mcpgw: server-everything's tools that ask
// the client for a sampling (sampling/createMessage), an elicitation (elicitation/create) or its
// roots (roots/list) are listed and work through the gateway exactly as they do when the same
// client talks to server-everything directly. server-everything offers these tools only to a
// client that declares the sampling, elicitation and roots capabilities; the client here answers
// each request with a fixed marker, and the tool's result must carry it back.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import {
  ROOT,
  gatewayBin,
  listAllTools,
  makeWorkspace,
  stderrTail,
  upstreams,
  waitForTools,
  withTimeout,
} from "./helpers.mjs";

const SAMPLING_MARKER = "mcpgw-sampling-answer-4f1c";
const ELICITATION_MARKER = "mcpgw-elicitation-answer-a93e";
const ROOT_URI = "file:///mcpgw-roots-answer-7d20";
const TOOLS = ["trigger-sampling-request", "trigger-elicitation-request", "get-roots-list"];
const CALL_MS = 15000;

/**
 * The official SDK client declaring sampling, elicitation and roots, with handlers that answer
 * with the markers and record what they were asked, connected over stdio to `command`.
 */
async function connectAnswering(label, command, args) {
  const asked = { sampling: [], elicitation: [], roots: 0 };
  const client = new Client(
    { name: "mcpgw-server-requests", version: "1.0.0" },
    { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } },
  );
  client.setRequestHandler(CreateMessageRequestSchema, (request) => {
    asked.sampling.push(request.params);
    return { model: "mcpgw-test-model", role: "assistant", stopReason: "endTurn",
      content: { type: "text", text: SAMPLING_MARKER } };
  });
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    asked.elicitation.push(request.params);
    return { action: "accept", content: { name: ELICITATION_MARKER } };
  });
  client.setRequestHandler(ListRootsRequestSchema, () => {
    asked.roots++;
    return { roots: [{ uri: ROOT_URI, name: "mcpgw roots answer" }] };
  });
  const transport = new StdioClientTransport({ command, args, env: getDefaultEnvironment(), stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-100000);
  });
  const side = {
    label,
    client,
    asked,
    stderr: () => stderr,
    close: () => withTimeout(client.close(), 10000, `${label}: client.close()`).catch(() => {}),
  };
  try {
    await withTimeout(client.connect(transport), 30000, `${label}: connect`);
  } catch (e) {
    await side.close();
    throw new Error(`${e.message}\n${stderrTail(stderr)}`, { cause: e });
  }
  return side;
}

const text = (result) => (result?.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");

describe("requests from an upstream to the client, through mcpgw (everything over stdio)", () => {
  let ws;
  let direct;
  let gateway;
  const exposed = (name) => `everything__${name}`;
  // Runs fn(side, toolName) against server-everything directly and through the gateway; a
  // failure through the gateway shows the gateway's stderr.
  const both = async (fn) => {
    await fn(direct, (name) => name);
    try {
      await fn(gateway, exposed);
    } catch (e) {
      throw new Error(`through mcpgw: ${e.message}\n${stderrTail(gateway.stderr())}`, { cause: e });
    }
  };

  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
    direct = await connectAnswering("server-everything", path.join(ROOT, "node_modules/.bin/mcp-server-everything"), ["stdio"]);
    gateway = await connectAnswering("mcpgw", gatewayBin(), ["--config", ws.configPath]);
  }, { timeout: 70000 });

  after(async () => {
    await direct?.close();
    await gateway?.close();
    ws?.cleanup();
  });

  test("the tools that need sampling, elicitation and roots are listed as directly", { timeout: 30000 }, async () => {
    const directTools = await listAllTools(direct.client);
    for (const name of TOOLS) assert.ok(directTools.some((t) => t.name === name), `server-everything lists no ${name}`);
    let viaGateway;
    try {
      viaGateway = await waitForTools(gateway.client, TOOLS.map(exposed), 15000);
    } catch (e) {
      throw new Error(`${e.message}\n${stderrTail(gateway.stderr())}`, { cause: e });
    }
    for (const name of TOOLS) {
      const mine = directTools.find((t) => t.name === name);
      const theirs = viaGateway.find((t) => t.name === exposed(name));
      assert.deepEqual(theirs.inputSchema, mine.inputSchema, `${name}: inputSchema`);
      assert.equal(theirs.description, mine.description, `${name}: description`);
    }
  });

  test("trigger-sampling-request: the client's sampling answer comes back in the result", { timeout: 40000 }, async () => {
    await both(async (side, name) => {
      const earlier = side.asked.sampling.length;
      const result = await side.client.callTool({ name: name("trigger-sampling-request"),
        arguments: { prompt: "say the marker", maxTokens: 7 } }, undefined, { timeout: CALL_MS });
      assert.notEqual(result.isError, true, `${side.label}: ${JSON.stringify(result)}`);
      assert.match(text(result), new RegExp(SAMPLING_MARKER), `${side.label}: ${JSON.stringify(result)}`);
      assert.equal(side.asked.sampling.length, earlier + 1, `${side.label}: sampling requests the client got`);
    });
    const [mine] = direct.asked.sampling.slice(-1);
    const [theirs] = gateway.asked.sampling.slice(-1);
    assert.deepEqual(theirs.messages, mine.messages, "the sampling request's messages, as the upstream sent them");
    assert.equal(theirs.maxTokens, 7);
    assert.equal(theirs.systemPrompt, mine.systemPrompt);
  });

  test("trigger-elicitation-request: the client's elicitation answer comes back in the result", { timeout: 40000 }, async () => {
    await both(async (side, name) => {
      const earlier = side.asked.elicitation.length;
      const result = await side.client.callTool({ name: name("trigger-elicitation-request"), arguments: {} },
        undefined, { timeout: CALL_MS });
      assert.notEqual(result.isError, true, `${side.label}: ${JSON.stringify(result)}`);
      assert.match(text(result), new RegExp(`Name: ${ELICITATION_MARKER}`), `${side.label}: ${JSON.stringify(result)}`);
      assert.equal(side.asked.elicitation.length, earlier + 1, `${side.label}: elicitation requests the client got`);
    });
    const [mine] = direct.asked.elicitation.slice(-1);
    const [theirs] = gateway.asked.elicitation.slice(-1);
    assert.equal(theirs.message, mine.message);
    assert.deepEqual(theirs.requestedSchema, mine.requestedSchema, "the requested schema, as the upstream sent it");
  });

  test("get-roots-list: the client's roots come back in the result", { timeout: 40000 }, async () => {
    await both(async (side, name) => {
      const result = await side.client.callTool({ name: name("get-roots-list"), arguments: {} },
        undefined, { timeout: CALL_MS });
      assert.notEqual(result.isError, true, `${side.label}: ${JSON.stringify(result)}`);
      assert.match(text(result), new RegExp(ROOT_URI), `${side.label}: ${JSON.stringify(result)}`);
      assert.ok(side.asked.roots >= 1, `${side.label}: the client was never asked for its roots`);
    });
  });
});
