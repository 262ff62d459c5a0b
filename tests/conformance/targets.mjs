// What a conformance run tests and how: the reference server started over HTTP, mcpgw started in
// HTTP mode in front of an upstream (exposed unprefixed), one run of a suite against a URL, and
// the frame every run script shares (one deadline, every started process stopped at the end,
// exit 77 when the fixtures are absent outside CI).
import fs from "node:fs";
import path from "node:path";
import { Children, freePort, sleep, tail, withTimeout } from "./children.mjs";
import { readRun } from "./scores.mjs";

export const SKIP = 77;
const SERVER = "reference";

/** A failure of the run itself (as opposed to a bug in this script): printed without a stack. */
export class Failure extends Error {}

export const log = (line) => process.stdout.write(`${line}\n`);
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The environment of every child: Node 22 (nodeBin) first on PATH, no NODE_OPTIONS inherited. */
export function environment(nodeBin) {
  const env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH ?? ""}` };
  delete env.NODE_OPTIONS;
  return env;
}

export function requireNode22(nodeBin) {
  if (Number(process.versions.node.split(".")[0]) < 22) {
    throw new Failure(`needs Node 22 or newer (this is ${process.version}): run it with ${nodeBin}/node`);
  }
}

export function gatewayBin() {
  const bin = process.env.MCPGW_BIN;
  if (!bin || !fs.existsSync(bin)) throw new Failure(`MCPGW_BIN=${bin ?? ""} is not the built mcpgw binary`);
  return path.resolve(bin);
}

/**
 * The run's output folder: a fresh out-* under MCPGW_CONFORMANCE_WORK (default beside the
 * binary), whose older out-* folders are removed. `prefix` keeps the runs of different scripts
 * apart.
 */
export function outputDir(bin, prefix) {
  const workDir = path.resolve(process.env.MCPGW_CONFORMANCE_WORK ?? path.join(path.dirname(bin), "tests", "conformance"));
  fs.mkdirSync(workDir, { recursive: true });
  for (const old of fs.readdirSync(workDir)) {
    if (old.startsWith(prefix)) fs.rmSync(path.join(workDir, old), { recursive: true, force: true });
  }
  return { workDir, outDir: fs.mkdtempSync(path.join(workDir, prefix)) };
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

/**
 * Starts a prepared reference (see fixtures.mjs) over HTTP on a free loopback port (again on
 * another port if the one picked was taken meanwhile). Returns its /mcp URL.
 */
export async function startReference(children, reference, env, outDir, label = "reference") {
  const preload = path.join(reference.dir, "loopback-only.mjs");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = children.start(label, process.execPath, ["--import", "tsx", "everything-server.ts"], {
      cwd: reference.dir,
      env: { ...env, PORT: String(port), NODE_OPTIONS: `--import=${preload}` },
      logFile: path.join(outDir, `${label}-${attempt}.log`),
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

/** The gateway's upstream entry for a prepared reference's stdio variant. */
/**
 * The reference as a Streamable HTTP upstream. Its scenarios' servers send some requests (an
 * elicitation) on the session's GET stream, where no call can be told to have caused them: with
 * a connection per downstream session (isolation "session", as the README advises for such a
 * server) they always reach the client that asked, even while another scenario's call is still
 * in flight.
 */
export function httpUpstream(url) {
  return { type: "http", url, isolation: "session" };
}

export function stdioUpstream(reference) {
  return { command: process.execPath, args: ["--import", "tsx", path.basename(reference.stdioVariant)], cwd: reference.dir };
}

/**
 * Starts mcpgw in HTTP mode with `server` as its one upstream, exposed unprefixed, its calls
 * bounded by timeoutMs; resolves with { child, url } once it listens and the upstream is ready.
 */
export async function startGateway(children, label, server, { bin, env, outDir, timeoutMs }) {
  const config = {
    mcpServers: { [SERVER]: { ...server, prefix: false, timeout_ms: timeoutMs } },
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

/**
 * One run of the suite at `suite` (its dist/index.js) against url with the selection `args`
 * (such as ["--suite", "all"]), stopped after ms; the scenarios it did not reach count as
 * failed. Returns { results (see scores.mjs), ms }.
 */
export async function runSuite(children, { suite, args, label, url, env, outDir, ms }) {
  const started = performance.now();
  const child = children.start(`suite ${label}`, process.execPath,
    [suite, "server", "--url", url, ...args, "-o", path.join(outDir, label)],
    { env, logFile: path.join(outDir, `suite-${label}.log`) });
  const done = await Promise.race([child.exited.then(() => true), sleep(ms).then(() => false)]);
  if (!done) {
    log(`${label}: the suite did not finish within ${seconds(ms)}; the scenarios it did not reach count as failed`);
    await child.stop();
  }
  return { results: readRun(child.stdout, child.stderr), ms: performance.now() - started };
}

/**
 * Runs `body(children)` under `deadlineMs`, stops every process it started (also on SIGINT,
 * SIGTERM, SIGHUP) and exits with its code: what it returns, or 1 when it throws.
 */
export async function runMain(name, body, deadlineMs) {
  const children = new Children();
  process.on("exit", () => children.killNow());
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      log(`${name}: interrupted by ${signal}; stopping every process it started`);
      children.stopAll().finally(() => process.exit(1));
    });
  }
  let code;
  try {
    code = await withTimeout(body(children), deadlineMs, `the whole ${name} run`);
  } catch (e) {
    log(`${name}: FAILED: ${e instanceof Failure ? e.message : e.stack ?? e}`);
    code = 1;
  }
  await children.stopAll();
  process.exit(code);
}
