// Callers, policies and enforcement end to end: keys over stdio (MCPGW_API_KEY) and HTTP
// (Authorization: Bearer / X-API-Key), filtered lists, -32602 for what a caller may not see,
// -32003 for what it may see but not use, and the bypass attempts that must fail.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ROOT,
  connectGateway,
  expectMcpError,
  gatewayBin,
  listAllTools,
  makeWorkspace,
  runCli,
  upstreams,
  waitFor,
  withTimeout,
} from "./helpers.mjs";
import { initializeRequest, post, readReply, startHttpGateway } from "./http_helpers.mjs";

const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const KEYS = { root: "root-key-0123", alice: "alice-key-4567", bob: "bob-key-89ab" };
const DOCS = path.join(ROOT, "node_modules/@modelcontextprotocol/server-everything/dist/docs");
const DOC_NAMES = fs.readdirSync(DOCS).filter((n) => fs.statSync(path.join(DOCS, n)).isFile()).sort();
const docUri = (name) => `demo://resource/static/document/${encodeURIComponent(name)}`;
const ALLOWED_DOC = docUri(DOC_NAMES[0]);
const OTHER_DOC = docUri(DOC_NAMES[1]);

const rule = (server, tool, level) => ({ server, tool, level });
const ACCESS = {
  keys: [
    { name: "root", hash: hash(KEYS.root) },
    { name: "alice", hash: hash(KEYS.alice), team: "eng", org: "acme" },
    { name: "bob", hash: hash(KEYS.bob) },
  ],
  policies: {
    all: { default: "execute" },
    alice: {
      default: "deny",
      rules: [
        rule("everything", "echo", "execute"),
        rule("everything", "get-sum", "read"),
        rule("everything", "get-tiny-image", "read"),
        rule("everything", "simple-prompt", "execute"),
        rule("everything", "args-prompt", "read"),
        rule("everything", ALLOWED_DOC, "execute"),
        rule("faulty", "*", "read"),
      ],
    },
    bob: {
      default: "read",
      rules: [
        rule("everything", "echo", "deny"),
        rule("everything", "get-tiny-image", "deny"),
        rule("everything", "simple-prompt", "deny"),
        rule("everything", "demo://*", "deny"),
        rule("faulty", "echo", "execute"),
      ],
    },
  },
  permissions: { default: "deny", keys: { root: "all", alice: "alice", bob: "bob" } },
};

function makeAccessWorkspace() {
  const ws = makeWorkspace(
    () => ({
      everything: upstreams.everything(),
      faulty: upstreams.faulty(),
      broken: { command: "/nonexistent/mcpgw-e2e-server" },
    }),
    { aliases: {}, gateway: { max_tool_name_length: 20 } },
  );
  const config = { ...ws.config, aliases: { ev: "everything" }, ...ACCESS };
  fs.writeFileSync(ws.configPath, JSON.stringify(config, null, 2));
  return ws;
}

const names = (tools) => tools.map((t) => t.name).sort();
const call = (client, name, args = {}) => client.callTool({ name, arguments: args });

