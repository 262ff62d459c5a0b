// The MCP gateways people use today, pinned in package.json, each started the way its README
// shows in front of stdio upstreams ({name, command, args}), plus a small MCP client (fetch) to
// check them and to set up wrk.
//
// A peer entry: {name, package (when not the name), aggregates, transport, note, prepare({upstreams,
// port, home}), start(...)}.
// prepare writes what the peer needs into `home` and returns {command, env, url, transport,
// toolName}: the argv that runs the gateway itself (node + the package's bin script, never npx),
// the variables to add to the environment, the URL an MCP client uses and the name a tool of an
// upstream is exposed under. start spawns that, waits until the MCP endpoint answers and returns
// {url, transport, proc, toolName, stop, log}.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(ROOT, "package.json"));
export const PROTOCOL_VERSION = "2025-06-18";

/** The bin script `name` of npm package `pkg` installed in the project's node_modules. */
function binScript(pkg, name = pkg) {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const rel = typeof bin === "string" ? bin : bin[name];
  return path.join(path.dirname(manifestPath), rel);
}

/** One word for /bin/sh. */
function shellQuote(word) {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${String(word).replace(/'/g, `'\\''`)}'`;
}

const same = (_server, tool) => tool;

function onlyOne(peer, upstreams) {
  if (upstreams.length !== 1) throw new Error(`${peer} bridges exactly one stdio server, got ${upstreams.length}`);
  return upstreams[0];
}

// supergateway 4: `--stdio "cmd" --outputTransport streamableHttp --port P`. Its default
// (stateless) mode spawns a new shell + server for every POST (gateways/
// stdioToStatelessStreamableHttp.js: "create a new instance of transport and server for each
// request"), so each tools/call also pays a process start and an initialize; --stateful (its
// README's "Stateful mode") keeps one child per MCP session, which is what a long-lived client
// gets from the other gateways. The stateless variant is kept as a separate entry.
function supergateway({ stateful }) {
  return {
    name: stateful ? "supergateway" : "supergateway-stateless",
    package: "supergateway",
    aggregates: false,
    transport: "streamable-http",
    stateful,
    note: stateful
      ? "--stateful: one child server per MCP session (spawned at initialize)"
      : "stateless default: one child server (via /bin/sh) spawned per HTTP request",
    prepare({ upstreams, port }) {
      const up = onlyOne("supergateway", upstreams);
      const stdio = [up.command, ...(up.args ?? [])].map(shellQuote).join(" ");
      const args = ["--stdio", stdio, "--outputTransport", "streamableHttp", "--port", String(port),
        "--logLevel", "none"];
      if (stateful) args.push("--stateful");
      return {
        command: [process.execPath, binScript("supergateway"), ...args],
        env: {},
        url: `http://127.0.0.1:${port}/mcp`,
        transport: "streamable-http",
        toolName: same,
      };
    },
  };
}

// mcp-proxy 6 (punkpeye): `mcp-proxy --port 8080 -- cmd args`, serving /mcp (Streamable HTTP)
// and /sse. Sessions by default (--stateless would make a server instance per request); one
// upstream child shared by every session.
const mcpProxy = {
  name: "mcp-proxy",
  aggregates: false,
  transport: "streamable-http",
  stateful: true,
  note: "stateful sessions (Mcp-Session-Id), one upstream child multiplexed across sessions",
  prepare({ upstreams, port }) {
    const up = onlyOne("mcp-proxy", upstreams);
    return {
      command: [process.execPath, binScript("mcp-proxy"), "--port", String(port), "--host", "127.0.0.1",
        "--", up.command, ...(up.args ?? [])],
      env: {},
      url: `http://127.0.0.1:${port}/mcp`,
      transport: "streamable-http",
      toolName: same,
    };
  },
};

// The marketplace cache mcp-hub reads at start ($XDG_DATA_HOME/mcp-hub/cache/registry.json). It
// fetches the public registry (then falls back to curl) unless the cache holds at least one
// server fetched less than an hour ago; a fresh placeholder keeps it off the network.
function seedMcpHubMarketplace(dataHome) {
  const dir = path.join(dataHome, "mcp-hub", "cache");
  fs.mkdirSync(dir, { recursive: true });
  const registry = {
    version: "offline", generatedAt: Date.now(), totalServers: 1,
    servers: [{ id: "offline-placeholder", name: "offline placeholder", description: "", tags: [], category: "other" }],
  };
  fs.writeFileSync(path.join(dir, "registry.json"),
    JSON.stringify({ registry, lastFetchedAt: Date.now(), serverDocumentation: {} }));
}

// mcp-hub 4 (aggregator): `mcp-hub --port 3000 --config path/to/config.json`; MCP clients use
// `localhost:PORT/mcp`, which is the legacy HTTP+SSE transport (GET /mcp opens the stream, the
// endpoint event names POST /messages?sessionId=...). Tools are exposed as
// <server with every non-alphanumeric character made "_">__<tool>.
const mcpHub = {
  name: "mcp-hub",
  aggregates: true,
  transport: "sse",
  stateful: true,
  note: "legacy HTTP+SSE only (GET /mcp + POST /messages); answers arrive on the SSE stream",
  prepare({ upstreams, port, home }) {
    const dirs = {
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, "config"),
      XDG_DATA_HOME: path.join(home, "data"),
      XDG_STATE_HOME: path.join(home, "state"),
      XDG_CACHE_HOME: path.join(home, "cache"),
    };
    for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
    seedMcpHubMarketplace(dirs.XDG_DATA_HOME);
    const mcpServers = {};
    for (const { name, command, args } of upstreams) mcpServers[name] = { command, args: args ?? [] };
    const config = path.join(home, "mcp-hub.json");
    fs.writeFileSync(config, JSON.stringify({ mcpServers }, null, 2));
    return {
      command: [process.execPath, binScript("mcp-hub"), "--port", String(port), "--config", config],
      env: dirs,
      url: `http://127.0.0.1:${port}/mcp`,
      health: `http://127.0.0.1:${port}/api/health`,
      expectServers: upstreams.length,
      transport: "sse",
      toolName: (server, tool) => `${server.replace(/[^a-zA-Z0-9]/g, "_")}__${tool}`,
    };
  },
};

export const peers = [supergateway({ stateful: true }), mcpProxy, mcpHub, supergateway({ stateful: false })]
  .map((peer) => ({ ...peer, start: (options) => launchPeer(peer, { ...options, start: true }) }));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pids of every live descendant of pid (from /proc). */
function descendants(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch { /* gone */ }
  }
  const found = [];
  const walk = (p) => { for (const c of children.get(p) ?? []) { found.push(c); walk(c); } };
  walk(pid);
  return found;
}

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** SIGTERM the gateway, SIGKILL after graceMs; then the same for whatever it had started. */
async function stopTree(proc, graceMs = 5000) {
  const family = descendants(proc.pid);
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
  let left = family.filter(alive);
  for (const deadline = Date.now() + 2000; left.length && Date.now() < deadline; left = left.filter(alive)) {
    await sleep(50);
  }
  for (const pid of left) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }
}

