// The audit trail end to end over stdio: one JSON line per call and per denial in the file the
// config names (relative to the config file), with who, what, the decision and the outcome, and
// never the key, nor the arguments unless the config asks for them.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { connectGateway, expectMcpError, firstText, makeWorkspace, upstreams, waitFor } from "./helpers.mjs";

const KEY = "audit-ci-key-0123456789";
const SECRET_TEXT = "audit-argument-text-42";
const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
const rule = (server, tool, level) => ({ server, tool, level });

function makeAuditWorkspace(audit) {
  const ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }), { aliases: {} });
  const config = {
    ...ws.config,
    keys: [{ name: "ci", hash: hash(KEY), team: "eng", org: "acme" }],
    policies: {
      p: {
        default: "deny",
        rules: [rule("faulty", "echo", "execute"), rule("faulty", "slow", "read"), rule("faulty", "crash", "deny")],
      },
    },
    permissions: { default: "deny", keys: { ci: "p" } },
    audit,
  };
  fs.writeFileSync(ws.configPath, JSON.stringify(config, null, 2));
  return { ...ws, auditPath: path.join(ws.dir, "audit.jsonl") };
}

const readLines = (file) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];

async function withGateway(ws, body) {
  const gw = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: KEY } });
  try {
    await body(gw.client);
  } finally {
    await gw.close();
  }
}

describe("audit log", () => {
  test("a good call, denials, an unknown tool and bad arguments each get one line", async () => {
    const ws = makeAuditWorkspace({ file: "audit.jsonl" });
    try {
      await withGateway(ws, async (client) => {
        const good = await client.callTool({ name: "faulty__echo", arguments: { text: SECRET_TEXT } });
        assert.equal(firstText(good), SECRET_TEXT);
        await expectMcpError(client.callTool({ name: "faulty__slow", arguments: {} }), -32003, "read-only");
        await expectMcpError(client.callTool({ name: "faulty__crash", arguments: {} }), -32602, "hidden");
        await expectMcpError(client.callTool({ name: "faulty__nope", arguments: {} }), -32602, "unknown");
        const invalid = await client.callTool({ name: "faulty__echo", arguments: {} });
        assert.equal(invalid.isError, true);
      });
      const lines = await waitFor(() => {
        const found = readLines(ws.auditPath);
        return found.length >= 5 && found;
      }, 10000, "five audit lines");
      assert.equal(lines.length, 5, JSON.stringify(lines));
      for (const line of lines) {
        assert.equal(line.principal, "ci");
        assert.equal(line.team, "eng");
        assert.equal(line.org, "acme");
        assert.equal(line.method, "tools/call");
        assert.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.ok(Number.isInteger(line.latency_ms) && line.latency_ms >= 0, JSON.stringify(line));
        assert.equal(line.arguments, undefined);
      }
      const [good, readOnly, hidden, unknown, invalid] = lines;
      assert.deepEqual(
        { server: good.server, item: good.item, decision: good.decision, rule: good.rule, outcome: good.outcome },
        { server: "faulty", item: "echo", decision: "execute", rule: "policies.p.rules[0]", outcome: "ok" },
      );
      assert.deepEqual(
        [readOnly.item, readOnly.decision, readOnly.rule, readOnly.outcome, readOnly.code],
        ["slow", "read", "policies.p.rules[1]", "denied", undefined],
      );
      assert.deepEqual([hidden.item, hidden.decision, hidden.outcome], ["crash", "deny", "denied"]);
      assert.deepEqual(
        [unknown.server, unknown.item, unknown.decision, unknown.outcome, unknown.code],
        [null, "faulty__nope", null, "error", -32602],
      );
      assert.deepEqual([invalid.item, invalid.outcome], ["echo", "invalid_arguments"]);
      const text = fs.readFileSync(ws.auditPath, "utf8");
      assert.ok(!text.includes(KEY), "the audit file holds the key");
      assert.ok(!text.includes(SECRET_TEXT), "the audit file holds the arguments");
    } finally {
      ws.cleanup();
    }
  });

  test("include_arguments puts the arguments in the line, and still never the key", async () => {
    const ws = makeAuditWorkspace({ file: "audit.jsonl", include_arguments: true });
    try {
      await withGateway(ws, async (client) => {
        await client.callTool({ name: "faulty__echo", arguments: { text: SECRET_TEXT } });
      });
      const lines = await waitFor(() => readLines(ws.auditPath).length && readLines(ws.auditPath), 10000, "a line");
      assert.equal(lines.length, 1);
      assert.deepEqual(lines[0].arguments, { text: SECRET_TEXT });
      assert.equal(lines[0].result, undefined);
      assert.ok(!fs.readFileSync(ws.auditPath, "utf8").includes(KEY));
    } finally {
      ws.cleanup();
    }
  });

  test("without an audit object no audit file is written", async () => {
    const ws = makeAuditWorkspace(undefined);
    try {
      await withGateway(ws, async (client) => {
        await client.callTool({ name: "faulty__echo", arguments: { text: SECRET_TEXT } });
      });
      assert.equal(fs.existsSync(ws.auditPath), false);
    } finally {
      ws.cleanup();
    }
  });
});
