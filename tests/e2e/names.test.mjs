// Transparent names end to end (README "Config reference", `prefix`; "Notifications"): a server
// with "prefix": false is listed and called under its own names, so a gateway in front of
// server-everything alone lists exactly what server-everything lists; a name two unprefixed
// servers offer goes to the first by server name, and `mcpgw check --connect` reports the clash;
// upstream log lines keep their own `logger` and name their server in _meta; and a resource URI
// nobody lists can be subscribed to when one upstream serves resources. Upstreams: the real
// server-everything from npm, and our fixture (it offers an `echo` of its own).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import {
  connectGateway,
  expectMcpError,
  firstText,
  listAllTools,
  makeWorkspace,
  runCli,
  upstreams,
  waitFor,
  waitForTools,
  withGatewayStderr,
  withTimeout,
} from "./helpers.mjs";

const names = (items) => items.map((item) => item.name);

async function listAllPrompts(client) {
  const prompts = [];
  let cursor;
  for (let page = 0; page < 50; ++page) {
    const res = await client.listPrompts(cursor ? { cursor } : {});
    prompts.push(...res.prompts);
    cursor = res.nextCursor;
    if (!cursor) return prompts;
  }
  throw new Error("prompts/list did not end within 50 pages");
}

// What server-everything itself lists, asked directly, without the gateway.
async function listDirectly() {
  const entry = upstreams.everything();
  const transport = new StdioClientTransport({
    command: entry.command, args: entry.args, env: getDefaultEnvironment(), stderr: "ignore",
  });
  const client = new Client({ name: "direct", version: "1.0.0" }, { capabilities: {} });
  await withTimeout(client.connect(transport), 30000, "connect to server-everything directly");
  try {
    return { tools: await listAllTools(client), prompts: await listAllPrompts(client) };
  } finally {
    await withTimeout(client.close(), 10000, "close the direct client").catch(() => {});
  }
}

describe("one unprefixed server: the gateway is, name for name, the server itself", () => {
  let ws, gw, direct;
  const check = (name, fn) => test(name, { timeout: 30000 }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    direct = await listDirectly();
    ws = makeWorkspace(() => ({ everything: upstreams.everything({ prefix: false }) }));
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["echo", "get-sum"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("tools/list and prompts/list equal server-everything's own lists", async () => {
    assert.ok(direct.tools.length > 5, JSON.stringify(names(direct.tools)));
    assert.deepEqual(await listAllTools(gw.client), direct.tools);
    assert.deepEqual(await listAllPrompts(gw.client), direct.prompts);
  });

  check("tools and prompts are called by their own names; prefixed spellings are unknown", async () => {
    const res = await gw.client.callTool({ name: "echo", arguments: { message: "bare" } });
    assert.equal(firstText(res), "Echo: bare");
    const sum = await gw.client.callTool({ name: "get-sum", arguments: { a: 2, b: 3 } });
    assert.match(firstText(sum), /\b5\b/);
    const prompt = await gw.client.getPrompt({ name: "simple-prompt" });
    assert.ok(prompt.messages.length > 0, JSON.stringify(prompt));
    const err = await expectMcpError(
      gw.client.callTool({ name: "everything__echo", arguments: { message: "x" } }), -32602, "prefixed");
    assert.match(err.message, /Unknown tool: everything__echo$/);
  });

  check("a log line keeps the upstream's logger and names its server in _meta", async () => {
    const logs = [];
    gw.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
    const uri = "demo://resource/dynamic/text/7";
    await gw.client.subscribeResource({ uri });
    const line = () => logs.find((l) => String(l.data).includes(`Subscribe Resource request for URI: ${uri}`));
    await waitFor(line, 15000, "everything's log line about the subscribe");
    // server-everything names no logger in this line: none reaches the client either.
    assert.equal(Object.hasOwn(line(), "logger"), false, JSON.stringify(line()));
    assert.equal(line()._meta?.["io.mcpgw/server"], "everything", JSON.stringify(line()));
    assert.equal(line().level, "info");
    await gw.client.unsubscribeResource({ uri });
  });

  check("a URI no upstream lists nor templates is routed to the one resource server", async () => {
    const uri = "demo://resource/session/made-later";
    const resources = await gw.client.listResources();
    assert.ok(!resources.resources.some((r) => r.uri === uri));
    assert.deepEqual(await gw.client.subscribeResource({ uri }), {});
    assert.deepEqual(await gw.client.unsubscribeResource({ uri }), {});
  });
});

describe("two unprefixed servers offering one name", () => {
  let ws, gw;
  const check = (name, fn) => test(name, { timeout: 30000 }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    ws = makeWorkspace(() => ({
      everything: upstreams.everything({ prefix: false }),
      faulty: upstreams.faulty({ prefix: false }),
    }), { aliases: {} });
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["echo", "get-sum", "last_cancelled"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("the first server by name keeps the name; the other's item is left out and logged", async () => {
    const tools = await listAllTools(gw.client);
    assert.equal(tools.filter((t) => t.name === "echo").length, 1);
    assert.deepEqual(tools.find((t) => t.name === "echo").inputSchema.required, ["message"]);
    const res = await gw.client.callTool({ name: "echo", arguments: { message: "who" } });
    assert.equal(firstText(res), "Echo: who");
    const other = await gw.client.callTool({ name: "last_cancelled", arguments: {} });
    assert.equal(firstText(other), "null");
    await waitFor(() => /dropping tool 'echo' of server 'faulty': its name 'echo' is taken by 'echo' of server 'everything'/
      .test(gw.stderr()), 5000, "the clash warning in the gateway's log");
  });

  test("mcpgw check --connect reports the clash; check alone shows the prefix", { timeout: 60000 }, async () => {
    const plain = await runCli(["check", "--config", ws.configPath]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout.split("prefix: false").length - 1, 2, plain.stdout);
    assert.doesNotMatch(plain.stdout, /dropping/);
    const connected = await runCli(["check", "--config", ws.configPath, "--connect"], { timeoutMs: 45000 });
    assert.equal(connected.code, 0, connected.stderr);
    assert.match(connected.stdout,
      /^warning: catalog: dropping tool 'echo' of server 'faulty': its name 'echo' is taken by 'echo' of server 'everything'$/m,
      connected.stdout);
    assert.doesNotMatch(connected.stdout, /is not ready/, connected.stdout);
  });
});

describe("an unprefixed server that is not connected", () => {
  let ws, gw;

  before(async () => {
    ws = makeWorkspace(() => ({
      broken: { ...upstreams.faulty({ prefix: false }), args: [upstreams.faulty().args[0], "--crash-on-start"] },
      faulty: upstreams.faulty(),
    }), { aliases: {}, gateway: { startup_timeout_ms: 5000 } });
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["faulty__echo"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  test("an unknown name is its outage (-32001, data.server), and the others are served", { timeout: 30000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const err = await expectMcpError(
        gw.client.callTool({ name: "echo", arguments: { text: "x" } }, undefined, { timeout: 10000 }), -32001, "echo");
      assert.equal(err.data?.server, "broken");
      const res = await gw.client.callTool({ name: "faulty__echo", arguments: { text: "still here" } });
      assert.equal(firstText(res), "still here");
    });
  });
});
