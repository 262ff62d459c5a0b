// The benchmark (README "Performance"): the fast fixture upstream used directly, mcpgw in front of
// it, and the gateways people use today, measured side by side in one run with the systems
// alternated round by round. Writes one Markdown table per scenario and the performance targets.
//
//   node bench/run.mjs --build DIR [--rounds N] [--seconds S] [--out FILE] [--smoke]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { probe, wrk } from "./measure.mjs";
import { launchPeer, mcpSession, peers } from "./peers.mjs";
import { freePort } from "./processes.mjs";
import { Rounds } from "./report.mjs";
import { writeReport } from "./write_report.mjs";
import { fleet, programs, startDirectHttp, startMcpgwHttp, startMcpgwOverHttp, writeMcpgwConfig } from "./systems.mjs";

const { values: flags } = parseArgs({
  options: {
    build: { type: "string", default: process.env.MCPGW_BENCH_BUILD ?? "build-release" },
    rounds: { type: "string" },
    seconds: { type: "string" },
    out: { type: "string" },
    smoke: { type: "boolean", default: false },
  },
});

// A smoke run exercises every path in seconds; its figures mean nothing.
const settings = flags.smoke
  ? { rounds: 1, seconds: 1, warmupSeconds: 0, calls: 50, warmup: 5, lists: 3, connections: [1, 16], fleetSizes: [1, 10] }
  : { rounds: 3, seconds: 5, warmupSeconds: 1, calls: 5000, warmup: 500, lists: 50, connections: [1, 16, 64], fleetSizes: [1, 10, 100] };
if (flags.rounds) settings.rounds = Number(flags.rounds);
if (flags.seconds) settings.seconds = Number(flags.seconds);

const bin = programs(path.resolve(flags.build));
const work = fs.mkdtempSync(path.join(os.tmpdir(), "mcpgw-bench-"));
const out = flags.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), "results.md");
const log = (...parts) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);

// Round r runs the systems in a rotated order, so no system is always first or last.
function rotated(list, round) {
  const k = round % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

function probeSettings(extra) {
  return { calls: settings.calls, warmup: settings.warmup, lists: settings.lists, ...extra };
}

function recordProbe(rounds, system, figures) {
  for (const metric of ["startup_ms", "list_p50_us", "call_p50_us", "call_p99_us", "errors", "rss_peak_kb"]) {
    rounds.record(system, metric, figures[metric]);
  }
}

// (1) stdio client -> gateway -> 1 stdio upstream.
async function stdioOneUpstream() {
  const rounds = new Rounds();
  const config = writeMcpgwConfig(work, fleet(bin, 1, 10));
  const systems = {
    direct: () => probe(bin, [bin.upstream, "--tools", "10"], probeSettings({ expectTools: 10, tools: ["t0"] })),
    mcpgw: () => probe(bin, [bin.mcpgw, "--config", config], probeSettings({ expectTools: 10, tools: ["s0__t0"] })),
  };
  for (let round = 0; round < settings.rounds; round++) {
    for (const name of rotated(Object.keys(systems), round)) {
      log(`stdio, 1 upstream: ${name}, round ${round + 1}`);
      recordProbe(rounds, name, await systems[name]());
    }
  }
  return rounds;
}

// (2) stdio -> gateway -> 10 upstreams x 50 tools; the references are one upstream of 50 tools
// (start-up) and one of 500 (listing). mcp-hub serves HTTP only; its figures come over HTTP.
async function stdioTenUpstreams() {
  const rounds = new Rounds();
  const upstreams = fleet(bin, 10, 50);
  const config = writeMcpgwConfig(work, upstreams);
  const few = { calls: 100, warmup: 10 };
  const systems = {
    "direct, 50 tools": () => probe(bin, [bin.upstream, "--tools", "50"], probeSettings({ ...few, expectTools: 50, tools: ["t0"] })),
    "direct, 500 tools": () => probe(bin, [bin.upstream, "--tools", "500"], probeSettings({ ...few, expectTools: 500, tools: ["t0"] })),
    mcpgw: () => probe(bin, [bin.mcpgw, "--config", config], probeSettings({ ...few, expectTools: 500, tools: ["s0__t0"] })),
  };
  for (const peer of peers.filter((p) => p.aggregates)) {
    systems[`${peer.name} (HTTP)`] = async () => {
      const launch = await launchPeer(peer, { upstreams, port: await freePort(), home: fs.mkdtempSync(path.join(work, `${peer.name}-`)) });
      const endpoint = launch.transport === "sse" ? { sse: launch.url } : { http: launch.url };
      return probe(bin, launch.command, probeSettings({ ...few, ...endpoint, expectTools: 500, tools: [launch.toolName("s0", "t0")], env: launch.env }));
    };
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const name of rotated(Object.keys(systems), round)) {
      log(`stdio, 10 upstreams: ${name}, round ${round + 1}`);
      recordProbe(rounds, name, await systems[name]());
    }
  }
  return rounds;
}

