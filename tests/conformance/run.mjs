// The official MCP conformance suite (@modelcontextprotocol/conformance, --suite all) run three
// times: directly against the suite's legacy reference server, through mcpgw (HTTP mode) in front
// of that server as a Streamable HTTP upstream, and through mcpgw in front of the same server's
// stdio variant. Both gateways expose the upstream's names unchanged ("prefix": false), so each
// must score exactly what the reference scores directly, scenario by scenario: every difference is
// a place where the gateway is not transparent. It also times test_reconnection through the
// gateway (the result of a call whose SSE stream the server closed must still arrive).
//
// Env: MCPGW_BIN (the gateway binary), MCPGW_CONFORMANCE_WORK (the work dir, default beside the
// binary), MCPGW_CONFORMANCE_DIR (the reference servers; see fixtures.mjs). Without the reference
// servers the test is skipped (exit 77), except under CI=true, where that is a failure. Needs
// Node 22 (node_modules/.bin/node).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Children, freePort, sleep, tail, withTimeout } from "./children.mjs";
import { locateFixtures, prepareLegacy } from "./fixtures.mjs";
import { RECONNECTION_TEXT, timeReconnection } from "./reconnection.mjs";
import { compare, readRun } from "./scores.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NODE_BIN = path.join(ROOT, "node_modules/.bin");
const SUITE = path.join(ROOT, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
const SKIP = 77;
const DEADLINE_MS = 540000;        // below the CTest TIMEOUT, so that we always clean up ourselves
const SUITE_RUN_MS = 150000;       // one --suite all run
const UPSTREAM_TIMEOUT_MS = 20000; // the gateway's timeout_ms for the reference
const RECONNECTION_BOUND_MS = 10000;
const SERVER = "reference";

const children = new Children();
const log = (line) => process.stdout.write(`${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

class Failure extends Error {}

function environment() {
  const env = { ...process.env, PATH: `${NODE_BIN}${path.delimiter}${process.env.PATH ?? ""}` };
  delete env.NODE_OPTIONS;
  return env;
}

function gatewayBin() {
  const bin = process.env.MCPGW_BIN;
  if (!bin || !fs.existsSync(bin)) throw new Failure(`MCPGW_BIN=${bin ?? ""} is not the built mcpgw binary`);
  return path.resolve(bin);
}

// Resolves when POST /mcp without a body answers 400 (the reference's "up" signal).
async function waitForReference(child, url, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!child.running) throw new Failure(`${child.label} exited before it answered:\n${tail(child.stdout + child.stderr)}`);
    try {
      const res = await fetch(url, { method: "POST", signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 400) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Failure(`${child.label} did not answer POST ${url} with 400 within ${ms} ms:\n${tail(child.stderr)}`);
    await sleep(100);
  }
}

// Starts the HTTP reference on a free loopback port (again on another port if the one picked
// was taken meanwhile). Returns its /mcp URL.
async function startReference(legacy, env, outDir) {
  const preload = path.join(legacy.dir, "loopback-only.mjs");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = children.start("reference", process.execPath, ["--import", "tsx", "everything-server.ts"], {
      cwd: legacy.dir,
      env: { ...env, PORT: String(port), NODE_OPTIONS: `--import=${preload}` },
      logFile: path.join(outDir, `reference-${attempt}.log`),
    });
    const url = `http://127.0.0.1:${port}/mcp`;
    try {
      await waitForReference(child, url, 30000);
      return url;
    } catch (e) {
      await child.stop();
      if (attempt === 3 || !/EADDRINUSE/.test(child.stderr)) throw e;
    }
  }
}

// Starts mcpgw in HTTP mode with `server` as its one upstream, exposed unprefixed; resolves
// with { child, url } once it listens and the upstream is ready.
async function startGateway(label, server, bin, env, outDir) {
  const config = {
    mcpServers: { [SERVER]: { ...server, prefix: false, timeout_ms: UPSTREAM_TIMEOUT_MS } },
    gateway: { startup_timeout_ms: 30000, drain_timeout_ms: 1000, shutdown_grace_ms: 1000 },
  };
  const configPath = path.join(outDir, `${label}.json`);
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const child = children.start(label, bin, ["--config", configPath, "--listen", "127.0.0.1:0"], {
    env, logFile: path.join(outDir, `${label}.log`),
  });
  try {
    const [, base] = await child.waitForStderr(/listening on (http:\/\/[^\s/]+)\/mcp/, 20000, "listening");
    await child.waitForStderr(new RegExp(`\\[${SERVER}\\] .*\\bto=ready\\b`), 30000, `upstream ${SERVER} ready`);
    return { child, url: `${base}/mcp` };
  } catch (e) {
    throw new Failure(`${e.message}\n--- ${label} stderr ---\n${tail(child.stderr)}`);
  }
}

