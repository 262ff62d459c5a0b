// Resource rules hold whatever the spelling of a URI: with file:///pub/* allowed and
// file:///pub/private/* denied, a URI that reaches a denied file by dot segments, doubled slashes
// or percent-escapes is refused (routed by its canonical form, then denied, or refused as having
// none), the allowed file still reads, and the upstream gets the canonical URI. Over stdio and
// Streamable HTTP. The fixture resolves URIs as naive file servers do (no real server in
// node_modules serves file:// resources).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ROOT, connectGateway, expectMcpError, makeWorkspace, withTimeout } from "./helpers.mjs";
import { startHttpGateway } from "./http_helpers.mjs";

const KEY = "resource-key-0123";
const SECRETS = ["PRIVATE KEY MATERIAL", "SHADOW HASH"];
const SPELLINGS = [
  "file:///pub/../pub/private/key",
  "file:///pub/./private/key",
  "file:///pub//private/key",
  "file:///pub/%70rivate/key",
  "file:///pub/../../etc/shadow",
  "FILE:///pub/private/key",
  "file:///pub/%2e%2e/pub/private/key",
  "file:///pub/private%2Fkey",
];

function makeResourceWorkspace() {
  const server = { command: "node", args: [path.join(ROOT, "tests/fixtures/file_resources_server.mjs")] };
  const ws = makeWorkspace(() => ({ files: server }), { aliases: {} });
  const rule = (tool, level) => ({ server: "files", tool, level });
  const config = {
    ...ws.config,
    keys: [{ name: "reader", hash: `sha256:${crypto.createHash("sha256").update(KEY).digest("hex")}` }],
    policies: {
      reader: {
        default: "deny",
        rules: [rule("file:///pub/*", "execute"), rule("file:///pub/private/*", "deny")],
      },
    },
    permissions: { default: "deny", keys: { reader: "reader" } },
  };
  fs.writeFileSync(ws.configPath, JSON.stringify(config, null, 2));
  return ws;
}

// The checks both transports share; client() is the connected SDK client.
function resourceChecks(client) {
  test("every spelling of a denied or out-of-tree file is refused with -32602, never read", { timeout: 30000 }, async () => {
    for (const uri of SPELLINGS) {
      const err = await expectMcpError(client().readResource({ uri }), -32602, uri);
      assert.match(err.message, /Unknown resource|Invalid resource URI/, uri);
      for (const secret of SECRETS) assert.ok(!JSON.stringify(err).includes(secret), `${uri} leaked`);
    }
  });

  test("subscribe and completion are decided on the canonical URI too", { timeout: 30000 }, async () => {
    await expectMcpError(client().subscribeResource({ uri: "file:///pub/./private/key" }), -32602, "subscribe");
    await expectMcpError(
      client().complete({ ref: { type: "ref/resource", uri: "file:///pub//private/key" }, argument: { name: "a", value: "" } }),
      -32602, "complete");
  });

  test("the allowed file reads, and the upstream gets its canonical URI", { timeout: 30000 }, async () => {
    const plain = await client().readResource({ uri: "file:///pub/readme.txt" });
    assert.equal(plain.contents[0].text, "public readme");
    const respelled = await client().readResource({ uri: "FILE:///pub//./%72eadme.txt" });
    assert.equal(respelled.contents[0].text, "public readme");
    assert.equal(respelled.contents[0].uri, "file:///pub/readme.txt", "the upstream got another spelling");
  });

  test("the gateway keeps serving after the refusals", { timeout: 30000 }, async () => {
    await expectMcpError(client().readResource({ uri: "file:///pub/../../etc/shadow" }), -32602, "shadow");
    const listed = await client().listResources();
    assert.deepEqual(listed.resources.map((r) => r.uri), ["file:///pub/readme.txt"]);
    assert.equal((await client().readResource({ uri: "file:///pub/readme.txt" })).contents[0].text, "public readme");
  });
}

describe("resource URI spellings over stdio", () => {
  let ws;
  let gw;
  before(async () => {
    ws = makeResourceWorkspace();
    gw = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: KEY } });
  }, { timeout: 60000 });
  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });
  describe("checks", () => resourceChecks(() => gw.client));
});

describe("resource URI spellings over Streamable HTTP", () => {
  let ws;
  let gw;
  let client;
  before(async () => {
    ws = makeResourceWorkspace();
    gw = await startHttpGateway(ws.configPath);
    const transport = new StreamableHTTPClientTransport(new URL(gw.url), {
      requestInit: { headers: { Authorization: `Bearer ${KEY}` } },
    });
    client = new Client({ name: "uri-e2e", version: "1.0.0" }, { capabilities: {} });
    await withTimeout(client.connect(transport), 30000, "connect over HTTP");
  }, { timeout: 60000 });
  after(async () => {
    await client?.close().catch(() => {});
    gw?.kill();
    ws?.cleanup();
  });
  describe("checks", () => resourceChecks(() => client));
});
