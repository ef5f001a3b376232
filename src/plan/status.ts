/**
 * How an indicator is judged. Pure functions over plain data, so the rule is tested without a database
 * and written out on the page (messages plan.rule.*).
 */
import type { IndicatorKind } from './tables.js';

export type StatusCode = 'achieved' | 'on_track' | 'at_risk' | 'off_track' | 'no_data' | 'no_interim_target';
export const STATUS_CODES: readonly StatusCode[] = ['achieved', 'on_track', 'at_risk', 'off_track', 'no_interim_target', 'no_data'];

/** Below this share of the expected running total a cumulative indicator is off track rather than at risk. */
export const CUMULATIVE_AT_RISK = 0.8;
/** Below this share of the year's expected value an annual indicator is off track rather than at risk. */
export const ANNUAL_AT_RISK = 0.9;

export interface TargetPoint {
  /** Fiscal (or calendar, for milestones) year the target is due. */
  year: number;
  value: number | null;
  min: number | null;
  max: number | null;
}

export interface YearValue {
  year: number;
  value: number;
}

export interface TrajectoryPoint {
  year: number;
  /** Expected value: the running total for cumulative indicators, the year's value for annual ones. */
  value: number;
  basis: 'annual-plan' | 'line' | 'target';
}

export interface Judgement {
  code: StatusCode;
  /** The year judged: the latest reported year, capped at the last target year. */
  year: number | null;
  /** The actual judged (running total for cumulative indicators). */
  actual: number | null;
  expected: number | null;
  /** actual / expected, where both exist. */
  ratio: number | null;
  /** The target that governs the judged year. */
  targetYear: number | null;
  targetValue: number | null;
}

export interface Forecast {
  year: number;
  value: number;
  method: 'average-pace' | 'linear-trend' | 'last-value';
}

/** Running totals from the first plan year. Years missing from `actuals` count as nothing reported. */
export function runningTotals(actuals: YearValue[], fromYear: number): YearValue[] {
  let sum = 0;
  return actuals
    .filter((a) => a.year >= fromYear)
    .sort((a, b) => a.year - b.year)
    .map((a) => ({ year: a.year, value: (sum += a.value) }));
}

/**
 * Expected trajectory of a cumulative indicator: the running sum of the annual plan's yearly milestones
 * where they add up to the target (10, 20, 30, 40), then straight lines from there (or from zero
 * before the first plan year) to each later target.
 */
export function cumulativeTrajectory(fromYear: number, targets: TargetPoint[], annualPlan: Map<number, number>): TrajectoryPoint[] {
  const sorted = targets.filter((t) => t.value !== null).sort((a, b) => a.year - b.year);
  const out: TrajectoryPoint[] = [];
  if (!sorted.length) return out;
  let lastYear = fromYear - 1;
  let lastValue = 0;
  const first = sorted[0]!;
  const planYears = [...annualPlan.keys()].filter((y) => y >= fromYear && y <= first.year).sort((a, b) => a - b);
  const planSum = planYears.reduce((s, y) => s + annualPlan.get(y)!, 0);
  if (planYears.length && Math.abs(planSum - first.value!) < 1e-9) {
    let run = 0;
    for (let y = fromYear; y <= first.year; y++) {
      run += annualPlan.get(y) ?? 0;
      out.push({ year: y, value: run, basis: y === first.year ? 'target' : 'annual-plan' });
    }
    lastYear = first.year;
    lastValue = first.value!;
  }
  for (const t of sorted) {
    if (t.year <= lastYear) continue;
    for (let y = lastYear + 1; y <= t.year; y++) {
      const v = lastValue + ((t.value! - lastValue) * (y - lastYear)) / (t.year - lastYear);
      out.push({ year: y, value: v, basis: y === t.year ? 'target' : 'line' });
    }
    lastYear = t.year;
    lastValue = t.value!;
  }
  return out;
}

/**
 * Expected values of an annual indicator: each target in its year and the straight line between two
 * targets. Years before the first target have no interim target: none is invented.
 */
export function annualTrajectory(targets: TargetPoint[]): TrajectoryPoint[] {
  const sorted = targets.filter((t) => t.value !== null).sort((a, b) => a.year - b.year);
  const out: TrajectoryPoint[] = [];
  sorted.forEach((t, i) => {
    const prev = sorted[i - 1];
    if (prev) for (let y = prev.year + 1; y < t.year; y++) out.push({ year: y, value: prev.value! + ((t.value! - prev.value!) * (y - prev.year)) / (t.year - prev.year), basis: 'line' });
    out.push({ year: t.year, value: t.value!, basis: 'target' });
  });
  return out;
}

function governingTarget(targets: TargetPoint[], year: number): TargetPoint | undefined {
  const sorted = [...targets].sort((a, b) => a.year - b.year);
  return sorted.find((t) => t.year >= year) ?? sorted[sorted.length - 1];
}

export function lastTargetYear(targets: TargetPoint[]): number | null {
  return targets.length ? Math.max(...targets.map((t) => t.year)) : null;
}

/**
 * Judge an indicator for its latest reported year (capped at the last target year).
 * `actuals` are per-year values (counts within the year for cumulative indicators; for milestones,
 * 1 = done, 0 = not yet, by calendar year). `inProgressYear` is the fiscal year now running, whose
 * figure is still growing (a live metric).
 */
