// Tools through the gateway: the merged, namespaced list and calls routed to the right upstream
// (everything, filesystem, memory from npm), aliases, structured content, concurrency, and
// errors for unknown tools.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  connectGateway,
  expectMcpError,
  firstText,
  listAllTools,
  makeWorkspace,
  realServers,
  waitForTools,
  withGatewayStderr,
  withTimeout,
} from "./helpers.mjs";

const FILESYSTEM_TOOLS = [
  "read_file", "read_text_file", "read_media_file", "read_multiple_files", "write_file", "edit_file",
  "create_directory", "list_directory", "list_directory_with_sizes", "directory_tree", "move_file",
  "search_files", "get_file_info", "list_allowed_directories",
];
const MEMORY_TOOLS = [
  "create_entities", "create_relations", "add_observations", "delete_entities", "delete_observations",
  "delete_relations", "read_graph", "search_nodes", "open_nodes",
];
const EVERYTHING_TOOLS = [
  "echo", "get-annotated-message", "get-env", "get-resource-links", "get-resource-reference",
  "get-structured-content", "get-sum", "get-tiny-image", "gzip-file-as-resource",
  "toggle-simulated-logging", "toggle-subscriber-updates", "trigger-long-running-operation",
];
const EXPECTED = [
  ...EVERYTHING_TOOLS.map((n) => `everything__${n}`),
  ...FILESYSTEM_TOOLS.map((n) => `filesystem__${n}`),
  ...MEMORY_TOOLS.map((n) => `memory__${n}`),
];

