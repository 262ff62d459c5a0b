// The command line: `tools` in both formats, `check` on good and bad configs, `hash-key`, and the
// config conveniences (MCPGW_CONFIG, ${VAR} expansion).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { makeWorkspace, runCli, upstreams } from "./helpers.mjs";

const show = (r) => `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ""}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

function parseJsonOutput(r) {
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`stdout is not one JSON document (${e.message})\n${show(r)}`);
  }
}

function toolArray(doc, r) {
  const tools = Array.isArray(doc) ? doc : doc?.tools;
  assert.ok(Array.isArray(tools), `expected an array or {"tools": [...]}\n${show(r)}`);
  return tools;
}

describe("mcpgw command line", () => {
  let ws;

  before(() => {
    ws = makeWorkspace(({ filesDir }) => ({
      everything: upstreams.everything(),
      filesystem: upstreams.filesystem(filesDir),
    }));
  });

  after(() => ws?.cleanup());

  test("tools --format openai prints OpenAI function definitions of the merged list", { timeout: 40000 }, async () => {
    const r = await runCli(["tools", "--config", ws.configPath, "--format", "openai"], { timeoutMs: 30000 });
    assert.equal(r.code, 0, show(r));
    const items = toolArray(parseJsonOutput(r), r);
    for (const item of items) {
      assert.equal(item.type, "function", JSON.stringify(item));
      assert.equal(typeof item.function?.name, "string", JSON.stringify(item));
      assert.match(item.function.name, /^[a-zA-Z0-9_-]{1,64}$/);
      assert.equal(typeof item.function.description, "string", JSON.stringify(item));
      assert.equal(item.function.parameters?.type, "object", JSON.stringify(item));
      assert.deepEqual(Object.keys(item).sort(), ["function", "type"], JSON.stringify(item));
    }
    const names = items.map((i) => i.function.name);
    assert.ok(names.includes("everything__echo"), `everything__echo missing: ${names}`);
    assert.ok(names.includes("filesystem__read_text_file"), `filesystem__read_text_file missing: ${names}`);
    const echo = items.find((i) => i.function.name === "everything__echo");
    assert.equal(echo.function.description, "Echoes back the input string");
    assert.equal(echo.function.parameters.properties.message.type, "string");
    assert.deepEqual(echo.function.parameters.required, ["message"]);
  });

  test("tools --format mcp prints MCP tool objects", { timeout: 40000 }, async () => {
    const r = await runCli(["tools", "--config", ws.configPath, "--format", "mcp"], { timeoutMs: 30000 });
    assert.equal(r.code, 0, show(r));
    const tools = toolArray(parseJsonOutput(r), r);
    const names = tools.map((t) => t.name);
    assert.ok(names.includes("everything__echo"), `everything__echo missing: ${names}`);
    assert.ok(names.includes("everything__get-sum"), `everything__get-sum missing: ${names}`);
    assert.ok(names.includes("filesystem__read_text_file"), `filesystem__read_text_file missing: ${names}`);
    for (const t of tools) assert.equal(t.inputSchema?.type, "object", JSON.stringify(t));
    const sum = tools.find((t) => t.name === "everything__get-sum");
    assert.deepEqual(Object.keys(sum.inputSchema.properties).sort(), ["a", "b"]);
  });

  test("check accepts a good config, exits 0 and names the servers and aliases", { timeout: 20000 }, async () => {
    const r = await runCli(["check", "--config", ws.configPath]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /\beverything\b/, show(r));
    assert.match(r.stdout, /\bfilesystem\b/, show(r));
    assert.match(r.stdout, /\bfs\b/, `alias fs not shown\n${show(r)}`);
  });

  test("MCPGW_CONFIG replaces --config", { timeout: 20000 }, async () => {
    const r = await runCli(["check"], { env: { MCPGW_CONFIG: ws.configPath } });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /\beverything\b/, show(r));
  });

  test("check rejects a negative timeout_ms, exits 1 and names the field", { timeout: 20000 }, async () => {
    const bad = structuredClone(ws.config);
    bad.mcpServers.everything.timeout_ms = -1;
    const badPath = path.join(ws.dir, "bad-timeout.json");
    fs.writeFileSync(badPath, JSON.stringify(bad));
    const r = await runCli(["check", "--config", badPath]);
    assert.equal(r.code, 1, show(r));
    assert.ok(r.stderr.includes("mcpServers.everything.timeout_ms"), `field path missing from stderr\n${show(r)}`);
  });

  test("check rejects an unknown key and names it", { timeout: 20000 }, async () => {
    const bad = structuredClone(ws.config);
    bad.mcpServers.everything.comand = "typo";
    const badPath = path.join(ws.dir, "bad-key.json");
    fs.writeFileSync(badPath, JSON.stringify(bad));
    const r = await runCli(["check", "--config", badPath]);
    assert.equal(r.code, 1, show(r));
    assert.ok(r.stderr.includes("comand"), `unknown key not named in stderr\n${show(r)}`);
  });

  test("check rejects a file that is not JSON, and a missing file, with exit 1", { timeout: 20000 }, async () => {
    const badPath = path.join(ws.dir, "not-json.json");
    fs.writeFileSync(badPath, "{ this is not json");
    const r = await runCli(["check", "--config", badPath]);
    assert.equal(r.code, 1, show(r));
    assert.ok(r.stderr.length > 0, show(r));
    const missing = await runCli(["check", "--config", path.join(ws.dir, "does-not-exist.json")]);
    assert.equal(missing.code, 1, show(missing));
  });

  test("${VAR} in the config expands from the environment", { timeout: 40000 }, async () => {
    const cfg = {
      mcpServers: { filesystem: { command: "${MCPGW_E2E_FS_BIN}", args: ["${MCPGW_E2E_FS_DIR}"] } },
      gateway: { startup_timeout_ms: 20000 },
    };
    const cfgPath = path.join(ws.dir, "with-vars.json");
    fs.writeFileSync(cfgPath, JSON.stringify(cfg));
    const env = { MCPGW_E2E_FS_BIN: upstreams.filesystem(ws.filesDir).command, MCPGW_E2E_FS_DIR: ws.filesDir };
    const r = await runCli(["tools", "--config", cfgPath, "--format", "mcp"], { env, timeoutMs: 30000 });
    assert.equal(r.code, 0, show(r));
    const names = toolArray(parseJsonOutput(r), r).map((t) => t.name);
    assert.ok(names.includes("filesystem__read_text_file"), `filesystem tools missing: ${names}\n${show(r)}`);
  });

  test("hash-key prints the sha256 form of a key", { timeout: 10000 }, async () => {
    const r = await runCli(["hash-key", "abc"]);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
