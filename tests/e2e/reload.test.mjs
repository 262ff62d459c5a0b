// Reload end to end (README "Admin API and reload"): editing the config file and sending SIGHUP
// (here through `mcpgw reload --pid`) adds a server without restarting the others (their
// process ids stay the same), and the SDK client on the GET stream is told; an invalid edit is
// rejected whole, with the field path in the log, and the gateway keeps serving.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { descendants, firstText, makeWorkspace, runCli, upstreams, waitFor, waitForTools, withGatewayStderr } from "./helpers.mjs";
import { connectHttpClient, startHttpGateway } from "./http_helpers.mjs";

const writeConfig = (ws, servers) =>
  fs.writeFileSync(ws.configPath, JSON.stringify({ ...ws.config, mcpServers: servers }, null, 2));

describe("reload", () => {
  let ws, gw, connection;
  let changes = 0;
  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
    gw = await startHttpGateway(ws.configPath);
    connection = await connectHttpClient(gw);
    connection.client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changes += 1; });
    await waitForTools(connection.client, ["everything__echo"], 30000);
  });
  after(async () => {
    await connection?.close();
    gw?.kill();
    ws?.cleanup();
  });

  test("SIGHUP after an edit adds a server and leaves the others running", { timeout: 60000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const before = descendants(gw.proc.pid);
      assert.ok(before.length > 0, "the everything server runs as a child");
      const seen = changes;
      writeConfig(ws, { everything: upstreams.everything(), memory: upstreams.memory(ws.dir) });
      const cli = await runCli(["reload", "--pid", String(gw.proc.pid)]);
      assert.equal(cli.code, 0, cli.stderr);
      await waitFor(() => changes > seen, 30000, "tools/list_changed after the reload");
      await waitForTools(connection.client, ["memory__read_graph", "everything__echo"], 30000);
      const after = descendants(gw.proc.pid);
      for (const pid of before) assert.ok(after.includes(pid), `child ${pid} kept running`);
      assert.ok(after.length > before.length, "memory runs as a new child");
      assert.match(gw.stderr(), /reload by SIGHUP: added \[memory\], changed \[\], removed \[\], 1 unchanged/);
    });
  });

  test("an invalid edit is rejected whole and the gateway keeps serving", { timeout: 60000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const before = descendants(gw.proc.pid);
      writeConfig(ws, { everything: upstreams.everything(), memory: { ...upstreams.memory(ws.dir), timeout_ms: -1 } });
      process.kill(gw.proc.pid, "SIGHUP");
      await waitFor(() => /reload by SIGHUP rejected.*mcpServers\.memory\.timeout_ms/.test(gw.stderr()), 10000, "the rejection in the log");
      const res = await fetch(`${gw.base}/admin/reload`, { method: "POST", headers: { "Content-Type": "application/json" } });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error.path, "mcpServers.memory.timeout_ms");
      const echo = await connection.client.callTool({ name: "everything__echo", arguments: { message: "still here" } });
      assert.match(firstText(echo), /still here/);
      await waitForTools(connection.client, ["memory__read_graph"], 5000);
      assert.deepEqual(descendants(gw.proc.pid).sort(), before.sort());
    });
  });
});