const MODERN_REVISION = "2026-07-28";

// Starts one HTTP system, loads it at each connection count, stops it. Legacy calls go in a
// session (initialize first); modern ones are stateless, each POST carrying the version.
async function loadHttp(rounds, name, start, tools, { modern = false } = {}) {
  const system = await start();
  try {
    const { sessionId, protocolVersion } = modern ? { protocolVersion: MODERN_REVISION } : await mcpSession(system.url);
    const load = { seconds: settings.seconds, tools: tools(system), session: sessionId, version: protocolVersion };
    if (settings.warmupSeconds) await wrk(system.url, { ...load, connections: 16, seconds: settings.warmupSeconds });
    for (const connections of settings.connections) {
      const figures = await wrk(system.url, { ...load, connections });
      for (const metric of ["rps", "p50_us", "p99_us", "errors"]) rounds.record(name, `${metric}@${connections}`, figures[metric]);
    }
  } finally {
    await system.stop();
  }
}

// (3) and (4): Streamable HTTP clients (wrk) -> gateway -> `count` stdio upstreams. A peer that
// serves only the legacy HTTP+SSE transport (mcp-hub) cannot be loaded by wrk: its answers come
// on another stream than the POST.
async function httpUnderLoad(count) {
  const rounds = new Rounds();
  const upstreams = fleet(bin, count, 10);
  const spread = upstreams.map((u) => u.name);  // calls cycle through the upstreams
  const systems = {
    direct: [() => startDirectHttp(bin, 10), () => ["t0"]],
    mcpgw: [() => startMcpgwHttp(bin, work, upstreams), () => spread.map((s) => `${s}__t0`)],
  };
  for (const peer of peers.filter((p) => p.transport === "streamable-http" && (count === 1 || p.aggregates))) {
    systems[peer.name] = [
      async () => launchPeer(peer, { upstreams, port: await freePort(), home: fs.mkdtempSync(path.join(work, `${peer.name}-`)), start: true }),
      (system) => spread.map((s) => system.toolName(s, "t0")),
    ];
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const name of rotated(Object.keys(systems), round)) {
      log(`HTTP, ${count} upstream(s): ${name}, round ${round + 1}`);
      const [start, tools] = systems[name];
      await loadHttp(rounds, name, start, tools);
    }
  }
  return rounds;
}

// (5) How the cost grows with the number of upstreams (10 tools each), over stdio. The reference
// for listing is one upstream with as many tools as the whole fleet. Calls go to the last
// upstream's tool, so that only the gateway's share of the cost can change with the fleet.
async function growth() {
  const rounds = new Rounds();
  const systems = {};
  for (const n of settings.fleetSizes) {
    const upstreams = fleet(bin, n, 10);
    const config = writeMcpgwConfig(work, upstreams);
    const tools = [`${upstreams.at(-1).name}__t0`];
    systems[`direct, ${n * 10} tools`] = () => probe(bin, [bin.upstream, "--tools", String(n * 10)], probeSettings({ expectTools: n * 10, tools: ["t0"] }));
    systems[`mcpgw, ${n} upstream${n > 1 ? "s" : ""}`] = () => probe(bin, [bin.mcpgw, "--config", config], probeSettings({ expectTools: n * 10, tools }));
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const name of rotated(Object.keys(systems), round)) {
      log(`growth: ${name}, round ${round + 1}`);
      recordProbe(rounds, name, await systems[name]());
    }
  }
  return rounds;
}

// (6) The two eras over Streamable HTTP against one upstream that speaks both (the fixture over
// HTTP): legacy calls in a session, and modern 2026-07-28 calls, stateless (each POST carries
// the version, client info and capabilities in _meta, and the Mcp-Method and Mcp-Name headers).
async function eras() {
  const rounds = new Rounds();
  const systems = {};
  for (const era of ["legacy", "modern"]) {
    const options = { modern: era === "modern" };
    systems[`direct, ${era}`] = [() => startDirectHttp(bin, 10), () => ["t0"], options];
    systems[`mcpgw, ${era}`] = [() => startMcpgwOverHttp(bin, work, 10), () => ["s0__t0"], options];
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const name of rotated(Object.keys(systems), round)) {
      log(`HTTP, eras: ${name}, round ${round + 1}`);
      const [start, tools, options] = systems[name];
      await loadHttp(rounds, name, start, tools, options);
    }
  }
  return rounds;
}

const started = Date.now();
const results = {
  settings,
  stdio1: await stdioOneUpstream(),
  stdio10: await stdioTenUpstreams(),
  http1: await httpUnderLoad(1),
  http10: await httpUnderLoad(10),
  growth: await growth(),
  eras: await eras(),
};
const report = writeReport(results, { seconds: Math.round((Date.now() - started) / 1000), smoke: flags.smoke });
fs.writeFileSync(out, report);
fs.rmSync(work, { recursive: true, force: true });
console.log(report);
log(`written to ${out}`);
