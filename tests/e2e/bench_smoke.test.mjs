// The benchmark's smoke run (bench/run.mjs --smoke): every scenario, every system and both load
// paths run for a moment, so that the benchmark cannot rot. Its figures are not checked (no
// timing assertion in the tests); that every table is there and mcpgw and direct made no errors is.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { ROOT } from "./helpers.mjs";

const buildDir = path.dirname(process.env.MCPGW_BIN);

/** The rows of the Markdown table under the heading that starts with `heading`. */
function tableRows(report, heading) {
  const section = report.split("\n## ").find((s) => s.startsWith(heading));
  assert.ok(section, `no section "${heading}" in:\n${report}`);
  return section.split("\n").filter((l) => l.startsWith("| ") && !/^\| (system|target|---) /.test(l))
    .map((l) => l.slice(2, -2).split(" | "));
}

test("the benchmark's smoke run measures every scenario with no errors from mcpgw or direct", { timeout: 240000 }, () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mcpgw-bench-smoke-")), "results.md");
  const run = spawnSync("node", [path.join(ROOT, "bench/run.mjs"), "--smoke", "--build", buildDir, "--out", out],
    { encoding: "utf8", timeout: 230000 });
  assert.equal(run.status, 0, `bench/run.mjs --smoke failed:\n${run.stderr}`);
  const report = fs.readFileSync(out, "utf8");
  assert.equal(tableRows(report, "Targets").length, 7);  // 64 connections only in a full run
  const scenarios = ["1. stdio", "2. stdio", "3. Streamable HTTP", "4. Streamable HTTP", "5. Growth", "6. Streamable HTTP"];
  for (const heading of scenarios) {
    const rows = tableRows(report, heading);
    const ours = rows.filter(([system]) => system.startsWith("mcpgw") || system.startsWith("direct"));
    assert.ok(ours.length >= 2, `${heading}: no mcpgw or direct rows`);
    for (const row of ours) assert.equal(row.at(-1), "0", `${heading}: errors in ${row.join(" | ")}`);
  }
  // Every peer that speaks Streamable HTTP has figures under load.
  const loaded = tableRows(report, "3. Streamable HTTP").map(([system]) => system);
  for (const peer of ["supergateway", "mcp-proxy"]) assert.ok(loaded.includes(peer), `${peer} missing`);
  assert.ok(tableRows(report, "2. stdio").some(([system]) => system.startsWith("mcp-hub")), "mcp-hub missing");
});
