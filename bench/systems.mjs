// The systems the peers are compared with: the fast fixture upstream used directly (the physical
// limit) and mcpgw in front of it. Upstream fleets are lists of {name, command, args}.
import fs from "node:fs";
import path from "node:path";
import { startUntil } from "./processes.mjs";

const LISTENING = /listening on (http:\/\/\S+\/mcp)/;

/** The programs of one build directory. */
export function programs(buildDir) {
  return {
    mcpgw: path.join(buildDir, "mcpgw"),
    upstream: path.join(buildDir, "bench/bench_upstream"),
    upstreamHttp: path.join(buildDir, "bench/bench_upstream_http"),
    probe: path.join(buildDir, "bench/mcp_probe"),
  };
}

/** `count` stdio upstreams named s0, s1, ... with `tools` tools each (t0, t1, ...). */
export function fleet(bin, count, tools) {
  return Array.from({ length: count }, (_, i) => ({
    name: `s${i}`,
    command: bin.upstream,
    args: ["--tools", String(tools)],
  }));
}

/**
 * Writes an mcpgw config for the fleet into dir and returns its path. An upstream with a url is
 * a Streamable HTTP one.
 */
export function writeMcpgwConfig(dir, upstreams) {
  const mcpServers = {};
  for (const { name, command, args, url } of upstreams) mcpServers[name] = url ? { type: "http", url } : { command, args };
  const file = path.join(dir, `mcpgw-${upstreams.length}.json`);
  fs.writeFileSync(file, JSON.stringify({ mcpServers }, null, 2));
  return file;
}

/** The fixture upstream serving Streamable HTTP on a free port; {url, stop}. */
export async function startDirectHttp(bin, tools) {
  const proc = await startUntil(bin.upstreamHttp, ["--tools", String(tools), "--http", "127.0.0.1:0"], LISTENING);
  return { url: proc.match[1], child: proc.child, stop: proc.stop };
}

/** mcpgw in HTTP mode in front of the fleet; {url, stop}. */
export async function startMcpgwHttp(bin, dir, upstreams) {
  const config = writeMcpgwConfig(dir, upstreams);
  const proc = await startUntil(bin.mcpgw, ["--config", config, "--listen", "127.0.0.1:0"], LISTENING);
  return { url: proc.match[1], child: proc.child, stop: proc.stop };
}

/** mcpgw in HTTP mode in front of one fixture upstream over Streamable HTTP (s0); {url, stop}. */
export async function startMcpgwOverHttp(bin, dir, tools) {
  const upstream = await startDirectHttp(bin, tools);
  try {
    const gateway = await startMcpgwHttp(bin, dir, [{ name: "s0", url: upstream.url }]);
    return { url: gateway.url, stop: async () => { await gateway.stop(); await upstream.stop(); } };
  } catch (e) {
    await upstream.stop();
    throw e;
  }
}
