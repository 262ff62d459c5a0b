// Server-initiated messages reach an HTTP client on its session's GET stream: when an upstream's
// tool list changes (here: the faulty fixture restarts after a crash and then adds a tool), the
// SDK client connected over Streamable HTTP is told with notifications/tools/list_changed.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { FAULTY_SERVER, makeWorkspace, waitFor, waitForTools, withGatewayStderr } from "./helpers.mjs";
import { connectHttpClient, startHttpGateway } from "./http_helpers.mjs";

describe("list_changed on the GET stream", () => {
  let ws;
  let gw;
  let connection;
  before(async () => {
    ws = makeWorkspace(() => ({ faulty: { command: "node", args: [FAULTY_SERVER, "--list-changed"] } }));
    gw = await startHttpGateway(ws.configPath);
    connection = await connectHttpClient(gw);
  });
  after(async () => {
    await connection?.close();
    gw?.kill();
    ws?.cleanup();
  });

  test("a change in an upstream's tools reaches the client as tools/list_changed", { timeout: 60000 }, async () => {
    await withGatewayStderr(() => gw, async () => {
      const { client } = connection;
      let changes = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changes += 1; });
      await waitForTools(client, ["faulty__added"], 30000);
      await client.callTool({ name: "faulty__crash", arguments: {} }).catch(() => {});
      // The restarted fixture lists five tools, then adds "added" again: two changes.
      await waitFor(() => changes >= 1, 20000, "notifications/tools/list_changed on the GET stream");
      await waitForTools(client, ["faulty__added"], 20000);
    });
  });
});
