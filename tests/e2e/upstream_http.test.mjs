// server-everything as a remote upstream in each of its modes, in one config next to its stdio
// mode: Streamable HTTP (type "http"), legacy HTTP+SSE (type "sse"), and a bare url that must
// fall back from Streamable HTTP to legacy SSE. The same checks pass through every one.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  connectGateway,
  firstText,
  makeWorkspace,
  upstreams,
  waitForTools,
  withGatewayStderr,
} from "./helpers.mjs";
import { startEverything } from "./upstream_helpers.mjs";

const SERVERS = ["stdio", "http", "sse", "auto"];

describe("server-everything over stdio, Streamable HTTP, legacy SSE and auto-detect", () => {
  let streamable;
  let legacy;
  let ws;
  let gw;
  const check = (name, fn, timeout = 30000) => test(name, { timeout }, () => withGatewayStderr(() => gw, fn));

  before(async () => {
    streamable = await startEverything("streamableHttp");
    legacy = await startEverything("sse");
    ws = makeWorkspace(() => ({
      stdio: upstreams.everything(),
      http: { type: "http", url: streamable.url },
      sse: { type: "sse", url: legacy.url },
      auto: { url: legacy.url },
    }));
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, SERVERS.map((s) => `${s}__echo`), 40000));
  }, { timeout: 90000 });

  after(async () => {
    await gw?.close();
    await streamable?.stop();
    await legacy?.stop();
    ws?.cleanup();
  });

  check("every transport lists the same tools", async () => {
    const { tools } = await gw.client.listTools();
    const of = (server) => tools.filter((t) => t.name.startsWith(`${server}__`)).map((t) => t.name.slice(server.length + 2)).sort();
    for (const server of SERVERS.slice(1)) assert.deepEqual(of(server), of("stdio"), server);
  });

  check("a call is routed through every transport and answered", async () => {
    for (const server of SERVERS) {
      const result = await gw.client.callTool({ name: `${server}__echo`, arguments: { message: `hi ${server}` } });
      assert.equal(firstText(result), `Echo: hi ${server}`);
      const sum = await gw.client.callTool({ name: `${server}__get-sum`, arguments: { a: 2, b: 3 } });
      assert.match(firstText(sum), /5/);
    }
  });

  check("progress notifications sent before the reply reach the client", async () => {
    for (const server of SERVERS) {
      const progress = [];
      const result = await gw.client.callTool(
        { name: `${server}__trigger-long-running-operation`, arguments: { duration: 1, steps: 3 } },
        undefined,
        { onprogress: (p) => progress.push(p), timeout: 20000 },
      );
      assert.ok(progress.length >= 2, `${server}: ${progress.length} progress notifications`);
      assert.match(firstText(result), /completed/i);
    }
  });

  check("concurrent calls through the HTTP transports all complete", async () => {
    const calls = [];
    for (const server of SERVERS.slice(1)) {
      for (let i = 0; i < 8; i++) {
        calls.push(gw.client.callTool({ name: `${server}__echo`, arguments: { message: `${server}-${i}` } })
          .then((r) => assert.equal(firstText(r), `Echo: ${server}-${i}`)));
      }
    }
    await Promise.all(calls);
  });

  check("prompts and resources come through the HTTP transports", async () => {
    const { prompts } = await gw.client.listPrompts();
    for (const server of SERVERS) assert.ok(prompts.some((p) => p.name === `${server}__simple-prompt`), server);
    const prompt = await gw.client.getPrompt({ name: "http__simple-prompt" });
    assert.ok(prompt.messages.length > 0);
    const { resources } = await gw.client.listResources();
    assert.ok(resources.length > 0);
    const read = await gw.client.readResource({ uri: resources[0].uri });
    assert.ok(read.contents.length > 0);
  });

  check("the gateway reports which transport the bare url ended up on", async () => {
    assert.match(gw.stderr(), /\[auto\] no Streamable HTTP here/);
    assert.doesNotMatch(gw.stderr(), /\[http\] no Streamable HTTP here/);
  });
});
