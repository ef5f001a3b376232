/**
 * The benchmark line (STYLE.md): one JSON object per figure, printed on its own line.
 * `{"bench":"catalog-search-1m-sqlite","value":12.3,"unit":"ms","baseline":7.9,"ratio":1.56,"goal":2,"goal_on":"ratio","lower_is_better":true}`
 * The baseline is measured in the same run; a figure with two goals is two lines.
 */
export interface BenchLine {
  /** Stable name: lower-case words joined by dashes, ending in the dialect where one applies. */
  bench: string;
  value: number;
  unit: string;
  baseline: number;
  /** value / baseline, rounded. */
  ratio: number;
  goal: number;
  /** Which field the goal applies to. */
  goal_on: 'ratio' | 'value';
  lower_is_better: boolean;
}

/** The keys, in the order they are printed. */
export const LINE_KEYS = ['bench', 'value', 'unit', 'baseline', 'ratio', 'goal', 'goal_on', 'lower_is_better'] as const;

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Rounded to 3 significant figures below 100, to whole units above (req/s need no decimals). */
export function round(n: number): number {
  if (!Number.isFinite(n) || n === 0) return n;
  if (Math.abs(n) >= 100) return Math.round(n);
  return Number(n.toPrecision(3));
}

/** How far a printed ratio may differ from value / baseline (both are rounded before printing). */
function ratioTolerance(value: number, baseline: number, ratio: number): number {
  // value and baseline carry up to 0.5 % rounding error each (3 significant figures), the ratio another 0.5 %.
  return Math.abs(ratio) * 0.012 + 0.001 + (Math.abs(value) < 1 || Math.abs(baseline) < 1 ? 0.01 : 0);
}

/**
 * Problems with a parsed line, as readable sentences; empty when the line fits the schema.
 * Checks fields and types, that ratio = value / baseline, and that goal_on names a real field.
 */
export function lineProblems(x: unknown): string[] {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return ['a line must be a JSON object'];
  const o = x as Record<string, unknown>;
  const problems: string[] = [];
  const extra = Object.keys(o).filter((k) => !(LINE_KEYS as readonly string[]).includes(k));
  if (extra.length) problems.push(`unknown field(s): ${extra.join(', ')}`);
  for (const k of LINE_KEYS) if (!(k in o)) problems.push(`missing field: ${k}`);
  if (problems.some((p) => p.startsWith('missing'))) return problems;

  if (typeof o.bench !== 'string' || !NAME.test(o.bench)) problems.push(`bench must be lower-case words joined by dashes, got ${JSON.stringify(o.bench)}`);
  if (typeof o.unit !== 'string' || o.unit.trim() === '') problems.push('unit must be a non-empty string');
  for (const k of ['value', 'baseline', 'ratio', 'goal'] as const) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) problems.push(`${k} must be a finite number, got ${JSON.stringify(o[k])}`);
  }
  if (o.goal_on !== 'ratio' && o.goal_on !== 'value') problems.push(`goal_on must be "ratio" or "value", got ${JSON.stringify(o.goal_on)}`);
  if (typeof o.lower_is_better !== 'boolean') problems.push('lower_is_better must be true or false');
  if (problems.length) return problems;

  const value = o.value as number;
  const baseline = o.baseline as number;
  const ratio = o.ratio as number;
  if (value < 0) problems.push(`value must not be negative, got ${value}`);
  if (baseline <= 0) problems.push(`baseline must be positive (measured in the same run), got ${baseline}`);
  else if (Math.abs(ratio - value / baseline) > ratioTolerance(value, baseline, ratio)) {
    problems.push(`ratio must be value / baseline = ${(value / baseline).toFixed(4)}, got ${ratio}`);
  }
  if ((o.goal as number) <= 0) problems.push(`goal must be positive, got ${o.goal as number}`);
  return problems;
}

/** A line built from a measured value and its same-run baseline (the ratio is derived, never typed). */
export function line(fields: Omit<BenchLine, 'ratio'>): BenchLine {
  const value = round(fields.value);
  const baseline = round(fields.baseline);
  const out: BenchLine = {
    bench: fields.bench,
    value,
    unit: fields.unit,
    baseline,
    ratio: baseline > 0 ? round(value / baseline) : Number.NaN,
    goal: fields.goal,
    goal_on: fields.goal_on,
    lower_is_better: fields.lower_is_better,
  };
  const problems = lineProblems(out);
  if (problems.length) throw new Error(`benchmark line ${fields.bench} does not fit the schema: ${problems.join('; ')}`);
  return out;
}

/** The printed form: the keys in schema order, one line. */
export function formatLine(l: BenchLine): string {
  return JSON.stringify(Object.fromEntries(LINE_KEYS.map((k) => [k, l[k]])));
}

/** Whether the line meets its goal (for the human summary; the JSON carries the raw figures). */
export function meetsGoal(l: BenchLine): boolean {
  const x = l.goal_on === 'ratio' ? l.ratio : l.value;
  return l.lower_is_better ? x <= l.goal : x >= l.goal;
}

/** One benchmark module: a name for `--only`, and a generator of lines. */
export interface Benchmark {
  name: string;
  description: string;
  run(opts: BenchOptions): AsyncIterable<BenchLine>;
}

export interface BenchOptions {
  /** Tiny durations: checks that the benchmark runs and prints valid lines, nothing about speed. */
  smoke: boolean;
  /** Progress and human-readable figures (stderr), kept apart from the JSON lines on stdout. */
  log(message: string): void;
}
