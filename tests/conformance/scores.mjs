// Reading a suite run's results (one checks.json per scenario) and comparing runs scenario by
// scenario: a check counts as passed when its status is SUCCESS and as failed when FAILURE;
// WARNING and INFO checks are not scored (the suite itself counts them the same way).
import fs from "node:fs";
import path from "node:path";

const SCENARIO = /^=== Running scenario: (\S+) ===$/;
const SAVED = /^Results saved to (.+)$/;

const SCORED = new Set(["SUCCESS", "FAILURE"]);

// What a check says about itself, on one line.
function message(check) {
  const text = check.errorMessage ?? check.details?.message ?? "";
  return String(text).replace(/\s+/g, " ").trim();
}

function score(checks) {
  return {
    passed: checks.filter((c) => c.status === "SUCCESS").length,
    failed: checks.filter((c) => c.status === "FAILURE").length,
    checks: checks.map((c) => ({ id: c.id, status: c.status, message: message(c) })),
  };
}

/**
 * The results of one suite run, from its stdout (which names each scenario and where its
 * checks.json went) and stderr (why a scenario that could not run failed). Returns a Map from
 * scenario name to { passed, failed, checks: [{ id, status, message }], dir } in the order run.
 * A scenario without a checks.json counts as one failed check.
 */
export function readRun(stdout, stderr) {
  const results = new Map();
  let current = null;
  for (const line of stdout.split("\n")) {
    const started = line.match(SCENARIO);
    if (started) {
      current = started[1];
      const why = stderr.match(new RegExp(`Failed to run scenario ${current}:(.*)`));
      const text = `no results: ${why ? why[1].trim() : "the suite stopped"}`;
      results.set(current, { passed: 0, failed: 1, checks: [{ id: current, status: "FAILURE", message: text }] });
      continue;
    }
    const saved = line.match(SAVED);
    if (saved && current) {
      const dir = saved[1].trim();
      try {
        const checks = JSON.parse(fs.readFileSync(path.join(dir, "checks.json"), "utf8"));
        results.set(current, { ...score(checks), dir });
      } catch (e) {
        const text = `unreadable ${dir}/checks.json: ${e.message}`;
        results.set(current, { passed: 0, failed: 1, checks: [{ id: current, status: "FAILURE", message: text }], dir });
      }
    }
  }
  return results;
}

export function totals(results) {
  let passed = 0;
  let failed = 0;
  for (const r of results.values()) {
    passed += r.passed;
    failed += r.failed;
  }
  return { passed, failed };
}

const show = (r) => (r ? `${r.passed}/${r.passed + r.failed}` : "not run");

// The checks of `mine` whose status differs from `theirs` (matched by id, in order), as
// { id, before, after, message } (a status, or "absent"); scored checks (SUCCESS, FAILURE) only
// on either side.
function checkMoves(theirs, mine) {
  const moves = [];
  const pending = [...(theirs?.checks ?? [])];
  for (const check of mine?.checks ?? []) {
    const at = pending.findIndex((c) => c.id === check.id);
    const before = at >= 0 ? pending.splice(at, 1)[0].status : "absent";
    if (before !== check.status && (SCORED.has(before) || SCORED.has(check.status))) {
      moves.push({ id: check.id, before, after: check.status, message: check.message });
    }
  }
  for (const check of pending) if (SCORED.has(check.status)) moves.push({ id: check.id, before: check.status, after: "absent" });
  return moves;
}

// The same as lines "id: THEIRS -> MINE: message", or "not run" when `mine` did not run.
function checkDiff(theirs, mine) {
  if (!mine) return ["not run"];
  return checkMoves(theirs, mine).map((m) => `${m.id}: ${m.before} -> ${m.after}${m.message ? `: ${m.message}` : ""}`);
}

// Whether a check's move from `before` to `after` (statuses, or "absent") loses ground: a check
// that passed directly no longer passes, or a check fails that did not fail directly.
const worse = (before, after) => (before === "SUCCESS" && after !== "SUCCESS") || (after === "FAILURE" && before !== "FAILURE");

/**
 * Compares each gateway run with the direct one, asking only that the gateway does no worse,
 * check by check. `runs` is [[name, results], ...], direct first; `known(scenario, target)`
 * gives the known differences there, [{ check (an id, or undefined for the whole scenario), why }].
 * Returns { table (every scenario's score per target, a mark after a gateway's score: `<` worse,
 * `>` better, `~` other checks, `*` worse only where known), differences ([{ scenario, target,
 * worse, known (the reasons that applied), checks (lines) }]), failing (differences that are
 * worse beyond what is known) }.
 */
export function compareNoWorse(runs, known) {
  const [[, direct], ...gateways] = runs;
  const names = [...direct.keys()];
  for (const [, results] of gateways) {
    for (const name of results.keys()) if (!names.includes(name)) names.push(name);
  }
  const differences = [];
  const width = Math.max(8, ...names.map((n) => n.length));
  const table = [[`${"scenario".padEnd(width)}`, ...runs.map(([label]) => label.padStart(15))].join(" ")];
  for (const name of names) {
    const cells = [show(direct.get(name)).padStart(15)];
    for (const [target, results] of gateways) {
      const theirs = direct.get(name);
      const mine = results.get(name);
      const moves = checkMoves(theirs, mine);
      let mark = " ";
      if (!mine || moves.length > 0) {
        const entries = known(name, target);
        const excused = (move) => entries.find((e) => e.check === undefined || e.check === move.id);
        const lost = mine ? moves.filter((m) => worse(m.before, m.after)) : [{ id: name }];
        const unexplained = lost.filter((m) => !excused(m));
        const reasons = [...new Set(lost.map(excused).filter(Boolean).map((e) => e.why))];
        differences.push({ scenario: name, target, worse: unexplained.length > 0, known: reasons, checks: checkDiff(theirs, mine) });
        const better = moves.some((m) => worse(m.after, m.before));
        mark = unexplained.length > 0 ? "<" : lost.length > 0 ? "*" : better ? ">" : "~";
      }
      cells.push(`${show(mine)}${mark}`.padStart(15));
    }
    table.push([name.padEnd(width), ...cells].join(" "));
  }
  const failing = differences.filter((d) => d.worse).length;
  return { table, differences, failing };
}

/** Prints each difference from direct (compareNoWorse), with its checks and, when known, why. */
export function printDifferences(differences, log) {
  for (const d of differences) {
    const why = d.known.length > 0 ? `known: ${d.known.join("; ")}` : "";
    const verdict = d.worse ? `WORSE than direct${why ? `; ${why}` : ""}` : why || "no worse than direct";
    log(`  ${d.scenario} via ${d.target} (${verdict})`);
    for (const line of d.checks) log(`      ${line.slice(0, 300)}`);
  }
}
