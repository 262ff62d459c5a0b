// Argument validation: a tools/call whose arguments break the tool's inputSchema is answered by
// the gateway with an isError result naming each failing path, and never reaches the upstream
// (the faulty fixture counts the calls it receives). Real server-everything for a real schema.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connectGateway, firstText, makeWorkspace, upstreams, waitForTools, withGatewayStderr } from "./helpers.mjs";

describe("argument validation (faulty fixture + everything)", () => {
  let ws;
  let gw;
  const check = (name, fn, timeout = 20000) =>
    test(name, { timeout }, () => withGatewayStderr(() => gw, fn));

  const echoCalls = async () => {
    const res = await gw.client.callTool({ name: "faulty__call_count", arguments: { tool: "echo" } });
    return Number(firstText(res));
  };

  before(async () => {
    ws = makeWorkspace(() => ({
      faulty: upstreams.faulty({ args: [upstreams.faulty().args[0], "--count-calls"] }),
      everything: upstreams.everything(),
    }));
    gw = await connectGateway(ws.configPath);
    await withGatewayStderr(() => gw, () =>
      waitForTools(gw.client, ["faulty__echo", "faulty__call_count", "everything__get-sum"]));
  }, { timeout: 60000 });

  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  check("a call missing a required argument is rejected with its path and never forwarded", async () => {
    const before = await echoCalls();
    const res = await gw.client.callTool({ name: "faulty__echo", arguments: {} });
    assert.equal(res.isError, true, JSON.stringify(res));
    const text = firstText(res);
    assert.match(text, /^Invalid arguments for tool faulty__echo:/);
    assert.match(text, /- \/arguments: .*text/);
    assert.equal(await echoCalls(), before, "the upstream saw the rejected call");
  });

  check("a call with an argument of the wrong type is rejected with that argument's path", async () => {
    const before = await echoCalls();
    const res = await gw.client.callTool({ name: "faulty__echo", arguments: { text: 42 } });
    assert.equal(res.isError, true, JSON.stringify(res));
    assert.match(firstText(res), /- \/arguments\/text: /);
    assert.equal(await echoCalls(), before, "the upstream saw the rejected call");
  });

  check("a call with good arguments goes through and reaches the upstream", async () => {
    const before = await echoCalls();
    const res = await gw.client.callTool({ name: "faulty__echo", arguments: { text: "valid" } });
    assert.ok(!res.isError, JSON.stringify(res));
    assert.equal(firstText(res), "valid");
    assert.equal(await echoCalls(), before + 1);
  });

  check("everything__get-sum with a string for a number is rejected with the path", async () => {
    const res = await gw.client.callTool({ name: "everything__get-sum", arguments: { a: "two", b: 3 } });
    assert.equal(res.isError, true, JSON.stringify(res));
    assert.match(firstText(res), /- \/arguments\/a: /);
    const good = await gw.client.callTool({ name: "everything__get-sum", arguments: { a: 2, b: 3 } });
    assert.ok(!good.isError, JSON.stringify(good));
    assert.match(firstText(good), /5/);
  });
});
