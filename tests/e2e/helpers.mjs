// Shared setup for mcpgw's end-to-end tests: temp dirs and configs that point at the real MCP
// servers installed in node_modules, an SDK client connected to the gateway binary, a raw
// line-level client for protocol tests, and small timing helpers.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FAULTY_SERVER = path.join(ROOT, "tests/fixtures/faulty_server.mjs");

/** The gateway binary under test; CTest sets MCPGW_BIN. */
export function gatewayBin() {
  const bin = process.env.MCPGW_BIN;
  assert.ok(bin, "MCPGW_BIN is not set: point it at the built mcpgw binary");
  assert.ok(fs.existsSync(bin), `MCPGW_BIN=${bin} does not exist`);
  return bin;
}

const npmBin = (name) => path.join(ROOT, "node_modules/.bin", name);

/** Upstream server entries in the Claude Desktop shape, with absolute paths. */
export const upstreams = {
  everything: (extra = {}) => ({ command: npmBin("mcp-server-everything"), args: ["stdio"], ...extra }),
  filesystem: (allowedDir, extra = {}) => ({ command: npmBin("mcp-server-filesystem"), args: [allowedDir], ...extra }),
  memory: (dir, extra = {}) => ({
    command: npmBin("mcp-server-memory"),
    env: { MEMORY_FILE_PATH: path.join(dir, "memory.jsonl") },
    ...extra,
  }),
  faulty: (extra = {}) => ({ command: "node", args: [FAULTY_SERVER], ...extra }),
};

/**
 * A temp dir holding a config file. `servers` maps a server name to its entry; the dir also holds
 * files/ (for the filesystem server) with hello.txt in it. Call cleanup() when done.
 */