describe("tools through mcpgw (everything + filesystem + memory)", () => {
  let ws;
  let gw;
  const check = (name, fn, timeout = 20000) =>
    test(name, { timeout }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    ws = makeWorkspace(realServers);
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, EXPECTED));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("listTools shows every upstream tool as server__name and nothing un-namespaced", async () => {
    const tools = await listAllTools(gw.client);
    const names = tools.map((t) => t.name);
    for (const want of EXPECTED) assert.ok(names.includes(want), `missing ${want} in ${JSON.stringify(names)}`);
    assert.equal(new Set(names).size, names.length, `duplicate names in ${JSON.stringify(names)}`);
    for (const name of names) {
      assert.match(name, /^(everything|filesystem|memory)__[^_]/, `tool ${name} is not namespaced by a server name`);
      assert.match(name, /^[A-Za-z0-9_-]{1,64}$/, `tool ${name} is not a valid function name`);
    }
    // Lists show the server name, never an alias.
    assert.ok(!names.some((n) => n.startsWith("fs__")), "an alias prefix appeared in the list");
    // Nothing beyond what the upstreams offer: the fixed sets of filesystem and memory are exact.
    assert.deepEqual(names.filter((n) => n.startsWith("filesystem__")).sort(),
      FILESYSTEM_TOOLS.map((n) => `filesystem__${n}`).sort());
    assert.deepEqual(names.filter((n) => n.startsWith("memory__")).sort(),
      MEMORY_TOOLS.map((n) => `memory__${n}`).sort());
  });

  check("tool descriptions, input schemas and output schemas pass through unchanged", async () => {
    const tools = await listAllTools(gw.client);
    const byName = new Map(tools.map((t) => [t.name, t]));
    const sum = byName.get("everything__get-sum");
    assert.equal(sum.description, "Returns the sum of two numbers");
    assert.equal(sum.inputSchema.type, "object");
    assert.equal(sum.inputSchema.properties.a.type, "number");
    assert.equal(sum.inputSchema.properties.b.type, "number");
    assert.deepEqual([...sum.inputSchema.required].sort(), ["a", "b"]);
    assert.equal(sum.annotations?.readOnlyHint, true, "annotations lost");
    const structured = byName.get("everything__get-structured-content");
    assert.ok(structured.outputSchema, "outputSchema dropped");
    assert.deepEqual(Object.keys(structured.outputSchema.properties).sort(), ["conditions", "humidity", "temperature"]);
    const read = byName.get("filesystem__read_text_file");
    assert.equal(read.inputSchema.properties.path.type, "string");
  });

  check("everything__echo returns the echoed text", async () => {
    const res = await gw.client.callTool({ name: "everything__echo", arguments: { message: "héllo, gateway ✓" } });
    assert.equal(res.isError ?? false, false);
    assert.equal(firstText(res), "Echo: héllo, gateway ✓");
  });

  check("everything__get-sum adds its arguments", async () => {
    const res = await gw.client.callTool({ name: "everything__get-sum", arguments: { a: 2.5, b: 39.5 } });
    assert.equal(firstText(res), "The sum of 2.5 and 39.5 is 42.");
  });

  check("a filesystem read works through the alias fs__ and through the server name", async () => {
    const viaAlias = await gw.client.callTool({ name: "fs__read_text_file", arguments: { path: ws.helloPath } });
    assert.equal(viaAlias.isError ?? false, false, JSON.stringify(viaAlias));
    assert.equal(firstText(viaAlias), ws.helloText);
    const viaName = await gw.client.callTool({ name: "filesystem__read_text_file", arguments: { path: ws.helloPath } });
    assert.equal(firstText(viaName), ws.helloText);
    assert.deepEqual(viaName.structuredContent, { content: ws.helloText });
  });

  check("a filesystem write through the alias lands on disk", async () => {
    const target = path.join(ws.filesDir, "written.txt");
    const res = await gw.client.callTool({ name: "fs__write_file", arguments: { path: target, content: "from the gateway\n" } });
    assert.equal(res.isError ?? false, false, JSON.stringify(res));
    assert.equal(fs.readFileSync(target, "utf8"), "from the gateway\n");
  });

  check("a tool that ran and failed comes back as the upstream's isError result, not a JSON-RPC error", async () => {
    const outside = path.join(ws.dir, "mcpgw.json"); // outside the filesystem server's allowed dir
    const res = await gw.client.callTool({ name: "filesystem__read_text_file", arguments: { path: outside } });
    assert.equal(res.isError, true, `expected isError result, got ${JSON.stringify(res)}`);
    assert.match(firstText(res), /denied|outside|not allowed/i);
  });

  check("memory tools route to the memory server and its state persists across calls", async () => {
    const entity = { name: "mcpgw-e2e-entity", entityType: "test", observations: ["routed through the gateway"] };
    const created = await gw.client.callTool({ name: "memory__create_entities", arguments: { entities: [entity] } });
    assert.deepEqual(created.structuredContent, { entities: [entity] });
    const found = await gw.client.callTool({ name: "memory__search_nodes", arguments: { query: "mcpgw-e2e" } });
    assert.deepEqual(found.structuredContent.entities, [entity]);
    assert.ok(fs.existsSync(path.join(ws.dir, "memory.jsonl")), "MEMORY_FILE_PATH env did not reach the upstream");
  });

  check("structuredContent passes through (everything__get-structured-content)", async () => {
    const res = await gw.client.callTool({ name: "everything__get-structured-content", arguments: { location: "Chicago" } });
    const expected = { temperature: 36, conditions: "Light rain / drizzle", humidity: 82 };
    assert.deepEqual(res.structuredContent, expected);
    assert.deepEqual(JSON.parse(firstText(res)), expected);
  });

  check("50 concurrent calls each get their own answer", async () => {
    const texts = Array.from({ length: 50 }, (_, i) => `concurrent-${i}-${Math.random().toString(36).slice(2)}`);
    const results = await withTimeout(
      Promise.all(texts.map((message) => gw.client.callTool({ name: "everything__echo", arguments: { message } }))),
      20000,
      "50 concurrent echo calls",
    );
    assert.deepEqual(results.map(firstText), texts.map((t) => `Echo: ${t}`));
  }, 30000);

  check("calls to a mix of upstreams in parallel each get their own answer", async () => {
    const calls = [];
    for (let i = 0; i < 10; i++) {
      calls.push(gw.client.callTool({ name: "everything__get-sum", arguments: { a: i, b: 1000 } })
        .then((r) => assert.equal(firstText(r), `The sum of ${i} and 1000 is ${i + 1000}.`)));
      calls.push(gw.client.callTool({ name: "fs__read_text_file", arguments: { path: ws.helloPath } })
        .then((r) => assert.equal(firstText(r), ws.helloText)));
      calls.push(gw.client.callTool({ name: "memory__read_graph", arguments: {} })
        .then((r) => assert.ok(Array.isArray(r.structuredContent.entities))));
    }
    await withTimeout(Promise.all(calls), 20000, "30 mixed parallel calls");
  }, 30000);

  check("an unknown server prefix gives -32602 naming the tool", async () => {
    const err = await expectMcpError(gw.client.callTool({ name: "nope__x", arguments: {} }), -32602, "nope__x");
    assert.ok(err.message.includes("nope__x"), `message does not name the tool: ${err.message}`);
  });

  check("an unknown tool on a known server gives -32602 naming the tool", async () => {
    const err = await expectMcpError(gw.client.callTool({ name: "everything__nope", arguments: {} }), -32602, "everything__nope");
    assert.ok(err.message.includes("everything__nope"), `message does not name the tool: ${err.message}`);
  });

  check("an unknown tool through an alias, and a name without separator, give -32602", async () => {
    const a = await expectMcpError(gw.client.callTool({ name: "fs__nope", arguments: {} }), -32602, "fs__nope");
    assert.ok(a.message.includes("fs__nope"), a.message);
    const b = await expectMcpError(gw.client.callTool({ name: "echo", arguments: { message: "x" } }), -32602, "echo");
    assert.ok(b.message.includes("echo"), b.message);
  });

  check("the gateway is still usable after the errors above", async () => {
    const res = await gw.client.callTool({ name: "everything__echo", arguments: { message: "still alive" } });
    assert.equal(firstText(res), "Echo: still alive");
  });
});