/**
 * Prepares `peer` in front of upstreams; with start, also spawns it and resolves once its MCP
 * endpoint answers a handshake (and, for mcp-hub, every upstream is connected).
 */
export async function launchPeer(peer, { upstreams, port, home, start = false, timeoutMs = 30000 }) {
  fs.mkdirSync(home, { recursive: true });
  const launch = peer.prepare({ upstreams, port, home });
  if (!start) return launch;
  const logPath = path.join(home, `${peer.name}.log`);
  const logFd = fs.openSync(logPath, "a");
  const [command, ...args] = launch.command;
  // stdin ignored: supergateway stops when a pipe on its stdin closes.
  const proc = spawn(command, args, { cwd: home, env: { ...process.env, ...launch.env }, stdio: ["ignore", logFd, logFd] });
  fs.closeSync(logFd);
  const stop = () => stopTree(proc);
  try {
    await waitReady(peer, launch, proc, timeoutMs);
  } catch (error) {
    await stop();
    const log = fs.existsSync(logPath) ? fs.readFileSync(logPath, "utf8").slice(-3000) : "";
    throw new Error(`${peer.name} did not get ready: ${error.message}\n${log}`);
  }
  return { ...launch, proc, stop, log: logPath };
}

async function waitReady(peer, launch, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`exited (${proc.exitCode ?? proc.signalCode})`);
    try {
      if (launch.transport === "sse") {
        const health = await (await fetch(launch.health, { signal: AbortSignal.timeout(2000) })).json();
        const connected = (health.servers ?? []).filter((s) => s.status === "connected").length;
        if (health.state !== "ready" || connected < launch.expectServers) throw new Error(`state ${health.state}, ${connected} connected`);
        const session = await mcpSseSession(launch.url);
        session.close();
      } else {
        const session = await mcpSession(launch.url);
        await closeSession(launch.url, session);
      }
      return;
    } catch (error) {
      last = error;
      await sleep(100);
    }
  }
  throw new Error(`no answer in ${timeoutMs} ms (${last?.message})`);
}

// ---- A small MCP client over Streamable HTTP (fetch) ----

function headersFor(session) {
  const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
  if (session?.sessionId) headers["Mcp-Session-Id"] = session.sessionId;
  if (session?.protocolVersion) headers["MCP-Protocol-Version"] = session.protocolVersion;
  return headers;
}

/** Yields the data of each event of an SSE body (a fetch ReadableStream). */
async function* sseEvents(body) {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = { name: "message", data: [] };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer[newline] === "\r" ? 2 : 1));
      if (line === "") {
        if (event.data.length) yield { event: event.name, data: event.data.join("\n") };
        event = { name: "message", data: [] };
      } else if (line.startsWith("data:")) {
        event.data.push(line.slice(5).replace(/^ /, ""));
      } else if (line.startsWith("event:")) {
        event.name = line.slice(6).trim();
      }
    }
  }
}

