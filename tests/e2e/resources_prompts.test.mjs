// Prompts and resources through the gateway: prompts are namespaced like tools, resource URIs
// are kept as the upstream gave them and routed back to the upstream that owns them.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ROOT,
  connectGateway,
  expectMcpError,
  makeWorkspace,
  realServers,
  waitFor,
  withGatewayStderr,
} from "./helpers.mjs";

const EVERYTHING_DOCS = path.join(ROOT, "node_modules/@modelcontextprotocol/server-everything/dist/docs");
const DOC_NAMES = fs.readdirSync(EVERYTHING_DOCS).filter((n) => fs.statSync(path.join(EVERYTHING_DOCS, n)).isFile());
const DOC_URIS = DOC_NAMES.map((n) => `demo://resource/static/document/${encodeURIComponent(n)}`);
const EVERYTHING_PROMPTS = ["simple-prompt", "args-prompt", "completable-prompt", "resource-prompt"];

async function listAll(method, key, client) {
  const items = [];
  let cursor;
  do {
    const page = await client[method](cursor ? { cursor } : {});
    items.push(...page[key]);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe("prompts and resources through mcpgw", () => {
  let ws;
  let gw;
  const check = (name, fn, timeout = 20000) =>
    test(name, { timeout }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    ws = makeWorkspace(realServers);
    gw = await connectGateway(ws.configPath);
    // Wait until both resource-bearing upstreams are in the catalog.
    await withGatewayStderr(() => gw, () => waitFor(async () => {
      const uris = (await listAll("listResources", "resources", gw.client)).map((r) => r.uri);
      const prompts = (await listAll("listPrompts", "prompts", gw.client)).map((p) => p.name);
      return uris.includes("memory://knowledge-graph") && uris.includes(DOC_URIS[0]) &&
        prompts.includes("everything__simple-prompt");
    }, 25000, "resources and prompts of everything and memory"));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("listPrompts shows everything's prompts as everything__NAME, with their arguments", async () => {
    const prompts = await listAll("listPrompts", "prompts", gw.client);
    const names = prompts.map((p) => p.name);
    for (const p of EVERYTHING_PROMPTS) assert.ok(names.includes(`everything__${p}`), `missing everything__${p} in ${names}`);
    for (const n of names) assert.match(n, /^(everything|filesystem|memory)__./, `prompt ${n} not namespaced`);
    assert.ok(!names.includes("simple-prompt"), "un-namespaced prompt listed");
    const args = prompts.find((p) => p.name === "everything__args-prompt");
    assert.equal(args.description, "A prompt with two arguments, one required and one optional");
    const argNames = args.arguments.map((a) => a.name).sort();
    assert.deepEqual(argNames, ["city", "state"]);
    assert.equal(args.arguments.find((a) => a.name === "city").required, true);
  });

  check("getPrompt routes everything__simple-prompt and returns its messages", async () => {
    const res = await gw.client.getPrompt({ name: "everything__simple-prompt" });
    assert.deepEqual(res.messages, [
      { role: "user", content: { type: "text", text: "This is a simple prompt without arguments." } },
    ]);
  });

  check("getPrompt passes arguments through (everything__args-prompt)", async () => {
    const res = await gw.client.getPrompt({ name: "everything__args-prompt", arguments: { city: "Paris", state: "TX" } });
    assert.equal(res.messages[0].content.text, "What's weather in Paris, TX?");
  });

  check("getPrompt of an unknown prompt is a JSON-RPC error, and the session stays usable", async () => {
    const err = await expectMcpError(gw.client.getPrompt({ name: "nope__prompt" }), -32602, "nope__prompt");
    assert.ok(err.message.includes("nope__prompt"), err.message);
    const res = await gw.client.getPrompt({ name: "everything__simple-prompt" });
    assert.equal(res.messages.length, 1);
  });

  check("listResources has everything's and memory's resources with URIs unchanged", async () => {
    const resources = await listAll("listResources", "resources", gw.client);
    const uris = resources.map((r) => r.uri);
    for (const uri of DOC_URIS) assert.ok(uris.includes(uri), `missing ${uri} in ${JSON.stringify(uris)}`);
    assert.ok(uris.includes("memory://knowledge-graph"), `memory resource missing in ${JSON.stringify(uris)}`);
    assert.equal(new Set(uris).size, uris.length, "duplicate URIs");
    const graph = resources.find((r) => r.uri === "memory://knowledge-graph");
    assert.equal(graph.mimeType, "application/json");
  });

  check("readResource of an everything document returns the file's contents", async () => {
    const name = "instructions.md";
    const uri = `demo://resource/static/document/${name}`;
    const res = await gw.client.readResource({ uri });
    assert.equal(res.contents.length, 1);
    assert.equal(res.contents[0].uri, uri);
    assert.equal(res.contents[0].mimeType, "text/markdown");
    assert.equal(res.contents[0].text, fs.readFileSync(path.join(EVERYTHING_DOCS, name), "utf8"));
  });

  check("readResource of memory://knowledge-graph is routed to the memory server", async () => {
    const res = await gw.client.readResource({ uri: "memory://knowledge-graph" });
    assert.equal(res.contents[0].uri, "memory://knowledge-graph");
    const graph = JSON.parse(res.contents[0].text);
    assert.ok(Array.isArray(graph.entities) && Array.isArray(graph.relations), res.contents[0].text);
  });

  check("listResourceTemplates shows everything's templates unchanged", async () => {
    const templates = await listAll("listResourceTemplates", "resourceTemplates", gw.client);
    const uris = templates.map((t) => t.uriTemplate);
    assert.ok(uris.includes("demo://resource/dynamic/text/{resourceId}"), JSON.stringify(uris));
    assert.ok(uris.includes("demo://resource/dynamic/blob/{resourceId}"), JSON.stringify(uris));
  });

  check("readResource of a URI that only a template matches is routed to its upstream", async () => {
    const uri = "demo://resource/dynamic/text/7";
    const res = await gw.client.readResource({ uri });
    assert.equal(res.contents[0].uri, uri);
    assert.match(res.contents[0].text, /^Resource 7: This is a plaintext resource/);
  });

  check("readResource of a URI no upstream offers is a JSON-RPC error, and the session stays usable", async () => {
    let err;
    try {
      await gw.client.readResource({ uri: "nowhere://at/all" });
    } catch (e) {
      err = e;
    }
    assert.ok(err, "reading an unknown URI succeeded");
    assert.ok(Number.isInteger(err.code) && err.code < 0, `expected a JSON-RPC error, got ${err}`);
    const res = await gw.client.readResource({ uri: "memory://knowledge-graph" });
    assert.equal(res.contents.length, 1);
  });
});
