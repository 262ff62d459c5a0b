// The child processes of a conformance run: each is started in a process group of its own (so
// that stopping it also stops what it started, such as the gateway's stdio upstream), its output
// is kept in memory (bounded) and in a log file, and every one of them is stopped when the run
// ends, whether it passed, failed, timed out or was interrupted.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

const KEEP_CHARS = 1 << 20;

/** Rejects with a message naming `label` if `promise` takes longer than `ms`. */
export function withTimeout(promise, ms, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function tail(text, lines = 40) {
  return text.split("\n").slice(-lines).join("\n");
}

/** One started process: its output so far, a promise of its exit, and stop(). */
class Child {
  constructor(label, command, args, { env, cwd, logFile }) {
    this.label = label;
    this.stdout = "";
    this.stderr = "";
    this.waiters = [];
    this.log = logFile ? fs.createWriteStream(logFile) : null;
    this.proc = spawn(command, args, { env, cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => {
      this.proc.on("error", (e) => {
        this.stderr += `\n[spawn error] ${e.message}\n`;
        resolve(`spawn error: ${e.message}`);
      });
      this.proc.on("exit", (code, signal) => resolve(code ?? signal));
    });
    this.proc.stdout.on("data", (chunk) => this.onOutput("stdout", chunk));
    this.proc.stderr.on("data", (chunk) => this.onOutput("stderr", chunk));
    this.exited.then(() => this.log?.end());
  }

  onOutput(stream, chunk) {
    const text = chunk.toString();
    this[stream] = (this[stream] + text).slice(-KEEP_CHARS);
    this.log?.write(text);
    for (const waiter of [...this.waiters]) waiter();
  }

  get running() {
    return this.proc.pid !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /**
   * Resolves with the first match of `regex` in the process's stderr (past or future); rejects
   * when the process exits first or after `ms`.
   */
  waitForStderr(regex, ms, label) {
    const found = new Promise((resolve, reject) => {
      const check = () => {
        const match = this.stderr.match(regex);
        if (match) {
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(match);
        }
      };
      this.waiters.push(check);
      check();
      this.exited.then((code) => reject(new Error(`${this.label} exited (${code}) before ${label}`)));
    });
    return withTimeout(found, ms, `${this.label}: ${label}`);
  }

  /** SIGTERM to the process group, SIGKILL after graceMs; resolves when the leader is gone. */
  async stop(graceMs = 5000) {
    if (!this.running) return;
    this.signalGroup("SIGTERM");
    const gone = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    this.signalGroup("SIGKILL");  // also whatever of the group outlived its leader
    if (!gone) await Promise.race([this.exited, sleep(2000)]);
  }

  signalGroup(signal) {
    if (this.proc.pid === undefined) return;
    try {
      process.kill(-this.proc.pid, signal);
    } catch {
      // the group is gone already
    }
  }
}

/** Every child of the run; stopAll() ends them all, killNow() is for the process's exit handler. */
export class Children {
  constructor() {
    this.all = [];
  }

  start(label, command, args, options) {
    const child = new Child(label, command, args, options);
    this.all.push(child);
    return child;
  }

  async stopAll() {
    await Promise.all(this.all.map((child) => child.stop()));
  }

  killNow() {
    for (const child of this.all) child.signalGroup("SIGKILL");
  }
}