/** Posts one JSON-RPC message; for a request, resolves with the JSON-RPC response to it. */
async function post(url, session, message) {
  const response = await fetch(url, { method: "POST", headers: headersFor(session), body: JSON.stringify(message),
    signal: AbortSignal.timeout(30000) });
  if (!("id" in message)) {
    await response.arrayBuffer();
    if (response.status !== 202 && response.status !== 200) throw new Error(`${message.method}: HTTP ${response.status}`);
    return { response };
  }
  if (response.status !== 200) throw new Error(`${message.method}: HTTP ${response.status} ${await response.text()}`);
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream")) {
    for await (const { data } of sseEvents(response.body)) {
      let parsed;
      try { parsed = JSON.parse(data); } catch { continue; }
      if (parsed.id === message.id && ("result" in parsed || "error" in parsed)) {
        response.body.cancel().catch(() => {});
        return { response, reply: parsed };
      }
    }
    throw new Error(`${message.method}: the event stream ended without an answer`);
  }
  return { response, reply: await response.json() };
}

let nextId = 1;

/**
 * The MCP handshake over Streamable HTTP: initialize (protocol 2025-06-18), then
 * notifications/initialized. Resolves with {sessionId (null when the server is stateless),
 * protocolVersion, serverInfo, url}.
 */
export async function mcpSession(url, { protocolVersion = PROTOCOL_VERSION } = {}) {
  const { response, reply } = await post(url, null, {
    jsonrpc: "2.0", id: nextId++, method: "initialize",
    params: { protocolVersion, capabilities: {}, clientInfo: { name: "mcpgw-bench", version: "1" } },
  });
  if (reply.error) throw new Error(`initialize: ${JSON.stringify(reply.error)}`);
  const session = {
    url,
    sessionId: response.headers.get("mcp-session-id") ?? null,
    protocolVersion: reply.result.protocolVersion,
    serverInfo: reply.result.serverInfo,
  };
  await post(url, session, { jsonrpc: "2.0", method: "notifications/initialized" });
  return session;
}

/** One JSON-RPC request over the session; resolves with its result, rejects on an error. */
export async function mcpRequest(url, session, method, params = {}) {
  const { reply } = await post(url, session, { jsonrpc: "2.0", id: nextId++, method, params });
  if (reply.error) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

/** One tools/call over the session; resolves with the tool result ({content, isError?}). */
export function callTool(url, session, name, args = { text: "hi" }) {
  return mcpRequest(url, session, "tools/call", { name, arguments: args });
}

/** Ends a stateful session (DELETE); a no-op for stateless servers. */
export async function closeSession(url, session) {
  if (!session?.sessionId) return;
  try {
    const response = await fetch(url, { method: "DELETE", headers: headersFor(session), signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
  } catch { /* best effort */ }
}

// ---- The legacy HTTP+SSE transport (mcp-hub) ----

/**
 * Opens a legacy HTTP+SSE session (GET url, then POST to the announced endpoint) and does the
 * handshake. Resolves with {sessionId, protocolVersion, postUrl, request(method, params),
 * callTool(name, args), close()}.
 */
export async function mcpSseSession(url, { protocolVersion = PROTOCOL_VERSION } = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: "text/event-stream" }, signal: controller.signal });
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const events = sseEvents(response.body);
  const pending = new Map();
  let endpointResolve;
  const endpoint = new Promise((resolve, reject) => { endpointResolve = { resolve, reject }; });
  (async () => {
    try {
      for await (const { event, data } of events) {
        if (event === "endpoint") { endpointResolve.resolve(new URL(data, url).href); continue; }
        let message;
        try { message = JSON.parse(data); } catch { continue; }
        const waiter = pending.get(message.id);
        if (waiter && ("result" in message || "error" in message)) { pending.delete(message.id); waiter(message); }
      }
    } catch { /* aborted */ }
    endpointResolve.reject(new Error("the SSE stream ended"));
    for (const waiter of pending.values()) waiter({ error: { message: "the SSE stream ended" } });
  })();
  const postUrl = await Promise.race([endpoint, sleep(10000).then(() => { throw new Error("no endpoint event"); })]);
  const send = async (message) => {
    const answer = "id" in message ? new Promise((resolve) => pending.set(message.id, resolve)) : null;
    const posted = await fetch(postUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(message) });
    await posted.arrayBuffer();
    if (posted.status >= 300) { pending.delete(message.id); throw new Error(`${message.method}: HTTP ${posted.status}`); }
    return answer;
  };
  const request = async (method, params = {}) => {
    const reply = await send({ jsonrpc: "2.0", id: nextId++, method, params });
    if (reply.error) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
    return reply.result;
  };
  const close = () => controller.abort();
  try {
    const init = await request("initialize", { protocolVersion, capabilities: {}, clientInfo: { name: "mcpgw-bench", version: "1" } });
    await send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return {
      url, postUrl, sessionId: new URL(postUrl).searchParams.get("sessionId"), protocolVersion: init.protocolVersion,
      serverInfo: init.serverInfo, request, callTool: (name, args = { text: "hi" }) => request("tools/call", { name, arguments: args }), close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
