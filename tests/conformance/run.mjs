// The official MCP conformance suite (@modelcontextprotocol/conformance, --suite all) run three
// times: directly against the suite's legacy reference server, through mcpgw (HTTP mode) in front
// of that server as a Streamable HTTP upstream, and through mcpgw in front of the same server's
// stdio variant. Both gateways expose the upstream's names unchanged ("prefix": false), so each
// must score at least what the reference scores directly, check by check: every check that does
// worse is a place where the gateway is not transparent (known_differences.mjs lists those that
// are not the gateway's to fix). It also times test_reconnection through the
// gateway (the result of a call whose SSE stream the server closed must still arrive).
//
// Env: MCPGW_BIN (the gateway binary), MCPGW_CONFORMANCE_WORK (the work dir, default beside the
// binary), MCPGW_CONFORMANCE_DIR (the reference servers; see fixtures.mjs). Without the reference
// servers the test is skipped (exit 77), except under CI=true, where that is a failure. Needs
// Node 22 (node_modules/.bin/node).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { locateFixtures, prepareReference } from "./fixtures.mjs";
import { RECONNECTION_TEXT, timeReconnection } from "./reconnection.mjs";
import { knownDifferences } from "./known_differences.mjs";
import { compareNoWorse, printDifferences, totals } from "./scores.mjs";
import {
  Failure, SKIP, environment, gatewayBin, log, outputDir, requireNode22, runMain, runSuite, seconds, startGateway,
  httpUpstream, startReference, stdioUpstream,
} from "./targets.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NODE_BIN = path.join(ROOT, "node_modules/.bin");
const SUITE = path.join(ROOT, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
const DEADLINE_MS = 540000;        // below the CTest TIMEOUT, so that we always clean up ourselves
const SUITE_RUN_MS = 150000;       // one --suite all run
const UPSTREAM_TIMEOUT_MS = 20000; // the gateway's timeout_ms for the reference
const RECONNECTION_BOUND_MS = 10000;

// test_reconnection, directly and through gateway-http at the same time. The result must come
// through the gateway within RECONNECTION_BOUND_MS, well under the upstream's timeout_ms, when it
// comes directly (to the SDK client, which waits the announced retry interval and resumes with
// Last-Event-ID). A reference whose SDK drops a response finished while the request's stream was
// closed (server transports before 1.32 do not store it for replay) gives no result directly
// either; then the gateway must still end the call, with its upstream timeout (-32002), and not
// leave the client waiting. Returns { lines (to print), problem (or undefined) }.
async function checkReconnection(directUrl, gatewayUrl) {
  const [direct, viaGateway] = await Promise.all([
    timeReconnection(directUrl, RECONNECTION_BOUND_MS),
    timeReconnection(gatewayUrl, UPSTREAM_TIMEOUT_MS + 5000),
  ]);
  const got = (r) => !r.error && !r.isError && r.text.includes(RECONNECTION_TEXT);
  const describe = (label, r) => `test_reconnection ${label}: ${got(r) ? "result" : "no result"} after ${seconds(r.ms)}` +
    (got(r) ? "" : ` (${r.error ?? r.text})`);
  const lines = [describe("direct", direct), describe("through gateway-http", viaGateway)];
  let problem;
  if (viaGateway.connectFailed) {
    problem = `test_reconnection: ${viaGateway.error}`;
  } else if (got(direct)) {
    if (!got(viaGateway) || viaGateway.ms >= RECONNECTION_BOUND_MS) {
      problem = `test_reconnection: the result arrives directly but not through the gateway within ${seconds(RECONNECTION_BOUND_MS)} ` +
        `(upstream timeout_ms ${UPSTREAM_TIMEOUT_MS})`;
    }
  } else {
    lines.push("test_reconnection: no result directly either (the reference drops a response that is ready while " +
      "the request's stream is closed), so only checking that the gateway ends the call");
    if (viaGateway.silent) {
      problem = `test_reconnection: the gateway left the call unanswered past its upstream timeout_ms (${UPSTREAM_TIMEOUT_MS})`;
    }
  }
  return { lines, problem };
}

async function conformance(children) {
  requireNode22(NODE_BIN);
  const bin = gatewayBin();
  const fixtures = locateFixtures(ROOT, "legacy");
  if (fixtures.missing) {
    if (process.env.CI === "true") throw new Failure(`${fixtures.missing} (required under CI=true)`);
    log(`conformance: skipped: ${fixtures.missing}`);
    return SKIP;
  }
  const { workDir, outDir } = outputDir(bin, "out-");
  const env = environment(NODE_BIN);
  const times = [];
  let phase = performance.now();
  const lap = (label) => {
    const now = performance.now();
    times.push(`${label} ${seconds(now - phase)}`);
    phase = now;
  };
  const suite = (label, url) => runSuite(children, { suite: SUITE, args: ["--suite", "all"], label, url, env, outDir, ms: SUITE_RUN_MS });
  const gateway = { bin, env, outDir, timeoutMs: UPSTREAM_TIMEOUT_MS };

  const legacy = await prepareReference(fixtures.dir, "legacy", workDir, env);
  lap(legacy.npmCi ? "setup (npm ci)" : "setup");
  const referenceUrl = await startReference(children, legacy, env, outDir);
  lap("reference start");

  const runs = [];
  const direct = await suite("direct", referenceUrl);
  runs.push(["direct", direct.results]);
  times.push(`direct ${seconds(direct.ms)}`);

  // The gateways' upstreams inherit this environment; the stdio variant needs Node 22 first on PATH.
  const http = await startGateway(children, "gateway-http", httpUpstream(referenceUrl), gateway);
  const viaHttp = await suite("gateway-http", http.url);
  runs.push(["gateway-http", viaHttp.results]);
  times.push(`gateway-http ${seconds(viaHttp.ms)}`);
  // test_reconnection may take the upstream timeout: it runs while the stdio gateway is tested.
  const reconnectionStarted = performance.now();
  const reconnectionDone = checkReconnection(referenceUrl, http.url);

  const stdio = await startGateway(children, "gateway-stdio", stdioUpstream(legacy), gateway);
  const viaStdio = await suite("gateway-stdio", stdio.url);
  runs.push(["gateway-stdio", viaStdio.results]);
  times.push(`gateway-stdio ${seconds(viaStdio.ms)}`);
  await stdio.child.stop();
  const reconnection = await reconnectionDone;
  times.push(`test_reconnection ${seconds(performance.now() - reconnectionStarted)} (alongside)`);
  await http.child.stop();

  const { table, differences, failing } = compareNoWorse(runs,
    (scenario, target) => knownDifferences(scenario, "0.1.16", target));
  log("conformance: " + runs.map(([label, results]) => {
    const t = totals(results);
    return `${label} ${t.passed}/${t.passed + t.failed}`;
  }).join(" "));
  for (const line of table) log(`  ${line}`);
  printDifferences(differences, log);
  for (const line of reconnection.lines) log(line);
  log(`times: ${times.join(", ")}`);
  log(`outputs (checks.json per scenario, logs of every process): ${outDir}`);

  const problems = [];
  if (direct.results.size === 0) problems.push("the direct run reported no scenario");
  if (failing > 0) problems.push(`${failing} scenario run(s) score worse through a gateway than directly`);
  if (reconnection.problem) problems.push(reconnection.problem);
  if (problems.length > 0) throw new Failure(problems.join("; "));
  return 0;
}

runMain("conformance", conformance, DEADLINE_MS);
