// completion/complete for a prompt and for a resource template of an upstream, and ping, through
// the gateway with the official SDK client and the real server-everything (whose
// completable-prompt and dynamic resource templates complete their arguments), over stdio and
// Streamable HTTP.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connectGateway, expectMcpError, makeWorkspace, upstreams, waitFor } from "./helpers.mjs";
import { connectHttpClient, startHttpGateway } from "./http_helpers.mjs";

const PROMPT = "everything__completable-prompt";
const TEMPLATE = "demo://resource/dynamic/text/{resourceId}";

async function checkCompletions(client) {
  await waitFor(
    async () => (await client.listPrompts()).prompts.some((p) => p.name === PROMPT),
    25000,
    `${PROMPT} listed`,
  );
  const department = await client.complete({
    ref: { type: "ref/prompt", name: PROMPT },
    argument: { name: "department", value: "E" },
  });
  assert.deepEqual(department.completion.values, ["Engineering"]);
  // The context's arguments reach the upstream too.
  const lead = await client.complete({
    ref: { type: "ref/prompt", name: PROMPT },
    argument: { name: "name", value: "A" },
    context: { arguments: { department: "Engineering" } },
  });
  assert.deepEqual(lead.completion.values, ["Alice"]);

  const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
  assert.ok(templates.includes(TEMPLATE), JSON.stringify(templates));
  const id = await client.complete({
    ref: { type: "ref/resource", uri: TEMPLATE },
    argument: { name: "resourceId", value: "7" },
  });
  assert.deepEqual(id.completion.values, ["7"]);

  // A prompt no upstream has is the caller's mistake, named.
  await expectMcpError(
    client.complete({ ref: { type: "ref/prompt", name: "everything__nope" }, argument: { name: "a", value: "" } }),
    -32602,
    "completion for an unknown prompt",
  );
  assert.deepEqual(await client.ping(), {});
}

describe("completion/complete and ping", () => {
  let ws;
  before(() => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
  });
  after(() => ws?.cleanup());

  test("over stdio: prompt and resource-template arguments complete through the gateway", { timeout: 60000 }, async () => {
    const gw = await connectGateway(ws.configPath);
    try {
      assert.ok(gw.client.getServerCapabilities().completions);
      await checkCompletions(gw.client);
    } finally {
      await gw.close();
    }
  });

  test("over Streamable HTTP: the same", { timeout: 60000 }, async () => {
    const gw = await startHttpGateway(ws.configPath);
    let connection;
    try {
      connection = await connectHttpClient(gw);
      await checkCompletions(connection.client);
    } finally {
      await connection?.close();
      gw.kill();
    }
  });
});