export function judge(kind: IndicatorKind, fromYear: number, targets: TargetPoint[], actuals: YearValue[], trajectory: TrajectoryPoint[], inProgressYear?: number): Judgement {
  const cap = lastTargetYear(targets);
  const none: Judgement = { code: 'no_data', year: null, actual: null, expected: null, ratio: null, targetYear: null, targetValue: null };
  const reported = actuals.filter((a) => (kind === 'cumulative' ? a.year >= fromYear : true)).sort((a, b) => a.year - b.year);
  if (!reported.length || cap === null) return none;
  const inRange = reported.filter((a) => a.year <= cap);
  const latest = (inRange.length ? inRange : reported)[(inRange.length ? inRange : reported).length - 1]!;
  const year = Math.min(latest.year, cap);
  const gov = governingTarget(targets, year)!;
  const base = { year, targetYear: gov.year, targetValue: gov.value };

  switch (kind) {
    case 'cumulative': {
      const total = runningTotals(reported.filter((a) => a.year <= year), fromYear).at(-1)?.value ?? 0;
      const expected = trajectory.find((p) => p.year === year)?.value ?? null;
      const ratio = expected ? total / expected : null;
      let code: StatusCode;
      if (gov.value !== null && total >= gov.value) code = 'achieved';
      // A target year that has ended without the target is missed; one still in progress is judged on pace.
      else if (year >= gov.year && year !== inProgressYear) code = 'off_track';
      else if (expected === null) code = 'no_interim_target';
      else if (total >= expected) code = 'on_track';
      else if (total >= CUMULATIVE_AT_RISK * expected) code = 'at_risk';
      else code = 'off_track';
      return { ...base, code, actual: total, expected, ratio };
    }
    case 'annual': {
      const actual = reported.find((a) => a.year === year)?.value ?? latest.value;
      const point = trajectory.find((p) => p.year === year);
      if (!point) return { ...base, code: 'no_interim_target', actual, expected: null, ratio: null };
      const ratio = point.value ? actual / point.value : null;
      let code: StatusCode;
      if (actual >= point.value) code = point.basis === 'target' ? 'achieved' : 'on_track';
      else if (actual >= ANNUAL_AT_RISK * point.value) code = 'at_risk';
      else code = 'off_track';
      return { ...base, code, actual, expected: point.value, ratio };
    }
    case 'range': {
      const actual = reported.find((a) => a.year === year)?.value ?? latest.value;
      const inside = gov.min !== null && gov.max !== null && actual >= gov.min && actual <= gov.max;
      const code: StatusCode = inside ? 'achieved' : year >= gov.year ? 'off_track' : 'at_risk';
      return { ...base, code, actual, expected: gov.min, ratio: null };
    }
    case 'milestone': {
      const done = reported.find((a) => a.value >= 1 && a.year <= gov.year);
      const doneLate = reported.find((a) => a.value >= 1);
      const code: StatusCode = done ? 'achieved' : doneLate ? 'off_track' : year >= gov.year ? 'off_track' : 'on_track';
      return { ...base, year: (done ?? doneLate)?.year ?? year, code, actual: doneLate ? 1 : 0, expected: 1, ratio: null };
    }
  }
}

/** Forecast for the last target year at the pace so far, with its method. None for milestones. */
export function forecast(kind: IndicatorKind, fromYear: number, targets: TargetPoint[], actuals: YearValue[]): Forecast | null {
  const year = lastTargetYear(targets);
  if (year === null || kind === 'milestone') return null;
  if (kind === 'cumulative') {
    const inPlan = actuals.filter((a) => a.year >= fromYear && a.year <= year).sort((a, b) => a.year - b.year);
    if (!inPlan.length) return null;
    const last = inPlan.at(-1)!.year;
    const total = inPlan.reduce((s, a) => s + a.value, 0);
    const pace = total / (last - fromYear + 1);
    return { year, value: pace * (year - fromYear + 1), method: 'average-pace' };
  }
  const pts = actuals.filter((a) => a.year <= year).sort((a, b) => a.year - b.year);
  if (!pts.length) return null;
  if (pts.length === 1) return { year, value: pts[0]!.value, method: 'last-value' };
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p.year, 0) / n;
  const my = pts.reduce((s, p) => s + p.value, 0) / n;
  const sxx = pts.reduce((s, p) => s + (p.year - mx) ** 2, 0);
  const sxy = pts.reduce((s, p) => s + (p.year - mx) * (p.value - my), 0);
  const slope = sxx ? sxy / sxx : 0;
  return { year, value: my + slope * (year - mx), method: 'linear-trend' };
}

/** Share of the final target reached (0..1, for a progress bar); null where it does not apply. */
export function progressShare(kind: IndicatorKind, targets: TargetPoint[], judgement: Judgement): number | null {
  if (judgement.actual === null) return null;
  if (kind === 'milestone') return judgement.actual >= 1 ? 1 : 0;
  const t = governingTarget(targets, judgement.year ?? 0);
  if (!t) return null;
  const goal = kind === 'range' ? t.min : t.value;
  if (!goal) return null;
  return Math.max(0, Math.min(1, judgement.actual / goal));
}