async function expectHidden(promise, name, label = name) {
  const err = await expectMcpError(promise, -32602, label);
  assert.match(err.message, new RegExp(`Unknown (tool|prompt|resource): ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  return err;
}

async function expectDenied(promise, server, tool, label) {
  const err = await expectMcpError(promise, -32003, label);
  assert.match(err.message, /Permission denied/);
  assert.deepEqual(err.data, { server, tool, level: "read" });
}

// The exposed (shortened) name of get-tiny-image, as a caller that sees everything lists it.
async function tinyImageName(client) {
  const tools = await listAllTools(client);
  const tiny = tools.find((t) => (t.description ?? "").startsWith("Returns a tiny MCP logo image"));
  assert.ok(tiny, `get-tiny-image missing from ${names(tools)}`);
  assert.notEqual(tiny.name, "everything__get-tiny-image", "expected a shortened name");
  return tiny.name;
}

const waitForTools = (client, wanted) =>
  waitFor(async () => {
    const listed = names(await listAllTools(client));
    return wanted.every((n) => listed.includes(n));
  }, 25000, `tools ${wanted}`);

describe("permissions over stdio (MCPGW_API_KEY)", () => {
  let ws, root, alice, bob, tiny;

  before(async () => {
    ws = makeAccessWorkspace();
    root = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: KEYS.root } });
    alice = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: KEYS.alice } });
    bob = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: KEYS.bob } });
    for (const gw of [root, alice, bob]) await waitForTools(gw.client, ["faulty__echo"]);
    await waitForTools(root.client, ["everything__echo"]);
    tiny = await tinyImageName(root.client);
  });

  after(async () => {
    for (const gw of [root, alice, bob]) await gw?.close();
    ws?.cleanup();
  });

  test("each key lists only what it may read", { timeout: 30000 }, async () => {
    const aliceTools = names(await listAllTools(alice.client));
    assert.deepEqual(aliceTools.filter((n) => n.startsWith("everything")).sort(),
      ["everything__echo", "everything__get-sum", tiny].sort());
    assert.ok(aliceTools.includes("faulty__crash"), String(aliceTools));
    const bobTools = names(await listAllTools(bob.client));
    for (const hidden of ["everything__echo", tiny]) assert.ok(!bobTools.includes(hidden), String(bobTools));
    assert.ok(bobTools.includes("everything__get-sum") && bobTools.includes("faulty__echo"), String(bobTools));
  });

  test("execute calls, read gets -32003 with the decision, hidden answers like unknown", { timeout: 30000 }, async () => {
    const echoed = await call(alice.client, "everything__echo", { message: "hi" });
    assert.match(JSON.stringify(echoed.content), /hi/);
    await expectDenied(call(alice.client, "everything__get-sum", { a: 1, b: 2 }), "everything", "get-sum", "read-only");
    await expectHidden(call(alice.client, "everything__get-env"), "everything__get-env");
    await expectHidden(call(alice.client, "everything__no-such-tool"), "everything__no-such-tool");
    const bobCall = await call(bob.client, "faulty__echo", { text: "x" }).catch((e) => e);
    assert.notEqual(bobCall?.code, -32003, "bob may execute faulty__echo");
  });

  test("calling through an alias is decided on the real server", { timeout: 30000 }, async () => {
    await call(alice.client, "ev__echo", { message: "via alias" });
    await expectDenied(call(alice.client, "ev__get-sum", { a: 1, b: 2 }), "everything", "get-sum", "alias read-only");
    await expectHidden(call(alice.client, "ev__get-env"), "ev__get-env");
    await expectHidden(call(bob.client, "ev__echo", { message: "x" }), "ev__echo");
  });

  test("calling by the shortened or the long name is decided on the real tool", { timeout: 30000 }, async () => {
    await expectDenied(call(alice.client, tiny), "everything", "get-tiny-image", "shortened read-only");
    await expectDenied(call(alice.client, "everything__get-tiny-image"), "everything", "get-tiny-image", "long");
    await expectHidden(call(bob.client, tiny), tiny);
    await expectHidden(call(bob.client, "everything__get-tiny-image"), "everything__get-tiny-image");
    await expectHidden(call(bob.client, "ev__get-tiny-image"), "ev__get-tiny-image");
  });

  test("a tool name containing the separator reaches nothing hidden", { timeout: 30000 }, async () => {
    for (const name of ["faulty__everything__echo", "everything__echo__", "ev__everything__echo", "everything____echo"]) {
      await expectHidden(call(bob.client, name, { message: "x" }), name);
    }
  });

  test("a server name differing only in case is unknown", { timeout: 30000 }, async () => {
    for (const name of ["Everything__echo", "EVERYTHING__echo", "Ev__echo"]) {
      await expectHidden(call(alice.client, name, { message: "x" }), name);
      await expectHidden(call(bob.client, name, { message: "x" }), name);
    }
  });

  test("a denied prompt or resource answers like an unknown one", { timeout: 30000 }, async () => {
    const prompt = await alice.client.getPrompt({ name: "everything__simple-prompt" });
    assert.ok(prompt.messages.length > 0);
    const err = await expectMcpError(alice.client.getPrompt({ name: "everything__args-prompt", arguments: { city: "x" } }),
      -32003, "read-only prompt");
    assert.deepEqual(err.data, { server: "everything", tool: "args-prompt", level: "read" });
    await expectHidden(alice.client.getPrompt({ name: "everything__resource-prompt" }), "everything__resource-prompt");
    await expectHidden(bob.client.getPrompt({ name: "everything__simple-prompt" }), "everything__simple-prompt");
    await expectHidden(bob.client.getPrompt({ name: "ev__simple-prompt" }), "ev__simple-prompt");
    const read = await alice.client.readResource({ uri: ALLOWED_DOC });
    assert.ok(read.contents.length > 0);
    await expectHidden(alice.client.readResource({ uri: OTHER_DOC }), OTHER_DOC);
    await expectHidden(bob.client.readResource({ uri: ALLOWED_DOC }), ALLOWED_DOC);
    // Both visible prompts have names over 20 characters, so they are listed shortened.
    const prompts = (await alice.client.listPrompts()).prompts;
    assert.equal(prompts.length, 2, JSON.stringify(prompts));
    await expectDenied(alice.client.getPrompt({ name: prompts.find((p) => p.arguments?.length).name, arguments: { city: "x" } }),
      "everything", "args-prompt", "shortened read-only prompt");
    const resources = (await alice.client.listResources()).resources.map((r) => r.uri);
    assert.deepEqual(resources, [ALLOWED_DOC]);
    const bobResources = (await bob.client.listResources()).resources.map((r) => r.uri);
    assert.ok(!bobResources.some((u) => u.startsWith("demo://")), String(bobResources));
  });

  test("a server that is down is told only to a caller that may read there", { timeout: 30000 }, async () => {
    await expectMcpError(call(bob.client, "broken__anything"), -32001, "bob reads broken");
    await expectHidden(call(alice.client, "broken__anything"), "broken__anything");
  });
});

function runGateway(configPath, env) {
  return new Promise((resolve) => {
    const proc = spawn(gatewayBin(), ["--config", configPath], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    proc.stdout.on("data", (c) => (stdout += c));
    proc.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10000);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("refused keys over stdio", () => {
  let ws;
  before(() => (ws = makeAccessWorkspace()));
  after(() => ws?.cleanup());

  test("an invalid key exits 1 with a clear message and never prints the key", { timeout: 15000 }, async () => {
    const secret = "not-a-configured-key-5150";
    const r = await runGateway(ws.configPath, { MCPGW_API_KEY: secret });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /MCPGW_API_KEY: invalid API key/);
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), r.stderr);
  });

  test("an empty key exits 1 and never falls back to anonymous", { timeout: 15000 }, async () => {
    const r = await runGateway(ws.configPath, { MCPGW_API_KEY: "" });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /MCPGW_API_KEY: empty API key/);
  });

  test("without a key the caller is anonymous with permissions.default (deny: sees nothing)", { timeout: 30000 }, async () => {
    const gw = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: undefined } });
    try {
      assert.deepEqual(await listAllTools(gw.client), []);
      await expectHidden(call(gw.client, "everything__echo", { message: "x" }), "everything__echo");
    } finally {
      await gw.close();
    }
  });
});

async function connectWithHeaders(url, headers) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "perm-e2e", version: "1.0.0" }, { capabilities: {} });
  await withTimeout(client.connect(transport), 30000, "connect over HTTP");
  return client;
}

describe("permissions over Streamable HTTP", () => {
  let ws, gw;
  before(async () => {
    ws = makeAccessWorkspace();
    gw = await startHttpGateway(ws.configPath);
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  test("two keys on one gateway see different tools and get the right errors", { timeout: 40000 }, async () => {
    const alice = await connectWithHeaders(gw.url, { Authorization: `Bearer ${KEYS.alice}` });
    const bob = await connectWithHeaders(gw.url, { "X-API-Key": KEYS.bob });
    try {
      await waitForTools(alice, ["everything__echo", "faulty__echo"]);
      const aliceTools = names(await listAllTools(alice));
      const bobTools = names(await listAllTools(bob));
      assert.ok(aliceTools.includes("everything__echo") && !bobTools.includes("everything__echo"));
      assert.ok(bobTools.includes("everything__get-env") && !aliceTools.includes("everything__get-env"));
      await call(alice, "everything__echo", { message: "hi" });
      await expectDenied(call(alice, "everything__get-sum", { a: 1, b: 2 }), "everything", "get-sum", "alice get-sum");
      await expectHidden(call(bob, "everything__echo", { message: "x" }), "everything__echo");
    } finally {
      await alice.close().catch(() => {});
      await bob.close().catch(() => {});
    }
  });

  const expect401 = async (headers, label) => {
    const res = await post(gw.url, initializeRequest(), headers);
    const text = await res.text();
    assert.equal(res.status, 401, `${label}: ${text}`);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="mcpgw"', label);
    assert.equal(JSON.parse(text).error.code, -32000, label);
    for (const key of Object.values(KEYS)) assert.ok(!text.includes(key), `${label}: key in body`);
    return text;
  };

  test("a key given twice with different values gets 401", { timeout: 15000 }, async () => {
    await expect401({ Authorization: `Bearer ${KEYS.alice}`, "X-API-Key": KEYS.bob }, "two keys");
  });

  test("an empty key or an unknown key gets 401 and never falls back to anonymous", { timeout: 15000 }, async () => {
    await expect401({ Authorization: "Bearer " }, "empty bearer");
    const text = await expect401({ Authorization: "Bearer wrong-key-31337" }, "unknown key");
    assert.ok(!text.includes("wrong-key-31337"));
    await expect401({ Authorization: `Basic ${KEYS.alice}` }, "not Bearer");
  });

  test("the legacy SSE endpoints check the key too", { timeout: 15000 }, async () => {
    const open = await fetch(`${gw.base}/sse`, { headers: { Accept: "text/event-stream", "X-API-Key": "bad-key-77" } });
    assert.equal(open.status, 401);
    assert.equal(open.headers.get("www-authenticate"), 'Bearer realm="mcpgw"');
    await open.text();
    const message = await post(`${gw.base}/messages?sessionId=x`, { jsonrpc: "2.0", id: 1, method: "ping" },
      { Authorization: `Bearer ${KEYS.alice}`, "X-API-Key": KEYS.bob });
    assert.equal(message.status, 401);
    await message.text();
  });

  test("the same key in both headers is accepted", { timeout: 15000 }, async () => {
    const res = await post(gw.url, initializeRequest(), { Authorization: `Bearer ${KEYS.alice}`, "X-API-Key": KEYS.alice });
    assert.equal(res.status, 200, await res.text());
  });

  test("a session cannot be used with another key, or without one", { timeout: 15000 }, async () => {
    const aliceHeaders = { Authorization: `Bearer ${KEYS.alice}` };
    const res = await post(gw.url, initializeRequest(), aliceHeaders);
    assert.equal(res.status, 200);
    const sid = res.headers.get("mcp-session-id");
    await res.text();
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const mine = await post(gw.url, list, { ...aliceHeaders, "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-06-18" });
    assert.equal(mine.status, 200);
    assert.ok((await readReply(mine)).result.tools.length > 0);
    for (const headers of [{ "X-API-Key": KEYS.bob }, {}]) {
      const other = await post(gw.url, list, { ...headers, "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-06-18" });
      assert.equal(other.status, 404, JSON.stringify(headers));
      await other.text();
    }
    const bad = await post(gw.url, list, { "X-API-Key": "nope-nope", "Mcp-Session-Id": sid });
    assert.equal(bad.status, 401);
    await bad.text();
  });
});

describe("the seed case and the command line", () => {
  const SEED_KEY = "seed-key-2718";
  let ws;

  before(() => {
    ws = makeWorkspace(({ filesDir }) => ({ filesystem: upstreams.filesystem(filesDir), database: upstreams.faulty() }),
      { aliases: {} });
    const config = {
      ...ws.config,
      aliases: { db: "database" },
      keys: [{ name: "seed", hash: hash(SEED_KEY) }, { name: "locked", hash: hash("locked-key-1") }],
      policies: {
        seed: {
          default: "deny",
          rules: [
            rule("filesystem", "read_file", "execute"),
            rule("database", "*", "execute"),
            rule("*", "delete_*", "deny"),
            rule("github", "*", "read"),
          ],
        },
        locked: { default: "deny" },
      },
      permissions: { default: "deny", keys: { seed: "seed", locked: "locked" } },
    };
    fs.writeFileSync(ws.configPath, JSON.stringify(config, null, 2));
  });
  after(() => ws?.cleanup());

  const explain = (server, tool, key = SEED_KEY) =>
    runCli(["explain", "--config", ws.configPath, "--key", key, server, tool], { timeoutMs: 10000 });

  test("mcpgw explain prints the decision, the policy, the rule and the reason for the seed case", { timeout: 30000 }, async () => {
    const cases = [
      ["filesystem", "read_file", "execute", /policies\.seed\.rules\[0\]/],
      ["database", "query", "execute", /policies\.seed\.rules\[1\]/],
      ["db", "delete_rows", "deny", /policies\.seed\.rules\[2\]/],
      ["filesystem", "write_file", "deny", /default of policy "seed"/],
    ];
    for (const [server, tool, level, ruleLine] of cases) {
      const r = await explain(server, tool);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^decision: ${level}$`, "m"), r.stdout);
      assert.match(r.stdout, /^policy: seed$/m, r.stdout);
      assert.match(r.stdout, ruleLine, r.stdout);
      assert.match(r.stdout, /^reason: .+/m, r.stdout);
      assert.ok(!r.stdout.includes(SEED_KEY));
    }
    assert.match((await explain("db", "x")).stdout, /^server: database$/m, "the alias is resolved");
  });

  test("mcpgw explain with an unknown key exits 1 without printing it", { timeout: 15000 }, async () => {
    const r = await explain("filesystem", "read_file", "no-such-key-999");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid API key/);
    assert.ok(!r.stderr.includes("no-such-key-999") && !r.stdout.includes("no-such-key-999"));
  });

  test("mcpgw tools --key lists what that key sees", { timeout: 40000 }, async () => {
    const r = await runCli(["tools", "--config", ws.configPath, "--key", SEED_KEY], { timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    const listed = JSON.parse(r.stdout).tools.map((t) => t.name).sort();
    assert.ok(listed.includes("filesystem__read_file") && listed.includes("database__echo"), String(listed));
    assert.ok(!listed.includes("filesystem__write_file") && !listed.includes("filesystem__read_text_file"), String(listed));
    const bad = await runCli(["tools", "--config", ws.configPath, "--key", "wrong-key-0"], { timeoutMs: 30000 });
    assert.equal(bad.code, 1);
  });

  test("mcpgw check warns about rules that never apply and keys denied everything", { timeout: 15000 }, async () => {
    const r = await runCli(["check", "--config", ws.configPath], { timeoutMs: 10000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /warning: policies\.seed\.rules\[3\]: server "github" matches no configured server/);
    assert.match(r.stdout, /warning: key "locked" is denied everything/);
    assert.ok(!/warning: key "seed"/.test(r.stdout), r.stdout);
  });

  test("the seed case end to end: the seed key executes what its rules allow and sees nothing else", { timeout: 40000 }, async () => {
    const gw = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: SEED_KEY } });
    try {
      await waitForTools(gw.client, ["filesystem__read_file", "database__echo"]);
      const listed = names(await listAllTools(gw.client));
      assert.ok(!listed.includes("filesystem__write_file"), String(listed));
      const read = await call(gw.client, "filesystem__read_file", { path: ws.helloPath });
      assert.match(JSON.stringify(read.content), /hello from mcpgw e2e/);
      await call(gw.client, "db__echo", { text: "x" }).catch((e) => assert.notEqual(e.code, -32003));
      await expectHidden(call(gw.client, "filesystem__write_file", { path: ws.helloPath, content: "x" }), "filesystem__write_file");
      assert.equal(fs.readFileSync(ws.helloPath, "utf8"), ws.helloText, "write_file must not have run");
    } finally {
      await gw.close();
    }
  });
});
