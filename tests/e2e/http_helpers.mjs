// Shared setup for mcpgw's HTTP end-to-end tests: start `mcpgw --listen 127.0.0.1:0`, read the
// port from its stderr, connect the official SDK client (Streamable HTTP or legacy SSE), and
// send raw requests with fetch for the HTTP-rule checks.
import { spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { gatewayBin, stderrTail, withTimeout } from "./helpers.mjs";

const LISTENING = /listening on (https?):\/\/([^\s/]+)\/mcp/;

/**
 * Starts mcpgw in HTTP mode on 127.0.0.1 with a free port. Returns { proc, base (e.g.
 * "http://127.0.0.1:PORT"), url (base + "/mcp"), stderr(), exited (a promise of the exit code),
 * kill() }. Rejects with the stderr tail when it does not start listening in time.
 */
export async function startHttpGateway(configPath, { env = {}, timeoutMs = 20000 } = {}) {
  const proc = spawn(gatewayBin(), ["--config", configPath, "--listen", "127.0.0.1:0"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderrText = "";
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve(code ?? signal)));
  const listening = new Promise((resolve, reject) => {
    proc.stderr.on("data", (chunk) => {
      stderrText += chunk.toString();
      const match = stderrText.match(LISTENING);
      if (match) resolve(`${match[1]}://${match[2]}`);
    });
    exited.then((code) => reject(new Error(`mcpgw exited (${code}) before listening\n${stderrTail(stderrText)}`)));
  });
  const base = await withTimeout(listening, timeoutMs, "mcpgw --listen to report its port").catch((e) => {
    proc.kill("SIGKILL");
    throw e;
  });
  return {
    proc,
    base,
    url: `${base}/mcp`,
    exited,
    stderr: () => stderrText,
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    },
  };
}

/** The official SDK client connected to the gateway over Streamable HTTP, or legacy SSE. */
export async function connectHttpClient(gw, { legacy = false } = {}) {
  const transport = legacy
    ? new SSEClientTransport(new URL(`${gw.base}/sse`))
    : new StreamableHTTPClientTransport(new URL(gw.url));
  const client = new Client({ name: "mcpgw-http-e2e", version: "1.0.0" }, { capabilities: {} });
  await withTimeout(client.connect(transport), 30000, `SDK client connect over ${legacy ? "SSE" : "Streamable HTTP"}`);
  return { client, transport, close: () => withTimeout(client.close(), 10000, "client.close()").catch(() => {}) };
}

export const JSON_AND_SSE = "application/json, text/event-stream";

/** A raw POST of one JSON-RPC message (or any text) to the endpoint; returns the fetch Response. */
export function post(url, body, headers = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: JSON_AND_SSE, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const initializeRequest = (id = 1, protocolVersion = "2025-06-18") => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

/** Initializes a session with raw fetch; returns its Mcp-Session-Id. */
export async function openSession(url, headers = {}) {
  const res = await post(url, initializeRequest(), headers);
  if (res.status !== 200) throw new Error(`initialize: HTTP ${res.status}: ${await res.text()}`);
  await res.json();
  const sid = res.headers.get("mcp-session-id");
  if (!sid) throw new Error("initialize gave no Mcp-Session-Id");
  const ack = await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, { ...headers, "Mcp-Session-Id": sid });
  if (ack.status !== 202) throw new Error(`notifications/initialized: HTTP ${ack.status}`);
  return sid;
}

/** The JSON-RPC message of a response, whether sent as application/json or as an SSE stream. */
export async function readReply(res) {
  const text = await res.text();
  if (!(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) return JSON.parse(text);
  const messages = text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line.length > 6)  // not a priming event
    .map((line) => JSON.parse(line.slice(6)));
  return messages.find((m) => "id" in m && ("result" in m || "error" in m));
}
