// The MCP project's conformance reference servers ("everything-server.ts" over Streamable HTTP:
// `legacy`, the legacy revisions; `next`, which also serves 2026-07-28 statelessly) as remote
// upstreams for end-to-end tests. Their sources are a test fixture kept outside this repository:
// MCPGW_CONFORMANCE_DIR, by default <repo>/../shared/conformance. A folder is copied to
// build/conformance-<which> and installed there with `npm ci` (Node 22 from the repository's
// node_modules first on PATH), once per package-lock.json: the lock's hash is kept beside the
// install.
import { execFile, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT, withTimeout } from "./helpers.mjs";
import { freePort } from "./upstream_helpers.mjs";

const FIXTURES = process.env.MCPGW_CONFORMANCE_DIR || path.join(ROOT, "../shared/conformance");
const sourceOf = (which) => path.join(FIXTURES, which);
const targetOf = (which) => path.join(ROOT, `build/conformance-${which}`);
const FILES = ["everything-server.ts", "loopback-only.mjs", "package.json", "package-lock.json"];
const NODE_BIN = path.join(ROOT, "node_modules/.bin");

/** Why a reference server cannot be used here (a message for test skip), or null when it can. */
export function referenceServerMissing(which = "legacy") {
  const source = sourceOf(which);
  const missing = FILES.filter((name) => !fs.existsSync(path.join(source, name)));
  if (missing.length === 0) return null;
  return `the conformance reference server is not at ${source} (set MCPGW_CONFORMANCE_DIR): ${missing.join(", ")} missing`;
}

function lockHash(which) {
  return crypto.createHash("sha256").update(fs.readFileSync(path.join(sourceOf(which), "package-lock.json"))).digest("hex");
}

/** Copies a reference server into build/conformance-<which> and runs `npm ci` unless the same lock is installed. */
export async function installReferenceServer(which = "legacy") {
  const source = sourceOf(which);
  const target = targetOf(which);
  const hash = lockHash(which);
  const stamp = path.join(target, ".lock-sha256");
  const installed = fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash;
  fs.mkdirSync(target, { recursive: true });
  for (const name of FILES) {
    fs.copyFileSync(path.join(source, name), path.join(target, name));
    fs.chmodSync(path.join(target, name), 0o644);  // the source may be read-only
  }
  if (installed && fs.existsSync(path.join(target, "node_modules/.bin/tsx"))) return target;
  fs.rmSync(stamp, { force: true });
  await promisify(execFile)("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: target,
    env: { ...process.env, PATH: `${NODE_BIN}:${process.env.PATH}` },
    timeout: 300000,
    maxBuffer: 16 * 1024 * 1024,
  });
  fs.writeFileSync(stamp, hash);
  return target;
}

/**
 * The installed reference server in a copy whose @modelcontextprotocol/sdk is the one this
 * repository pins (node_modules): the reference's own pinned SDK drops a POST stream's response
 * when no connection is open at that moment, so only a client that reconnects before the tool
 * answers (ignoring the server's 5 s `retry`) gets it. The copy keeps the reference's code.
 */
async function withRepositorySdk(dir) {
  const target = `${dir}-repository-sdk`;
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(dir, target, { recursive: true, verbatimSymlinks: true });
  const sdk = path.join(target, "node_modules/@modelcontextprotocol/sdk");
  fs.rmSync(sdk, { recursive: true, force: true });
  fs.symlinkSync(path.join(ROOT, "node_modules/@modelcontextprotocol/sdk"), sdk);
  return target;
}

/**
 * Installs (when needed) and starts a reference server (`which`) on a free loopback port; resolves once
 * `POST /mcp` without a body answers 400 (its README's readiness check), within 30 s.
 * Returns {child, port, url, stop()}.
 */
export async function startReferenceServer({ repositorySdk = false, which = "legacy" } = {}) {
  const installed = await installReferenceServer(which);
  const dir = repositorySdk ? await withRepositorySdk(installed) : installed;
  const port = await freePort();
  const child = spawn(path.join(NODE_BIN, "node"), ["--import", "tsx", "everything-server.ts"], {
    cwd: dir,
    env: {
      ...process.env,
      PATH: `${NODE_BIN}:${process.env.PATH}`,
      PORT: String(port),
      NODE_OPTIONS: `--import=${path.join(dir, "loopback-only.mjs")}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}/mcp`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await withTimeout(exited, 5000, "reference server exit").catch(() => child.kill("SIGKILL"));
  };
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`reference server exited (${child.exitCode}): ${output}`);
    const ready = await fetch(url, { method: "POST" }).then((r) => r.status === 400, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`reference server not ready on ${url} within 30 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, port, url, stop, output: () => output };
}
