// Turning rounds of figures into Markdown: medians over rounds, ratios to direct, tables.

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Figures of many rounds: record(system, metric, value) per round; the per-round ratio to a
 * reference system is taken before the median, so that a slow moment of the machine hits both
 * sides of a ratio alike.
 */
export class Rounds {
  constructor() {
    this.values = new Map();  // "system\tmetric" -> [value per round]
  }
  record(system, metric, value) {
    const key = `${system}\t${metric}`;
    if (!this.values.has(key)) this.values.set(key, []);
    this.values.get(key).push(value);
  }
  all(system, metric) {
    return this.values.get(`${system}\t${metric}`) ?? [];
  }
  has(system, metric) {
    return this.values.has(`${system}\t${metric}`);
  }
  median(system, metric) {
    return median(this.all(system, metric));
  }
  /** Median over rounds of system/reference (per round). */
  ratio(system, reference, metric, referenceMetric = metric) {
    const mine = this.all(system, metric);
    const theirs = this.all(reference, referenceMetric);
    return median(mine.map((v, i) => v / theirs[i]));
  }
  /** Median over rounds of system - reference (per round). */
  difference(system, reference, metric, referenceMetric = metric) {
    const mine = this.all(system, metric);
    const theirs = this.all(reference, referenceMetric);
    return median(mine.map((v, i) => v - theirs[i]));
  }
  /** The largest value any round recorded (for error counts). */
  max(system, metric) {
    return Math.max(0, ...this.all(system, metric));
  }
}

export function number(value, digits = 0) {
  if (!Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function times(ratio) {
  return Number.isFinite(ratio) ? `${number(ratio, 2)}×` : "–";
}

/** A Markdown table; right-aligns every column but the first. */
export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  const rule = headers.map((_, i) => (i === 0 ? "---" : "---:"));
  return [line(headers), line(rule), ...rows.map(line)].join("\n");
}
