// Remote upstreams for the end-to-end tests: server-everything in its HTTP modes and our fixtures,
// each a child process on 127.0.0.1 that the test stops in its after hook.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { ROOT, withTimeout } from "./helpers.mjs";

export const AUTH_SERVER = path.join(ROOT, "tests/fixtures/auth_server.mjs");
export const WS_SERVER = path.join(ROOT, "tests/fixtures/ws_server.mjs");

/** A port that was free a moment ago (server-everything takes its port from PORT). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Spawns node with args and waits until its output matches `ready`; returns {child, match, stop()}. */
async function startNode(args, env, ready) {
  const child = spawn("node", args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const match = await withTimeout(
    new Promise((resolve, reject) => {
      const onData = (chunk) => {
        output += chunk.toString();
        const m = output.match(ready);
        if (m) resolve(m);
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code}): ${output}`)));
    }),
    20000,
    `${path.basename(args[0])} ${args.slice(1).join(" ")} to start`,
  );
  child.stdout.resume();
  child.stderr.resume();
  return {
    child,
    match,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await withTimeout(exited, 5000, "upstream exit").catch(() => child.kill("SIGKILL"));
    },
  };
}

/** server-everything in "streamableHttp" or "sse" mode; url is its MCP endpoint. */
export async function startEverything(mode) {
  const port = await freePort();
  const bin = path.join(ROOT, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  const proc = await startNode([bin, mode], { PORT: String(port) }, /listening on port|running on port/i);
  const endpoint = mode === "sse" ? "/sse" : "/mcp";
  return { ...proc, port, url: `http://127.0.0.1:${port}${endpoint}` };
}

/** A fixture that prints "... listening on PORT", started with optional command-line args. */
export async function startFixture(script, env = {}, args = []) {
  const proc = await startNode([script, ...args], env, /listening on (\d+)/);
  const port = Number(proc.match[1]);
  return { ...proc, port, base: `http://127.0.0.1:${port}` };
}