export function makeWorkspace(buildServers, { aliases = { fs: "filesystem" }, gateway = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcpgw-e2e-"));
  const filesDir = path.join(dir, "files");
  fs.mkdirSync(filesDir);
  const helloPath = path.join(filesDir, "hello.txt");
  const helloText = `hello from mcpgw e2e ${process.pid} ${Date.now()}\nsecond line\n`;
  fs.writeFileSync(helloPath, helloText);
  const servers = buildServers({ dir, filesDir });
  const liveAliases = Object.fromEntries(Object.entries(aliases).filter(([, target]) => target in servers));
  const config = {
    mcpServers: servers,
    ...(Object.keys(liveAliases).length ? { aliases: liveAliases } : {}),
    gateway: { startup_timeout_ms: 20000, ...gateway },
  };
  const configPath = path.join(dir, "mcpgw.json");
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  return {
    dir,
    filesDir,
    helloPath,
    helloText,
    configPath,
    config,
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The three real servers from npm (no fixture). */
export function realServers({ dir, filesDir }) {
  return {
    everything: upstreams.everything(),
    filesystem: upstreams.filesystem(filesDir),
    memory: upstreams.memory(dir),
  };
}

/** Rejects with a message naming `label` if `promise` takes longer than `ms`. */
export function withTimeout(promise, ms, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `fn` until it returns a truthy value (returned) or `ms` passes (throws the last error). */
export async function waitFor(fn, ms, label, intervalMs = 200) {
  const deadline = Date.now() + ms;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? `; last error: ${lastError.message}` : "";
      throw new Error(`timed out after ${ms} ms waiting for ${label}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** Awaits `promise`, expecting a JSON-RPC error (McpError) with `code`; returns the error. */
export async function expectMcpError(promise, code, label) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    assert.equal(err?.code, code, `${label}: expected error code ${code}, got ${err?.code}: ${err?.message}`);
    return err;
  }
  assert.fail(`${label}: expected error code ${code}, got a result: ${JSON.stringify(result)}`);
}

/** Text of the first text content block of a tool result. */
export function firstText(result) {
  const block = result?.content?.find((c) => c.type === "text");
  assert.ok(block, `no text content in ${JSON.stringify(result)}`);
  return block.text;
}

/**
 * Starts the gateway as a stdio subprocess and connects the official SDK client to it.
 * Returns { client, transport, stderr(), close() }; close() is safe to call more than once.
 */
export async function connectGateway(configPath, { clientOptions = {}, env = {}, connectTimeoutMs = 30000 } = {}) {
  const transport = new StdioClientTransport({
    command: gatewayBin(),
    args: ["--config", configPath],
    env: { ...getDefaultEnvironment(), ...env },
    stderr: "pipe",
  });
  let stderrText = "";
  transport.stderr?.on("data", (chunk) => {
    stderrText += chunk.toString();
    if (stderrText.length > 200000) stderrText = stderrText.slice(-100000);
  });
  const client = new Client({ name: "mcpgw-e2e", version: "1.0.0" }, { capabilities: {}, ...clientOptions });
  const protocolErrors = [];
  client.onerror = (e) => protocolErrors.push(String(e?.message ?? e));
  const gw = {
    client,
    transport,
    protocolErrors,
    stderr: () => stderrText,
    closed: false,
    async close() {
      if (gw.closed) return;
      gw.closed = true;
      await withTimeout(client.close(), 10000, "client.close()").catch(() => {});
    },
  };
  try {
    await withTimeout(client.connect(transport), connectTimeoutMs, "SDK client connect (initialize) to mcpgw");
  } catch (e) {
    await gw.close();
    throw new Error(`${e.message}\n${stderrTail(stderrText)}`, { cause: e });
  }
  return gw;
}

export function stderrTail(text, lines = 40) {
  const tail = text.split("\n").slice(-lines).join("\n");
  return `--- mcpgw stderr (last ${lines} lines) ---\n${tail}\n--- end stderr ---`;
}

/**
 * Runs `fn`, and if it fails, rethrows with the gateway's stderr tail appended so a failing test
 * shows what the gateway logged. `getGw` returns the live gateway handle (or undefined).
 */
export async function withGatewayStderr(getGw, fn) {
  try {
    return await fn();
  } catch (e) {
    const gw = getGw();
    if (!gw) throw e;
    throw new Error(`${e.message}\n${stderrTail(gw.stderr())}`, { cause: e });
  }
}

/** Lists every tool, following pagination cursors. */
export async function listAllTools(client) {
  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/**
 * Waits until the merged tool list contains every name in `names` (upstreams may still be
 * starting when the client connects), then returns the list.
 */
export async function waitForTools(client, names, ms = 25000) {
  let last = [];
  try {
    return await waitFor(
      async () => {
        last = await listAllTools(client);
        const have = new Set(last.map((t) => t.name));
        return names.every((n) => have.has(n)) ? last : null;
      },
      ms,
      `tools ${names.join(", ")}`,
      300,
    );
  } catch (e) {
    throw new Error(`${e.message}; last list: ${JSON.stringify(last.map((t) => t.name))}`, { cause: e });
  }
}

/** True if `msg` is one well-formed JSON-RPC 2.0 message (request, notification or response). */
export function isJsonRpcMessage(msg) {
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) return false;
  if (msg.jsonrpc !== "2.0") return false;
  const validId = (id) => typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
  if (typeof msg.method === "string") {
    return !("id" in msg) || validId(msg.id);
  }
  if ("result" in msg) {
    return !("error" in msg) && validId(msg.id);
  }
  if ("error" in msg) {
    const e = msg.error;
    return (
      e !== null && typeof e === "object" && Number.isInteger(e.code) && typeof e.message === "string" &&
      (validId(msg.id) || msg.id === null) && !("result" in msg)
    );
  }
  return false;
}

/**
 * The gateway spawned directly (no SDK): write raw lines to stdin, read parsed stdout lines.
 * Every stdout line is kept in `lines`; `badLines` collects the ones that are not JSON-RPC.
 */
export class RawGateway {
  constructor(configPath, { env = {} } = {}) {
    this.child = spawn(gatewayBin(), ["--config", configPath], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...getDefaultEnvironment(), ...env },
    });
    this.lines = [];
    this.badLines = [];
    this.messages = [];
    this.waiters = [];
    this.stderrText = "";
    this.exit = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => resolve({ code, signal }));
    });
    this.spawnError = null;
    this.child.on("error", (e) => {
      this.spawnError = e;
    });
    this.child.stdin.on("error", () => {});
    let buffer = "";
    this.child.stdout.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, "");
        buffer = buffer.slice(nl + 1);
        this.onLine(line);
      }
    });
    this.child.stdout.on("end", () => {
      if (buffer.length) this.onLine(buffer);
      buffer = "";
    });
    this.child.stderr.on("data", (chunk) => {
      this.stderrText += chunk.toString();
    });
  }

  onLine(line) {
    this.lines.push(line);
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      this.badLines.push(line);
      return;
    }
    if (!isJsonRpcMessage(msg)) {
      this.badLines.push(line);
      return;
    }
    this.messages.push(msg);
    for (const w of [...this.waiters]) {
      if (w.predicate(msg)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  }

  /** Writes one raw line (a newline is appended). */
  sendRaw(text) {
    this.child.stdin.write(text + "\n");
  }

  send(obj) {
    this.sendRaw(JSON.stringify(obj));
  }

  /** The first message (already received or future) matching `predicate`. */
  next(predicate, ms, label) {
    const seen = this.messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    const p = new Promise((resolve) => this.waiters.push({ predicate, resolve }));
    return withTimeout(p, ms, `${label}; stdout so far: ${JSON.stringify(this.lines)}\n${stderrTail(this.stderrText)}`);
  }

  /** The first message arriving from now on that matches `predicate` (earlier ones are ignored). */
  nextNew(predicate, ms, label) {
    const p = new Promise((resolve) => this.waiters.push({ predicate, resolve }));
    return withTimeout(p, ms, `${label}; stdout so far: ${JSON.stringify(this.lines)}\n${stderrTail(this.stderrText)}`);
  }

  /** The response with id `id`. */
  response(id, ms = 15000) {
    return this.next((m) => m.id === id && ("result" in m || "error" in m), ms, `response to id ${JSON.stringify(id)}`);
  }

  async request(id, method, params, ms) {
    this.send({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });
    return this.response(id, ms);
  }

  /** initialize + notifications/initialized; returns the initialize response. */
  async initialize(protocolVersion = "2025-11-25", id = 1, ms = 30000) {
    const res = await this.request(
      id,
      "initialize",
      { protocolVersion, capabilities: {}, clientInfo: { name: "mcpgw-e2e-raw", version: "1.0.0" } },
      ms,
    );
    this.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return res;
  }

  /**
   * Polls tools/list (ids "list-1", "list-2", ...) until `name` is listed, since upstreams may
   * still be starting; returns the tools.
   */
  async waitForTool(name, ms = 25000) {
    let last;
    const deadline = Date.now() + ms;
    for (let i = 1; ; i++) {
      last = await this.request(`list-${i}`, "tools/list", {}, 15000);
      const tools = last.result?.tools ?? [];
      if (tools.some((t) => t.name === name)) return tools;
      if (Date.now() > deadline) throw new Error(`${name} never listed; last answer ${JSON.stringify(last)}`);
      await sleep(300);
    }
  }

  endInput() {
    this.child.stdin.end();
  }

  get exited() {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Ends stdin, then escalates to SIGTERM and SIGKILL; always resolves. */
  async close() {
    if (this.exited) return;
    try {
      this.child.stdin.end();
    } catch {}
    const gone = await Promise.race([this.exit.then(() => true), sleep(3000).then(() => false)]);
    if (gone || this.exited) return;
    this.child.kill("SIGTERM");
    const gone2 = await Promise.race([this.exit.then(() => true), sleep(3000).then(() => false)]);
    if (!gone2 && !this.exited) this.child.kill("SIGKILL");
  }
}

function procStat(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0], ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/** True if a process with this pid exists and is not a zombie. */
export function processAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== "EPERM") return false;
  }
  const stat = procStat(pid);
  return stat === null ? !fs.existsSync("/proc/self") : stat.state !== "Z";
}

/** Pids of every live descendant of `pid` (children, grandchildren, ...), from /proc. */
export function descendants(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    if (!stat || stat.state === "Z") continue;
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(Number(entry));
  }
  const out = [];
  const stack = [pid];
  while (stack.length) {
    for (const child of children.get(stack.pop()) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}

/** Runs the gateway binary with `args`; resolves {code, signal, stdout, stderr} (never rejects on exit code). */
export function runCli(args, { env = {}, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      gatewayBin(),
      args,
      { env: { ...getDefaultEnvironment(), ...env }, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number" && !error.killed && error.signal == null) return reject(error);
        if (error?.killed) {
          return reject(new Error(`mcpgw ${args.join(" ")} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
        resolve({ code: error ? error.code : 0, signal: error?.signal ?? null, stdout, stderr });
      },
    );
  });
}
