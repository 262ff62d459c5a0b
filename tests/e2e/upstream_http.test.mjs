// server-everything as an upstream in each of its modes, in one config: stdio, Streamable HTTP
// (type "http"), legacy HTTP+SSE (type "sse"), and a bare url that must fall back from Streamable
// HTTP to legacy SSE; reached by a client over stdio, Streamable HTTP and legacy SSE. The same
// checks pass through every combination.
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
import { connectHttpClient, startHttpGateway } from "./http_helpers.mjs";
import { startEverything } from "./upstream_helpers.mjs";

const SERVERS = ["stdio", "http", "sse", "auto"];
// Every way a client reaches mcpgw: over stdio, and over HTTP with the SDK's Streamable HTTP and
// legacy SSE clients. Each one runs the same checks against every upstream transport.
const CLIENTS = ["stdio", "streamable-http", "legacy-sse"];

describe("server-everything over stdio, Streamable HTTP, legacy SSE and auto-detect, from every client transport", () => {
  let streamable;
  let legacy;
  let ws;
  let httpGateway;
  const gateways = {};

  before(async () => {
    streamable = await startEverything("streamableHttp");
    legacy = await startEverything("sse");
    ws = makeWorkspace(() => ({
      stdio: upstreams.everything(),
      http: { type: "http", url: streamable.url },
      sse: { type: "sse", url: legacy.url },
      auto: { url: legacy.url },
    }));
    gateways.stdio = await connectGateway(ws.configPath);
    httpGateway = await startHttpGateway(ws.configPath);
    for (const [kind, legacyClient] of [["streamable-http", false], ["legacy-sse", true]]) {
      const connection = await connectHttpClient(httpGateway, { legacy: legacyClient });
      gateways[kind] = { ...connection, stderr: httpGateway.stderr };
    }
    for (const kind of CLIENTS) {
      await withGatewayStderr(() => gateways[kind], () =>
        waitForTools(gateways[kind].client, SERVERS.map((s) => `${s}__echo`), 40000));
    }
  }, { timeout: 120000 });

  after(async () => {
    for (const kind of CLIENTS) await gateways[kind]?.close();
    httpGateway?.kill();
    await streamable?.stop();
    await legacy?.stop();
    ws?.cleanup();
  });

  for (const kind of CLIENTS) {
    const check = (name, fn, timeout = 40000) =>
      test(`${kind} client: ${name}`, { timeout }, () => withGatewayStderr(() => gateways[kind], () => fn(gateways[kind].client)));

    check("every upstream transport lists the same tools", async (client) => {
      const { tools } = await client.listTools();
      const of = (server) => tools.filter((t) => t.name.startsWith(`${server}__`)).map((t) => t.name.slice(server.length + 2)).sort();
      for (const server of SERVERS.slice(1)) assert.deepEqual(of(server), of("stdio"), server);
    });

    check("a call is routed through every upstream transport and answered", async (client) => {
      for (const server of SERVERS) {
        const result = await client.callTool({ name: `${server}__echo`, arguments: { message: `hi ${server}` } });
        assert.equal(firstText(result), `Echo: hi ${server}`);
        const sum = await client.callTool({ name: `${server}__get-sum`, arguments: { a: 2, b: 3 } });
        assert.match(firstText(sum), /5/);
      }
    });

    check("progress notifications sent before the reply reach the client", async (client) => {
      for (const server of SERVERS) {
        const progress = [];
        const result = await client.callTool(
          { name: `${server}__trigger-long-running-operation`, arguments: { duration: 1, steps: 3 } },
          undefined,
          { onprogress: (p) => progress.push(p), timeout: 20000 },
        );
        assert.ok(progress.length >= 2, `${server}: ${progress.length} progress notifications`);
        assert.match(firstText(result), /completed/i);
      }
    });

    check("concurrent calls through every upstream transport all complete", async (client) => {
      const calls = [];
      for (const server of SERVERS) {
        for (let i = 0; i < 8; i++) {
          calls.push(client.callTool({ name: `${server}__echo`, arguments: { message: `${server}-${i}` } })
            .then((r) => assert.equal(firstText(r), `Echo: ${server}-${i}`)));
        }
      }
      await Promise.all(calls);
    });

    check("prompts and resources come through every upstream transport", async (client) => {
      const { prompts } = await client.listPrompts();
      for (const server of SERVERS) {
        assert.ok(prompts.some((p) => p.name === `${server}__simple-prompt`), server);
        const prompt = await client.getPrompt({ name: `${server}__simple-prompt` });
        assert.ok(prompt.messages.length > 0, server);
      }
      const { resources } = await client.listResources();
      assert.ok(resources.length > 0);
      const read = await client.readResource({ uri: resources[0].uri });
      assert.ok(read.contents.length > 0);
    });
  }

  test("the gateway reports which transport the bare url ended up on", () => {
    assert.match(gateways.stdio.stderr(), /\[auto\] no Streamable HTTP here/);
    assert.doesNotMatch(gateways.stdio.stderr(), /\[http\] no Streamable HTTP here/);
  });
});
