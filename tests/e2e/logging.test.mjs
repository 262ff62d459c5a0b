// Logs: --log-level and --log-format (or MCPGW_LOG_LEVEL, MCPGW_LOG_FORMAT), the operational
// events (spawn, state_change) with their fields, and no secret on stderr. Stdout stays protocol.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RawGateway, makeWorkspace, runCli, stderrTail, upstreams, waitFor } from "./helpers.mjs";

const SECRET = "s3cret-env-value-7f1c";

/** Every non-empty stderr line, parsed; fails naming the first line that is not a JSON object. */
function jsonLines(stderr) {
  return stderr
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch (e) {
        assert.fail(`stderr line is not JSON (${e.message}): ${line}\n${stderrTail(stderr)}`);
      }
      assert.equal(typeof parsed, "object", line);
      assert.match(parsed.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, line);
      assert.ok(["debug", "info", "warn", "error"].includes(parsed.level), line);
      assert.equal(typeof parsed.msg, "string", line);
      return parsed;
    });
}

describe("mcpgw logs", () => {
  let ws;

  before(() => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything({ env: { EVERYTHING_TOKEN: SECRET } }) }));
  });
  after(() => ws?.cleanup());

  test("in json format every stderr line is JSON, with the spawn and the state change, and no secret", async () => {
    const gw = new RawGateway(ws.configPath, { env: { MCPGW_LOG_FORMAT: "json" } });
    try {
      await gw.initialize();
      await gw.waitForTool("everything__echo");
      const called = await gw.request("call", "tools/call", { name: "everything__echo", arguments: { message: "hi" } });
      assert.ok(called.result, JSON.stringify(called));
      const ready = (e) => e.event === "state_change" && e.server === "everything" && e.to === "ready";
      await waitFor(() => jsonLines(gw.stderrText).some(ready), 5000, "the state change to ready");
    } finally {
      await gw.close();
    }
    const events = jsonLines(gw.stderrText);
    const spawn = events.find((e) => e.event === "spawn" && e.server === "everything");
    assert.ok(spawn, `no spawn event\n${stderrTail(gw.stderrText)}`);
    assert.equal(spawn.command, ws.config.mcpServers.everything.command);
    assert.deepEqual(spawn.args, ["stdio"]);
    assert.equal(spawn.principal, "gateway");
    assert.ok(Number.isInteger(spawn.pid));
    const change = events.find((e) => e.event === "state_change" && e.to === "ready");
    assert.deepEqual(
      { server: change.server, from: change.from, principal: change.principal },
      { server: "everything", from: "connecting", principal: "gateway" },
    );
    for (const e of events.filter((e) => e.event === "upstream_stderr")) assert.equal(e.server, "everything");
    assert.ok(!gw.stderrText.includes(SECRET), "an env value reached the log");
    assert.ok(!gw.lines.join("\n").includes(SECRET));
    assert.deepEqual(gw.badLines, [], "stdout carried something other than protocol messages");
  });

  test("--log-level warn, given after a subcommand, leaves out the info lines", async () => {
    const r = await runCli(["tools", "--config", ws.configPath, "--log-level", "warn", "--log-format", "json"], {
      timeoutMs: 30000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).tools.some((t) => t.name === "everything__echo"), r.stdout);
    const below = jsonLines(r.stderr).filter((e) => e.level === "info" || e.level === "debug");
    assert.deepEqual(below, []);
  });

  test("--log-level warn in stdio mode writes no info line", async () => {
    const gw = new RawGateway(ws.configPath, { env: { MCPGW_LOG_LEVEL: "warn" } });
    try {
      await gw.initialize();
      await gw.waitForTool("everything__echo");
    } finally {
      await gw.close();
    }
    assert.doesNotMatch(gw.stderrText, / mcpgw (info|debug): /);
    assert.doesNotMatch(gw.stderrText, /\[everything\]/);
    assert.deepEqual(gw.badLines, []);
  });

  test("the text format is the default and prints the events as key=value", async () => {
    const r = await runCli(["tools", "--config", ws.configPath], { timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /mcpgw info: \[everything\] started command=\S+ args=\["stdio"\] pid=\d+ principal=gateway\n/);
    assert.match(r.stderr, /mcpgw info: \[everything\] ready from=connecting to=ready principal=gateway\n/);
    assert.ok(!r.stderr.includes(SECRET));
  });

  test("a failing command reports in the chosen format", async () => {
    const text = await runCli(["check", "--config", "/nonexistent/mcpgw.json"]);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /^mcpgw: /);
    const json = await runCli(["--log-format", "json", "check", "--config", "/nonexistent/mcpgw.json"]);
    assert.equal(json.code, 1);
    const [line, ...rest] = jsonLines(json.stderr);
    assert.deepEqual(rest, []);
    assert.equal(line.level, "error");
    assert.match(line.msg, /nonexistent/);
  });

  test("an unknown level or format is refused", async () => {
    const level = await runCli(["--log-level", "loud", "check", "--config", ws.configPath]);
    assert.notEqual(level.code, 0);
    assert.match(level.stderr, /log-level/);
    const format = await runCli(["check", "--config", ws.configPath], { env: { MCPGW_LOG_FORMAT: "xml" } });
    assert.notEqual(format.code, 0);
    assert.match(format.stderr, /log-format/);
  });
});
