// The official TypeScript SDK client against `mcpgw --listen`, over Streamable HTTP and over the
// legacy HTTP+SSE transport (SSEClientTransport): the same kinds of checks as the stdio tests.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { firstText, listAllTools, makeWorkspace, upstreams, waitForTools } from "./helpers.mjs";
import { connectHttpClient, startHttpGateway } from "./http_helpers.mjs";

for (const legacy of [false, true]) {
  describe(`SDK client over ${legacy ? "legacy HTTP+SSE" : "Streamable HTTP"}`, () => {
    let ws;
    let gw;
    let conn;
    before(async () => {
      ws = makeWorkspace(() => ({ everything: upstreams.everything(), faulty: upstreams.faulty() }));
      gw = await startHttpGateway(ws.configPath);
      conn = await connectHttpClient(gw, { legacy });
      await waitForTools(conn.client, ["everything__echo", "faulty__slow"]);
    });
    after(async () => {
      await conn?.close();
      gw?.kill();
      ws?.cleanup();
    });

    test("lists namespaced tools of both upstreams", async () => {
      const names = (await listAllTools(conn.client)).map((t) => t.name);
      for (const name of ["everything__echo", "everything__get-sum", "faulty__echo", "faulty__slow"]) {
        assert.ok(names.includes(name), `${name} missing: ${names}`);
      }
    });

    test("calls everything__echo", async () => {
      const res = await conn.client.callTool({ name: "everything__echo", arguments: { message: "over http" } });
      assert.match(firstText(res), /over http/);
    });

    test("relays progress for a long call", async () => {
      const progress = [];
      const res = await conn.client.callTool(
        { name: "everything__trigger-long-running-operation", arguments: { duration: 1, steps: 3 } },
        undefined,
        { onprogress: (p) => progress.push(p), timeout: 15000 },
      );
      assert.ok(res.content.length > 0);
      // The SDK client may handle the last notification after the result and drop it (it does
      // so against server-everything directly too), so at least two of the three must arrive.
      assert.ok(progress.length >= 2, JSON.stringify(progress));
    });

    test("gets a prompt and reads a resource", async () => {
      const prompt = await conn.client.getPrompt({ name: "everything__simple-prompt" });
      assert.ok(prompt.messages.length > 0);
      const { resources } = await conn.client.listResources();
      assert.ok(resources.length > 0);
      const read = await conn.client.readResource({ uri: resources[0].uri });
      assert.equal(read.contents[0].uri, resources[0].uri);
    });

    test("runs concurrent calls: a fast one is not held up by slow ones", async () => {
      const started = Date.now();
      const slow = [1, 2, 3].map((i) =>
        conn.client.callTool({ name: "faulty__slow", arguments: { ms: 1500 } }).then((r) => firstText(r)));
      const fast = await conn.client.callTool({ name: "faulty__echo", arguments: { text: "quick" } });
      assert.equal(firstText(fast), "quick");
      assert.ok(Date.now() - started < 1000, "the fast call waited for the slow ones");
      assert.deepEqual(await Promise.all(slow), ["slept 1500", "slept 1500", "slept 1500"]);
    });
  });
}
