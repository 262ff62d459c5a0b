// Per-server exposure end to end (README "Config reference", `tools` and `prompts`): allow and
// deny globs cut a server's list down, renamed items appear under their new names and
// descriptions while calls reach the upstream under the real name, and permissions decide on
// the real names. Upstreams: the real server-everything from npm, and our fixture (its
// call_count tool shows which name the upstream was called by).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import {
  FAULTY_SERVER,
  connectGateway,
  expectMcpError,
  firstText,
  listAllTools,
  makeWorkspace,
  runCli,
  upstreams,
  waitForTools,
  withGatewayStderr,
} from "./helpers.mjs";

const EXPOSED_TOOLS = [
  "everything__say", "everything__get-sum",
  "faulty__repeat", "faulty__last_cancelled", "faulty__call_count",
];

function makeExposureWorkspace(access = {}) {
  const ws = makeWorkspace(() => ({
    everything: upstreams.everything({
      tools: {
        allow: ["echo", "get-sum", "get-tiny-*"],
        deny: ["get-tiny-image"],
        rename: { echo: "say", "not-offered": "ghost" },
        description: { echo: "Says the message back." },
      },
      prompts: {
        allow: ["simple-prompt", "args-prompt"],
        rename: { "simple-prompt": "hello" },
        description: { "simple-prompt": "Greets you." },
      },
    }),
    faulty: upstreams.faulty({
      args: [FAULTY_SERVER, "--count-calls"],
      tools: { deny: ["crash", "hang", "slow"], rename: { echo: "repeat" } },
    }),
  }), { aliases: {} });
  const config = { ...ws.config, aliases: { ev: "everything" }, ...access };
  fs.writeFileSync(ws.configPath, JSON.stringify(config, null, 2));
  return ws;
}

const names = (items) => items.map((item) => item.name);
const call = (client, name, args = {}) => client.callTool({ name, arguments: args });

async function expectUnknown(promise, name, kind = "tool") {
  const err = await expectMcpError(promise, -32602, name);
  assert.match(err.message, new RegExp(`Unknown ${kind}: ${name}$`));
}

describe("per-server exposure (everything + faulty fixture)", () => {
  let ws, gw;
  const check = (name, fn) => test(name, { timeout: 30000 }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    ws = makeExposureWorkspace();
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, EXPOSED_TOOLS));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("the list holds only the exposed tools, under their new names and descriptions", async () => {
    const tools = await listAllTools(gw.client);
    assert.deepEqual(names(tools), EXPOSED_TOOLS);
    const say = tools.find((t) => t.name === "everything__say");
    assert.equal(say.description, "Says the message back.");
    assert.ok(say.inputSchema.properties.message, JSON.stringify(say.inputSchema));
    const sum = tools.find((t) => t.name === "everything__get-sum");
    assert.equal(sum.description, "Returns the sum of two numbers");
  });

  check("a renamed tool's call reaches the upstream under its real name", async () => {
    assert.equal(firstText(await call(gw.client, "everything__say", { message: "hi" })), "Echo: hi");
    assert.equal(firstText(await call(gw.client, "ev__say", { message: "alias" })), "Echo: alias");
    assert.equal(firstText(await call(gw.client, "faulty__repeat", { text: "once" })), "once");
    const count = async (tool) => firstText(await call(gw.client, "faulty__call_count", { tool }));
    assert.equal(await count("echo"), "1");
    assert.equal(await count("repeat"), "0");
  });

  check("a renamed tool is not reachable by its real name", async () => {
    for (const name of ["everything__echo", "ev__echo", "faulty__echo"]) {
      await expectUnknown(call(gw.client, name, { message: "x", text: "x" }), name);
    }
  });

  check("a tool hidden by a glob is unknown by every spelling", async () => {
    for (const name of ["everything__get-tiny-image", "ev__get-tiny-image", "everything__get-env",
      "faulty__crash", "faulty__hang"]) {
      await expectUnknown(call(gw.client, name), name);
    }
    assert.equal(firstText(await call(gw.client, "faulty__call_count", { tool: "crash" })), "0");
  });

  check("prompts are filtered, renamed and described alike", async () => {
    const { prompts } = await gw.client.listPrompts();
    const everything = prompts.filter((p) => p.name.startsWith("everything__"));
    assert.deepEqual(names(everything), ["everything__hello", "everything__args-prompt"]);
    assert.equal(everything[0].description, "Greets you.");
    const got = await gw.client.getPrompt({ name: "everything__hello" });
    assert.match(JSON.stringify(got.messages), /simple prompt without arguments/);
    await expectUnknown(gw.client.getPrompt({ name: "everything__simple-prompt" }),
      "everything__simple-prompt", "prompt");
    await expectUnknown(gw.client.getPrompt({ name: "everything__resource-prompt" }),
      "everything__resource-prompt", "prompt");
  });

  test("mcpgw tools prints the exposed names", { timeout: 40000 }, async () => {
    const r = await runCli(["tools", "--config", ws.configPath, "--format", "mcp"], { timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(names(JSON.parse(r.stdout).tools), EXPOSED_TOOLS);
  });
});

describe("permissions decide on the real names of renamed tools", () => {
  const KEY = "exposure-key-0123";
  const rule = (server, tool, level) => ({ server, tool, level });
  let ws, gw;

  before(async () => {
    ws = makeExposureWorkspace({
      keys: [{ name: "k", hash: `sha256:${crypto.createHash("sha256").update(KEY).digest("hex")}` }],
      policies: {
        p: {
          default: "execute",
          rules: [
            rule("everything", "echo", "deny"),
            rule("faulty", "echo", "read"),
            rule("faulty", "repeat", "deny"),  // names no real tool: decides nothing
          ],
        },
      },
      permissions: { default: "deny", keys: { k: "p" } },
    });
    gw = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: KEY } });
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["everything__get-sum", "faulty__repeat"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  test("a deny on the real name hides the renamed tool", { timeout: 30000 }, async () => {
    const listed = names(await listAllTools(gw.client));
    assert.ok(!listed.includes("everything__say"), String(listed));
    assert.ok(listed.includes("faulty__repeat"), String(listed));
    await expectUnknown(call(gw.client, "everything__say", { message: "x" }), "everything__say");
    await expectUnknown(call(gw.client, "ev__say", { message: "x" }), "ev__say");
  });

  test("read on the real name refuses the renamed tool with the real name in the data", { timeout: 30000 }, async () => {
    const err = await expectMcpError(call(gw.client, "faulty__repeat", { text: "x" }), -32003, "faulty__repeat");
    assert.deepEqual(err.data, { server: "faulty", tool: "echo", level: "read" });
    assert.match(firstText(await call(gw.client, "everything__get-sum", { a: 2, b: 3 })), /\b5\b/);
  });
});