// One --suite all run against url; returns its results (see scores.mjs) and how long it took.
async function runSuite(label, url, env, outDir) {
  const started = performance.now();
  const child = children.start(`suite ${label}`, process.execPath,
    [SUITE, "server", "--url", url, "--suite", "all", "-o", path.join(outDir, label)],
    { env, logFile: path.join(outDir, `suite-${label}.log`) });
  const done = await Promise.race([child.exited.then(() => true), sleep(SUITE_RUN_MS).then(() => false)]);
  if (!done) {
    log(`${label}: the suite did not finish within ${seconds(SUITE_RUN_MS)}; the scenarios it did not reach count as failed`);
    await child.stop();
  }
  return { results: readRun(child.stdout, child.stderr), ms: performance.now() - started };
}

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

async function conformance() {
  if (Number(process.versions.node.split(".")[0]) < 22) {
    throw new Failure(`needs Node 22 or newer (this is ${process.version}): run it with ${NODE_BIN}/node`);
  }
  const bin = gatewayBin();
  const fixtures = locateFixtures(ROOT);
  if (fixtures.missing) {
    if (process.env.CI === "true") throw new Failure(`${fixtures.missing} (required under CI=true)`);
    log(`conformance: skipped: ${fixtures.missing}`);
    return SKIP;
  }
  const workDir = path.resolve(process.env.MCPGW_CONFORMANCE_WORK ?? path.join(path.dirname(bin), "tests", "conformance"));
  fs.mkdirSync(workDir, { recursive: true });
  for (const old of fs.readdirSync(workDir)) {
    if (old.startsWith("out-")) fs.rmSync(path.join(workDir, old), { recursive: true, force: true });
  }
  const outDir = fs.mkdtempSync(path.join(workDir, "out-"));
  const env = environment();
  const times = [];
  let phase = performance.now();
  const lap = (label) => {
    const now = performance.now();
    times.push(`${label} ${seconds(now - phase)}`);
    phase = now;
  };

  const legacy = await prepareLegacy(fixtures.dir, workDir, env);
  lap(legacy.npmCi ? "setup (npm ci)" : "setup");
  const referenceUrl = await startReference(legacy, env, outDir);
  lap("reference start");

  const runs = [];
  const direct = await runSuite("direct", referenceUrl, env, outDir);
  runs.push(["direct", direct.results]);
  times.push(`direct ${seconds(direct.ms)}`);

  // The gateways' upstreams inherit this environment; the stdio variant needs Node 22 first on PATH.
  const http = await startGateway("gateway-http", { type: "http", url: referenceUrl }, bin, env, outDir);
  const viaHttp = await runSuite("gateway-http", http.url, env, outDir);
  runs.push(["gateway-http", viaHttp.results]);
  times.push(`gateway-http ${seconds(viaHttp.ms)}`);
  // test_reconnection may take the upstream timeout: it runs while the stdio gateway is tested.
  const reconnectionStarted = performance.now();
  const reconnectionDone = checkReconnection(referenceUrl, http.url);

  const stdio = await startGateway("gateway-stdio", {
    command: process.execPath, args: ["--import", "tsx", path.basename(legacy.stdioVariant)], cwd: legacy.dir,
  }, bin, env, outDir);
  const viaStdio = await runSuite("gateway-stdio", stdio.url, env, outDir);
  runs.push(["gateway-stdio", viaStdio.results]);
  times.push(`gateway-stdio ${seconds(viaStdio.ms)}`);
  await stdio.child.stop();
  const reconnection = await reconnectionDone;
  times.push(`test_reconnection ${seconds(performance.now() - reconnectionStarted)} (alongside)`);
  await http.child.stop();

  const { summary, table, differing } = compare(runs);
  log(summary);
  for (const line of table) log(line);
  for (const line of reconnection.lines) log(line);
  log(`times: ${times.join(", ")}`);
  log(`outputs (checks.json per scenario, logs of every process): ${outDir}`);

  const problems = [];
  if (direct.results.size === 0) problems.push("the direct run reported no scenario");
  if (differing > 0) problems.push(`${differing} scenario(s) score differently through the gateway`);
  if (reconnection.problem) problems.push(reconnection.problem);
  if (problems.length > 0) throw new Failure(problems.join("; "));
  return 0;
}

async function main() {
  process.on("exit", () => children.killNow());
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      log(`conformance: interrupted by ${signal}; stopping every process it started`);
      children.stopAll().finally(() => process.exit(1));
    });
  }
  let code;
  try {
    code = await withTimeout(conformance(), DEADLINE_MS, "the whole conformance run");
  } catch (e) {
    log(`conformance: FAILED: ${e instanceof Failure ? e.message : e.stack ?? e}`);
    code = 1;
  }
  await children.stopAll();
  process.exit(code);
}

main();
