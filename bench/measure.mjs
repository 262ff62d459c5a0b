// The two measuring instruments: mcp_probe (one client, sequential requests, start-up and memory)
// and wrk (many connections, calls per second), each returning plain figures.
import { run } from "./processes.mjs";

const WRK_SCRIPT = new URL("./wrk_call.lua", import.meta.url).pathname;

/**
 * Runs mcp_probe against `command`, which the probe spawns and talks to over stdio, or over
 * Streamable HTTP at options.http, or legacy HTTP+SSE at options.sse; env is added to the
 * environment. Returns the probe's JSON figures.
 */
export async function probe(bin, command, { expectTools, tools, calls, lists, warmup, http, sse, env }) {
  const args = ["--expect-tools", String(expectTools), "--tool", tools.join(","),
    "--calls", String(calls), "--lists", String(lists), "--warmup", String(warmup)];
  if (http) args.push("--http", http);
  if (sse) args.push("--sse", sse);
  const stdout = await run(bin.probe, [...args, "--", ...command], { env });
  return JSON.parse(stdout.trim().split("\n").pop());
}

/**
 * Loads url with `connections` keep-alive connections for `seconds`, each request a tools/call
 * of one of `tools` that wrk_call.lua checks for a real result. Returns {rps, p50_us, p99_us,
 * errors, requests}.
 */
export async function wrk(url, { connections, seconds, tools, session, version }) {
  const threads = Math.min(2, connections);
  const env = { MCP_TOOLS: tools.join(",") };
  if (session) env.MCP_SESSION = session;
  if (version) env.MCP_VERSION = version;
  const stdout = await run("wrk", [`-t${threads}`, `-c${connections}`, `-d${seconds}s`,
    "--timeout", "10s", "-s", WRK_SCRIPT, url], { env });
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`wrk printed no RESULT line:\n${stdout}`);
  return JSON.parse(line.slice("RESULT ".length));
}
