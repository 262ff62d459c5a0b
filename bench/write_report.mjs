// The benchmark's report: the machine, one table per scenario with ratios to direct, and the
// targets the project set itself, each met or missed by how much.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { number, table, times } from "./report.mjs";
import { peers } from "./peers.mjs";

const ROOT = path.join(path.dirname(new URL(import.meta.url).pathname), "..");

function versionOf(pkg) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"))).version;
  } catch {
    return "?";
  }
}

function machine(seconds, settings) {
  const cpus = os.cpus();
  return [
    `Machine: ${cpus[0]?.model ?? "?"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
      `Linux ${os.release()}; Node ${process.version}; ${new Date().toISOString().slice(0, 16)}Z.`,
    `Peers: ${peers.map((p) => `${p.name} ${versionOf(p.package ?? p.name)}`).join(", ")}.`,
    `${settings.rounds} round(s), systems alternated each round; figures are medians over rounds, ` +
      `ratios are medians of the per-round ratios. wrk runs ${settings.seconds} s per point. Took ${seconds} s.`,
  ].join("\n");
}

const ms = (us) => number(us / 1000, 2);

function stdio1Table(r) {
  const rows = ["direct", "mcpgw"].map((s) => [s, number(r.median(s, "startup_ms"), 1),
    number(r.median(s, "call_p50_us"), 1), number(r.median(s, "call_p99_us"), 1),
    s === "direct" ? "1.00×" : times(r.ratio(s, "direct", "call_p50_us")), number(r.max(s, "errors"))]);
  return table(["system", "start-up to tools/list (ms)", "tools/call p50 (µs)", "p99 (µs)", "p50 vs direct", "errors"], rows) +
    "\n\nNone of the peers serves a stdio client in front of a stdio server, so they have no row here.";
}

function stdio10Table(r) {
  const systems = [...new Set([...r.values.keys()].map((k) => k.split("\t")[0]))];
  const rows = systems.map((s) => [s, number(r.median(s, "startup_ms"), 1), number(r.median(s, "list_p50_us")),
    times(r.ratio(s, "direct, 500 tools", "list_p50_us")), number(r.median(s, "rss_peak_kb") / 1024, 1),
    number(r.max(s, "errors"))]);
  return table(["system", "start-up to full list (ms)", "tools/list p50 (µs)", "list vs direct 500", "peak RSS (MB)", "errors"], rows);
}

function httpTable(r, connections) {
  const systems = [...new Set([...r.values.keys()].map((k) => k.split("\t")[0]))];
  const rows = [];
  for (const s of systems) {
    for (const c of connections) {
      rows.push([s, String(c), number(r.median(s, `rps@${c}`)), times(r.ratio(s, "direct", `rps@${c}`)),
        number(r.median(s, `p50_us@${c}`)), number(r.median(s, `p99_us@${c}`)), number(r.max(s, `errors@${c}`))]);
    }
  }
  const sseOnly = peers.filter((p) => p.transport === "sse").map((p) => p.name);
  return table(["system", "connections", "calls/s", "vs direct", "p50 (µs)", "p99 (µs)", "errors"], rows) +
    (sseOnly.length ? `\n\n${sseOnly.join(", ")}: no row, since it serves only the legacy HTTP+SSE transport, ` +
      "whose answers come on another stream than the POST, which wrk cannot follow (see scenario 2 for its figures)." : "");
}

function growthTable(r, sizes) {
  const rows = [];
  for (const n of sizes) {
    const gw = `mcpgw, ${n} upstream${n > 1 ? "s" : ""}`;
    const direct = `direct, ${n * 10} tools`;
    for (const s of [direct, gw]) {
      rows.push([s, number(r.median(s, "list_p50_us")), s === gw ? times(r.ratio(gw, direct, "list_p50_us")) : "1.00×",
        number(r.median(s, "call_p50_us")), number(r.median(s, "call_p99_us")), number(r.max(s, "errors"))]);
    }
  }
  return table(["system", "tools/list p50 (µs)", "list vs direct", "tools/call p50 (µs)", "p99 (µs)", "errors"], rows);
}

function erasTable(r, connections) {
  const rows = [];
  for (const era of ["legacy", "modern"]) {
    for (const s of [`direct, ${era}`, `mcpgw, ${era}`]) {
      for (const c of connections) {
        rows.push([s, String(c), number(r.median(s, `rps@${c}`)), times(r.ratio(s, `direct, ${era}`, `rps@${c}`)),
          number(r.median(s, `p50_us@${c}`)), number(r.median(s, `p99_us@${c}`)), number(r.max(s, `errors@${c}`))]);
      }
    }
  }
  return table(["system", "connections", "calls/s", "vs direct (same era)", "p50 (µs)", "p99 (µs)", "errors"], rows);
}

// Errors are the last column of every table (the smoke test reads them there).

// Each target: what it asks, the figure, and whether it is met (or by how much it is missed).
function targets({ stdio1, stdio10, http1, growth, settings }) {
  const out = [];
  const add = (what, measured, met, miss) => out.push([what, measured, met ? "met" : `missed: ${miss}`]);
  const added = stdio1.difference("mcpgw", "direct", "call_p50_us");
  add("stdio: added latency per call at p50 ≤ 30 µs", `${number(added, 1)} µs`, added <= 30, `${number(added - 30, 1)} µs over`);
  for (const c of settings.connections.filter((c) => c >= 16)) {
    const ratio = http1.ratio("mcpgw", "direct", `rps@${c}`);
    add(`HTTP, 1 upstream, ${c} connections: ≥ 50% of direct's calls/s`, `${number(ratio * 100)}%`, ratio >= 0.5, `${number((0.5 - ratio) * 100)} points short`);
  }
  const p50 = http1.difference("mcpgw", "direct", "p50_us@1");
  add("HTTP, 1 connection: p50 ≤ direct + 100 µs", `direct + ${number(p50)} µs`, p50 <= 100, `${number(p50 - 100)} µs over`);
  const startup = stdio10.difference("mcpgw", "direct, 50 tools", "startup_ms");
  add("start-up with 10 stdio upstreams ≤ one upstream's start-up + 20 ms", `+${number(startup, 1)} ms`, startup <= 20, `${number(startup - 20, 1)} ms over`);
  const rss = stdio10.median("mcpgw", "rss_peak_kb") / 1024;
  add("gateway RSS with 10 upstreams ≤ 15 MB", `${number(rss, 1)} MB`, rss <= 15, `${number(rss - 15, 1)} MB over`);
  const list = stdio10.ratio("mcpgw", "direct, 500 tools", "list_p50_us");
  add("tools/list of 500 merged tools ≤ 1.5 × one upstream listing 500", times(list), list <= 1.5, `${number(list - 1.5, 2)}× over`);
  const [first, last] = [settings.fleetSizes[0], settings.fleetSizes.at(-1)];
  const name = (n) => `mcpgw, ${n} upstream${n > 1 ? "s" : ""}`;
  const growthRatio = growth.ratio(name(last), name(first), "call_p50_us");
  add(`tools/call p50 flat from ${first} to ${last} upstreams (within 10%)`, times(growthRatio), Math.abs(growthRatio - 1) <= 0.1, `${number((growthRatio - 1) * 100)}% apart`);
  return table(["target", "measured", "verdict"], out);
}

export function writeReport(results, { seconds, smoke }) {
  const { settings } = results;
  return [
    `# mcpgw benchmark${smoke ? " (smoke run: the figures mean nothing)" : ""}`,
    machine(seconds, settings),
    "## Targets", targets(results),
    "## 1. stdio client → 1 stdio upstream (10 tools)", stdio1Table(results.stdio1),
    "## 2. stdio client → 10 stdio upstreams × 50 tools", stdio10Table(results.stdio10),
    "## 3. Streamable HTTP (wrk) → 1 upstream", httpTable(results.http1, settings.connections),
    "## 4. Streamable HTTP (wrk) → 10 upstreams", httpTable(results.http10, settings.connections),
    "## 5. Growth: 10 tools per upstream, over stdio", growthTable(results.growth, settings.fleetSizes),
    "## 6. Streamable HTTP (wrk) → 1 HTTP upstream, legacy session vs modern stateless calls", erasTable(results.eras, settings.connections),
  ].join("\n\n") + "\n";
}
