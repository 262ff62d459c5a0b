// The modern era downstream (README "Protocol eras"): requests that carry their version,
// capabilities and identity in _meta, with no initialize and no session, over HTTP (the headers
// checked against the body) and over stdio, next to legacy clients on the same gateway.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import { RawGateway, firstText, makeWorkspace, upstreams } from "./helpers.mjs";
import { post, readReply, startHttpGateway, openSession } from "./http_helpers.mjs";

const VERSION = "2026-07-28";
const META = {
  "io.modelcontextprotocol/protocolVersion": VERSION,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "modern-e2e", version: "1" },
};
const modern = (id, method, params = {}, meta = META) => ({
  jsonrpc: "2.0",
  id,
  method,
  params: { ...params, _meta: meta },
});
// The headers a modern HTTP client sends with a message.
function headersFor(message, extra = {}) {
  const name = message.params?.name ?? message.params?.uri;
  return {
    "MCP-Protocol-Version": VERSION,
    "Mcp-Method": message.method,
    ...(name !== undefined && ["tools/call", "prompts/get", "resources/read"].includes(message.method)
      ? { "Mcp-Name": name }
      : {}),
    ...extra,
  };
}
const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = { all: "modern-all-key-1", echo: "modern-echo-key-2" };

describe("modern clients over HTTP", () => {
  let ws;
  let gw;
  const send = (message, extra = {}) => post(gw.url, message, headersFor(message, extra));

  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
    const access = {
      keys: [
        { name: "all", hash: hash(KEYS.all) },
        { name: "echo", hash: hash(KEYS.echo) },
      ],
      policies: {
        all: { default: "execute" },
        echo: { default: "deny", rules: [{ server: "everything", tool: "echo", level: "execute" }] },
      },
      permissions: { default: "deny", keys: { all: "all", echo: "echo" } },
    };
    fs.writeFileSync(ws.configPath, JSON.stringify({ ...ws.config, ...access }));
    gw = await startHttpGateway(ws.configPath);
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });
  const auth = (key = KEYS.all) => ({ Authorization: `Bearer ${key}` });

  test("server/discover needs no initialize and opens no session", async () => {
    const res = await send(modern(1, "server/discover"), auth());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("mcp-session-id"), null);
    const reply = await readReply(res);
    assert.equal(reply.id, 1);
    assert.equal(reply.result.resultType, "complete");
    assert.equal(reply.result.supportedVersions[0], VERSION);
    assert.ok(reply.result.supportedVersions.includes("2025-11-25"));
    assert.equal(reply.result._meta["io.modelcontextprotocol/serverInfo"].name, "mcpgw");
    assert.ok(reply.result.capabilities.tools);
  });

  test("a tool call reaches a legacy stdio server and comes back complete", async () => {
    const call = modern(2, "tools/call", { name: "everything__echo", arguments: { message: "hi modern" } });
    const reply = await readReply(await send(call, auth()));
    assert.equal(reply.result.resultType, "complete", JSON.stringify(reply));
    assert.match(firstText(reply.result), /hi modern/);
  });

  test("lists are filtered for the caller's key, as for legacy clients", async () => {
    const all = await readReply(await send(modern(3, "tools/list"), auth()));
    const mine = await readReply(await send(modern(4, "tools/list"), auth(KEYS.echo)));
    assert.ok(all.result.tools.length > 1);
    assert.deepEqual(mine.result.tools.map((t) => t.name), ["everything__echo"]);
    assert.equal(mine.result.resultType, "complete");
    const anonymous = await readReply(await send(modern(5, "tools/list")));
    assert.deepEqual(anonymous.result.tools, [], "no key: the anonymous caller, who may see nothing here");
    const wrong = await send(modern(6, "tools/list"), auth("not-a-key"));
    assert.equal(wrong.status, 401, "a modern request is authenticated like any other");
  });

  test("headers that disagree with the body get 400 and -32020", async () => {
    const call = modern(6, "tools/call", { name: "everything__echo", arguments: { message: "x" } });
    const cases = [
      [{ "Mcp-Method": "tools/list" }, "Mcp-Method"],
      [{ "Mcp-Name": "everything__other" }, "Mcp-Name"],
      [{ "MCP-Protocol-Version": undefined }, "MCP-Protocol-Version"],
    ];
    for (const [override, what] of cases) {
      const headers = { ...headersFor(call), ...auth(), ...override };
      for (const key of Object.keys(headers)) if (headers[key] === undefined) delete headers[key];
      const res = await post(gw.url, call, headers);
      assert.equal(res.status, 400, what);
      const reply = await res.json();
      assert.equal(reply.error.code, -32020, `${what}: ${JSON.stringify(reply)}`);
    }
    const missingName = { ...headersFor(call), ...auth() };
    delete missingName["Mcp-Name"];
    assert.equal((await (await post(gw.url, call, missingName)).json()).error.code, -32020);
    const otherVersion = modern(7, "tools/list", {}, { ...META, "io.modelcontextprotocol/protocolVersion": "2026-07-29" });
    const res = await post(gw.url, otherVersion, { ...headersFor(otherVersion), ...auth() });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, -32020);
  });

  test("a base64 Mcp-Name is decoded before it is compared", async () => {
    const call = modern(8, "tools/call", { name: "everything__echo", arguments: { message: "b64" } });
    const encoded = `=?base64?${Buffer.from("everything__echo").toString("base64")}?=`;
    const reply = await readReply(await send(call, { ...auth(), "Mcp-Name": encoded }));
    assert.match(firstText(reply.result), /b64/);
  });

  test("an unserved version gets 400 and -32022 naming the versions served", async () => {
    const request = modern(9, "tools/list", {}, { ...META, "io.modelcontextprotocol/protocolVersion": "2099-01-01" });
    const res = await post(gw.url, request, { ...headersFor(request), "MCP-Protocol-Version": "2099-01-01", ...auth() });
    assert.equal(res.status, 400);
    const reply = await res.json();
    assert.equal(reply.error.code, -32022);
    assert.ok(reply.error.data.supported.includes(VERSION));
  });

  test("malformed _meta gets 400 and -32602; an unknown or legacy-only method 404 and -32601", async () => {
    const noCapabilities = modern(10, "tools/list", {}, { "io.modelcontextprotocol/protocolVersion": VERSION });
    let res = await send(noCapabilities, auth());
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, -32602);
    for (const method of ["no/such", "ping", "logging/setLevel"]) {
      res = await send(modern(11, method), auth());
      assert.equal(res.status, 404, method);
      assert.equal((await res.json()).error.code, -32601, method);
    }
  });

  test("GET and DELETE on the modern path get 405; legacy sessions work beside it", async () => {
    for (const method of ["GET", "DELETE"]) {
      const res = await fetch(gw.url, {
        method,
        headers: { "MCP-Protocol-Version": VERSION, Accept: "text/event-stream", ...auth() },
      });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get("allow"), "POST");
    }
    const sid = await openSession(gw.url, auth());
    const res = await post(
      gw.url,
      { jsonrpc: "2.0", id: 12, method: "tools/list", params: {} },
      { "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-06-18", ...auth() },
    );
    const reply = await readReply(res);
    assert.ok(reply.result.tools.length > 1);
    assert.equal(reply.result.resultType, undefined, "a legacy client gets a legacy result");
  });
});

describe("a modern client over stdio", () => {
  let ws;
  let gw;
  before(() => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
    gw = new RawGateway(ws.configPath);
  });
  after(async () => {
    gw?.child.kill("SIGKILL");
    ws?.cleanup();
  });

  test("needs no initialize: discover, list and call", { timeout: 60000 }, async () => {
    gw.send(modern("d", "server/discover"));
    const discovered = await gw.next((m) => m.id === "d", 30000, "server/discover");
    assert.equal(discovered.result.supportedVersions[0], VERSION);
    await gw.waitForTool("everything__echo");
    gw.send(modern("c", "tools/call", { name: "everything__echo", arguments: { message: "over stdio" } }));
    const called = await gw.next((m) => m.id === "c", 30000, "tools/call");
    assert.equal(called.result.resultType, "complete");
    assert.match(firstText(called.result), /over stdio/);
    gw.send(modern("p", "ping"));
    const ping = await gw.next((m) => m.id === "p", 10000, "ping");
    assert.equal(ping.error.code, -32601);
  });
});
