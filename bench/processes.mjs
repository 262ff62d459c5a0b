// Child processes for the benchmark: start one and wait for the line that says it is ready,
// stop it (and wait), find a free loopback port.
import { spawn } from "node:child_process";
import net from "node:net";

/** A loopback port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns command and resolves once its stderr or stdout matches `ready` (a RegExp), with
 * {child, match, stop}. Rejects when it exits first or does not get ready within timeoutMs.
 */
export function startUntil(command, args, ready, { env = {}, timeoutMs = 30000 } = {}) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not get ready in ${timeoutMs} ms: ${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk) => {
      if (output === null) return;
      output += chunk.toString();
      const match = output.match(ready);
      if (!match) return;
      output = null;  // stop collecting; the pipes are still drained below
      clearTimeout(timer);
      child.off("exit", onExit);
      resolve({ child, match, stop: () => stopProcess(child) });
    };
    const onExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(" ")} exited (${code ?? signal}): ${output}`));
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", onExit);
  });
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process has exited. */
export async function stopProcess(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs command to completion; resolves with its stdout, rejects with its stderr on failure. */
export function run(command, args, { env = {}, timeoutMs = 300000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(stdout);
      reject(new Error(`${command} ${args.join(" ")} failed (${code ?? signal}): ${stderr.slice(-3000)}`));
    });
  });
}
