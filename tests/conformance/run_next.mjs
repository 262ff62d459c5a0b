// The official MCP conformance suite's prerelease (conformance-next in node_modules:
// @modelcontextprotocol/conformance 0.2.0-alpha.12), with --requirements 2025-11-25 and with
// --requirements 2026-07-28, against the suite's next reference server three ways: directly over
// HTTP, through mcpgw (HTTP mode) in front of it as a Streamable HTTP upstream, and through mcpgw
// in front of its stdio variant (which speaks the legacy revisions only, so that a 2026-07-28
// client's calls cross the gateway's era bridge). Both gateways expose the upstream's names
// unchanged ("prefix": false). The reference itself fails some checks of this suite, so each
// gateway must do no worse than the reference directly, scenario by scenario and check by check,
// except where known_differences.mjs says why it cannot. The six runs go at once, each gateway
// run against a gateway of its own.
//
// Env as run.mjs: MCPGW_BIN, MCPGW_CONFORMANCE_WORK, MCPGW_CONFORMANCE_DIR. Without the reference
// servers the test is skipped (exit 77), except under CI=true, where that is a failure.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { locateFixtures, prepareReference } from "./fixtures.mjs";
import { knownDifferences } from "./known_differences.mjs";
import { compareNoWorse, printDifferences, totals } from "./scores.mjs";
import {
  Failure, SKIP, environment, gatewayBin, log, outputDir, requireNode22, runMain, runSuite, seconds, startGateway,
  httpUpstream, startReference, stdioUpstream,
} from "./targets.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NODE_BIN = path.join(ROOT, "node_modules/.bin");
const SUITE = path.join(ROOT, "node_modules/conformance-next/dist/index.js");
const REQUIREMENTS = ["2025-11-25", "2026-07-28"];
const DEADLINE_MS = 540000;        // below the CTest TIMEOUT, so that we always clean up ourselves
const SUITE_RUN_MS = 300000;       // one --requirements run
const SCENARIO_MS = 20000;         // the suite's bound on one scenario
const UPSTREAM_TIMEOUT_MS = 15000; // the gateway's timeout_ms for the reference

async function conformanceNext(children) {
  requireNode22(NODE_BIN);
  const bin = gatewayBin();
  const fixtures = locateFixtures(ROOT, "next");
  if (fixtures.missing) {
    if (process.env.CI === "true") throw new Failure(`${fixtures.missing} (required under CI=true)`);
    log(`conformance_next: skipped: ${fixtures.missing}`);
    return SKIP;
  }
  if (!fs.existsSync(SUITE)) throw new Failure(`the prerelease suite is not installed at ${SUITE} (npm ci)`);
  const started = performance.now();
  const { workDir, outDir } = outputDir(bin, "next-out-");
  const env = environment(NODE_BIN);
  const next = await prepareReference(fixtures.dir, "next", workDir, env);
  const setupMs = performance.now() - started;

  const referenceUrl = await startReference(children, next, env, outDir);
  // A gateway of its own for each run, so that the calls of one run never share an upstream with
  // another's (a shared stdio upstream may refuse a server's request when two sessions have calls
  // in flight and it cannot tell whose it is).
  const gateway = { bin, env, outDir, timeoutMs: UPSTREAM_TIMEOUT_MS };
  const upstreams = { "gateway-http": httpUpstream(referenceUrl), "gateway-stdio": stdioUpstream(next) };
  const gateways = await Promise.all(REQUIREMENTS.flatMap((requirements) => Object.entries(upstreams).map(
    async ([target, upstream]) => ({ requirements, target, ...await startGateway(children, `${requirements}-${target}`, upstream, gateway) }))));
  const targets = REQUIREMENTS.flatMap((requirements) => [{ requirements, target: "direct", url: referenceUrl },
    ...gateways.filter((g) => g.requirements === requirements)]);
  const startMs = performance.now() - started - setupMs;

  const runs = await Promise.all(targets.map(async ({ requirements, target, url }) => {
    const args = ["--requirements", requirements, "--timeout", String(SCENARIO_MS)];
    const run = await runSuite(children, { suite: SUITE, args, label: `${requirements}-${target}`, url, env, outDir, ms: SUITE_RUN_MS });
    return { requirements, target, ...run };
  }));

  const problems = [];
  for (const requirements of REQUIREMENTS) {
    const mine = runs.filter((r) => r.requirements === requirements);
    const { table, differences, failing } = compareNoWorse(mine.map((r) => [r.target, r.results]),
      (scenario, target) => knownDifferences(scenario, requirements, target));
    const scores = mine.map((r) => {
      const t = totals(r.results);
      return `${r.target} ${t.passed}/${t.passed + t.failed}`;
    });
    log(`conformance_next --requirements ${requirements}: ${scores.join(" ")}`);
    for (const line of table) log(`  ${line}`);
    if (differences.length > 0) log(`differences from direct (--requirements ${requirements}):`);
    printDifferences(differences, log);
    if (mine[0].results.size === 0) problems.push(`${requirements}: the direct run reported no scenario`);
    if (failing > 0) problems.push(`${requirements}: ${failing} scenario run(s) score worse through a gateway than directly`);
  }
  const times = runs.map((r) => `${r.requirements}-${r.target} ${seconds(r.ms)}`);
  log(`times: setup${next.npmCi ? " (npm ci)" : ""} ${seconds(setupMs)}, start ${seconds(startMs)}, suites at once ` +
    `(${times.join(", ")}), total ${seconds(performance.now() - started)}`);
  log(`outputs (checks.json per scenario, logs of every process): ${outDir}`);
  await Promise.all(gateways.map((g) => g.child.stop()));
  if (problems.length > 0) throw new Failure(problems.join("; "));
  return 0;
}

runMain("conformance_next", conformanceNext, DEADLINE_MS);
