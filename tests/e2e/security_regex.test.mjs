// A regular expression from an upstream's schema costs time linear in the argument: with
// "pattern": "^(a+)+$" (exponential for a backtracking engine: "a"*39 + "b" would take hours), a
// tools/call is answered with the validation result well within a second, under ASan too, and
// the gateway keeps serving. Also for patternProperties and format. The fixture upstream is ours:
// no real server's schema has such a pattern.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, connectGateway, firstText, makeWorkspace, waitForTools, withGatewayStderr } from "./helpers.mjs";

const BOUND_MS = 1000;  // a behaviour bound, not a benchmark
const EVIL_INPUT = "a".repeat(39) + "b";

describe("regular expressions in upstream schemas (regex_schema_server fixture)", () => {
  let ws;
  let gw;
  const check = (name, fn) => test(name, { timeout: 20000 }, () => withGatewayStderr(() => gw, fn));
  const timedCall = async (name, args) => {
    const started = performance.now();
    const result = await gw.client.callTool({ name, arguments: args });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < BOUND_MS, `${name} took ${Math.round(elapsed)} ms`);
    return result;
  };

  before(async () => {
    const server = { command: "node", args: [path.join(ROOT, "tests/fixtures/regex_schema_server.mjs")] };
    ws = makeWorkspace(() => ({ rx: server }), { aliases: {} });
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["rx__match", "rx__tagged", "rx__dated"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("a 40-character argument that ^(a+)+$ rejects is answered at once with the violation", async () => {
    const res = await timedCall("rx__match", { text: EVIL_INPUT });
    assert.equal(res.isError, true, JSON.stringify(res));
    assert.match(firstText(res), /^Invalid arguments for tool rx__match:\n- \/arguments\/text: .*'pattern'/);
  });

  check("a 40-character argument that ^(a+)+$ accepts is forwarded", async () => {
    const res = await timedCall("rx__match", { text: "a".repeat(40) });
    assert.ok(!res.isError, JSON.stringify(res));
    assert.equal(firstText(res), `ok {"text":"${"a".repeat(40)}"}`);
  });

  check("a property name checked by patternProperties ^(a+)+$ costs no more", async () => {
    const bad = await timedCall("rx__tagged", { [EVIL_INPUT]: "x", [`${"a".repeat(40)}`]: "not a number" });
    assert.equal(bad.isError, true, JSON.stringify(bad));
    assert.match(firstText(bad), new RegExp(`- /arguments/${"a".repeat(40)}: `));
    assert.doesNotMatch(firstText(bad), new RegExp(`/arguments/${EVIL_INPUT}:`));
    const good = await timedCall("rx__tagged", { [EVIL_INPUT]: "x", aaaa: 4 });
    assert.ok(!good.isError, JSON.stringify(good));
  });

  check("format date is still checked, and a long string is no trouble", async () => {
    assert.ok(!(await timedCall("rx__dated", { day: "2024-02-29" })).isError);
    const bad = await timedCall("rx__dated", { day: "2023-02-29" });
    assert.match(firstText(bad), /- \/arguments\/day: String should be a valid date/);
    const long = await timedCall("rx__dated", { day: "1".repeat(200000) });
    assert.equal(long.isError, true, JSON.stringify(long).slice(0, 200));
  });

  check("the gateway keeps serving", async () => {
    const res = await timedCall("rx__match", { text: "aaa" });
    assert.equal(firstText(res), 'ok {"text":"aaa"}');
  });
});
