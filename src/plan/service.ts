import type { AppContext } from '../core/context.js';
import type { Db, Dialect } from '../core/db/index.js';
import type { Clock } from '../core/clock.js';
import type { MetricRegistry, MetricParams } from '../core/metrics.js';
import { audit, type Actor } from '../core/audit.js';
import { bumpVersion, versionKey } from '../core/versions.js';
import { DomainError, validation, type FieldProblem } from '../core/errors.js';
import { fiscalYearOf } from '../core/fiscal.js';
import { planStore } from './store.js';
import type { IndicatorKind, PlanIndicatorsTable, PlanTargetsTable } from './tables.js';
import {
  annualTrajectory,
  cumulativeTrajectory,
  forecast as forecastOf,
  judge,
  progressShare,
  runningTotals,
  type Forecast,
  type Judgement,
  type TargetPoint,
  type TrajectoryPoint,
  type YearValue,
} from './status.js';

export interface Bilingual {
  ja: string;
  en: string;
}

export interface RevisionView {
  id: number;
  oldValue: number | null;
  newValue: number;
  effectiveFiscalYear: number;
  reason: string;
  source: 'staff' | 'import';
  by: string;
  at: string;
}

export interface TargetView {
  id: string;
  /** "1-01": group and number, as the plan prints it. */
  label: string;
  group: number;
  number: string;
  name: Bilingual;
  yearBasis: 'fiscal' | 'calendar';
  year: number;
  yearText: string;
  /** Current value (after revisions). */
  value: number | null;
  /** Value as the plan file states it (before any staff revision). */
  plannedValue: number | null;
  min: number | null;
  max: number | null;
  unit: Bilingual | null;
  valueText: string;
  statusText: Bilingual | null;
  comparison: Bilingual | null;
  kindText: string;
  kindConfidence: string;
  kindBasis: string | null;
  beyondPlanPeriod: boolean;
  revisions: RevisionView[];
}

export interface ActualView {
  year: number;
  /** The year's value (for cumulative indicators, the count within the year). */
  value: number;
  /** Running total since the plan's first year (cumulative indicators only). */
  cumulative: number | null;
  source: string;
  asOf: string | null;
  provisional: boolean;
  note: string | null;
  frozen: boolean;
}

export interface MeasurementView {
  id: number;
  period: number;
  periodBasis: 'fiscal' | 'calendar';
  value: number;
  source: string;
  asOf: string;
  provisional: boolean;
  note: string | null;
  enteredBy: string;
  enteredAt: string;
  /** A later entry for the same period replaced this one. */
  superseded: boolean;
}

export interface BaselineView {
  id: string;
  indicator: Bilingual;
  value: number | null;
  unit: Bilingual | null;
  text: string;
  fromFiscalYear: number | null;
  toFiscalYear: number | null;
  aggregation: string | null;
  isEstimate: boolean;
  context: Bilingual | null;
  dataSource: Bilingual | null;
}

export interface RowRef {
  id: string;
  development: number;
  area: Bilingual;
  item: Bilingual;
  confidence: string;
}

export interface IndicatorView {
  id: string;
  planId: string;
  name: Bilingual;
  kind: IndicatorKind;
  unit: Bilingual | null;
  group: { number: number; name: Bilingual };
  periodBasis: 'fiscal' | 'calendar';
  /** First year counted for cumulative indicators (the plan's first fiscal year). */
  fromYear: number;
  binding: { type: 'manual' } | { type: 'metric'; metric: string; params: MetricParams; description: Bilingual };
  targets: TargetView[];
  trajectory: TrajectoryPoint[];
  actuals: ActualView[];
  latest: ActualView | null;
  status: Judgement;
  progress: number | null;
  forecast: Forecast | null;
  baselines: BaselineView[];
  relatedRows: RowRef[];
  measurements: MeasurementView[];
}

export interface MilestoneCellView {
  fiscalYear: number;
  kind: 'value' | 'text' | 'ongoing';
  value: number | null;
  unit: Bilingual | null;
  text: Bilingual | null;
  confidence: string;
}

export interface AnnualRowView extends RowRef {
  status: { text_ja: string; text_en?: string }[];
  statusIsEstimate: boolean;
  goal: { text_ja: string; text_en?: string }[];
  notes: string[];
  items: { item: number; label: Bilingual | null; confidence: string; note: string | null; cells: MilestoneCellView[] }[];
  /** Indicators of the row's related targets, with their actual per fiscal year where measured. */
  actuals: { indicatorId: string; name: Bilingual; unit: Bilingual | null; byYear: Record<number, number> }[];
}

export interface DevelopmentView {
  number: number;
  title: Bilingual;
  intro: Bilingual | null;
  subsections: { number: number; title: Bilingual; initiatives: { id: string; text: Bilingual }[] }[];
  rows: AnnualRowView[];
}

export interface PlanView {
  id: string;
  title: Bilingual;
  fromFiscalYear: number;
  toFiscalYear: number;
  sourceFile: string;
  importedAt: string;
  document: Record<string, any>;
  groups: { number: number; name: Bilingual; indicatorIds: string[] }[];
  indicators: IndicatorView[];
  developments: DevelopmentView[];
  /** Fiscal years the annual plan covers (FY2017–FY2020). */
  annualYears: number[];
  accepted: { min: number; max: number };
  currentFiscalYear: number;
  /** The data versions the view was computed from. */
  version: string;
}

const bi = (ja: string | null | undefined, en: string | null | undefined): Bilingual | null => (ja || en ? { ja: ja ?? en ?? '', en: en ?? ja ?? '' } : null);
const parse = <T>(s: string | null | undefined, fallback: T): T => {
  try {
    return s ? (JSON.parse(s) as T) : fallback;
  } catch {
    return fallback;
  }
};

export interface MeasurementInput {
  period: number;
  value: number;
  source: string;
  asOf?: string;
  provisional?: boolean;
  note?: string | null;
}

export interface RevisionInput {
  newValue: number;
  effectiveFiscalYear: number;
  reason: string;
}

/**
 * The plan's rules. Views are computed on read and cached by the database's data versions, so every
 * process notices a write (its own or another's) on its next read.
 */
export class PlanService {
  private cache: { key: string; view: PlanView; json: Map<string, Buffer> } | null = null;
  /** A computation under way, shared by every read that arrives while it runs (no stampede after a write). */
  private pending: { key: string; promise: Promise<PlanView | null> } | null = null;
  private readonly db: Db;
  private readonly dialect: Dialect;
  private readonly clock: Clock;
  private readonly metrics: MetricRegistry;

  constructor(ctx: Pick<AppContext, 'db' | 'dialect' | 'clock' | 'metrics'>) {
    this.db = ctx.db;
    this.dialect = ctx.dialect;
    this.clock = ctx.clock;
    this.metrics = ctx.metrics;
  }

  /** The whole plan, computed or from the cache. Null when no plan has been imported. */
  async view(): Promise<PlanView | null> {
    const fy = fiscalYearOf(this.clock.now());
    const key = `${await versionKey(this.db)}#${fy}`;
    if (this.cache?.key === key) return this.cache.view;
    if (this.pending?.key === key) return this.pending.promise;
    const promise = this.compute(key).then(
      async (view) => {
        // Cache only what is known to match the key: the fast key may have seen a write still open.
        const confirmed = `${await versionKey(this.db, { consistent: true })}#${fy}` === key;
        if (view && confirmed) this.cache = { key, view, json: new Map() };
        if (this.pending?.promise === promise) this.pending = null;
        return view;
      },
      (err: unknown) => {
        if (this.pending?.promise === promise) this.pending = null;
        throw err;
      },
    );
    this.pending = { key, promise };
    return promise;
  }

  /** A serialization of the view as UTF-8 bytes, cached with it (the API answers from here, never re-encoding). */
  async cachedJson(name: string, build: (v: PlanView) => unknown): Promise<Buffer | null> {
    const v = await this.view();
    if (!v) return null;
    const c = this.cache!;
    let s = c.json.get(name);
    if (s === undefined) {
      s = Buffer.from(JSON.stringify(build(v)), 'utf8');
      c.json.set(name, s);
    }
    return s;
  }

  async indicator(id: string): Promise<IndicatorView> {
    const v = await this.view();
    const ind = v?.indicators.find((i) => i.id === id);
    if (!ind) throw new DomainError('unknown-indicator', `No indicator ${id}`);
    return ind;
  }

  private async compute(key: string): Promise<PlanView | null> {
    const db = this.db;
    const plans = await planStore.plans(db);
    if (!plans.length) return null;
    const [groups, indicators, targets, revisions, baselines, developments, subsections, initiatives, rows, milestones, measurements, snapshots, span] = await Promise.all([
      planStore.groups(db),
      planStore.indicators(db),
      planStore.targets(db),
      planStore.revisions(db),
      planStore.baselines(db),
      planStore.developments(db),
      planStore.subsections(db),
      planStore.initiatives(db),
      planStore.annualRows(db),
      planStore.milestones(db),
      planStore.measurements(db),
      planStore.snapshots(db),
      planStore.yearSpan(db),
    ]);
    const plan = plans[plans.length - 1]!;
    const planById = new Map(plans.map((p) => [p.id, p]));
    const currentFy = fiscalYearOf(this.clock.now());
    const rowRefs = new Map<string, RowRef>(
      rows.map((r) => [r.id, { id: r.id, development: r.development, area: bi(r.area_ja, r.area_en)!, item: bi(r.item_ja, r.item_en)!, confidence: r.confidence }]),
    );

    const targetView = (t: PlanTargetsTable): TargetView => ({
      id: t.id,
      label: `${t.group_number}-${t.number}`,
      group: t.group_number,
      number: t.number,
      name: bi(t.name_ja, t.name_en)!,
      yearBasis: t.year_basis,
      year: t.target_year,
      yearText: t.target_year_text,
      value: t.value,
      plannedValue: t.imported_value,
      min: t.min_value,
      max: t.max_value,
      unit: bi(t.unit_ja, t.unit_en),
      valueText: t.value_text_ja,
      statusText: bi(t.status_ja, t.status_en),
      comparison: bi(t.comparison_ja, t.comparison_en),
      kindText: t.kind_text,
      kindConfidence: t.kind_confidence,
      kindBasis: t.kind_basis,
      beyondPlanPeriod: !!t.beyond_plan_period,
      revisions: revisions
        .filter((r) => r.target_id === t.id)
        .map((r) => ({ id: r.id, oldValue: r.old_value, newValue: r.new_value, effectiveFiscalYear: r.effective_fy, reason: r.reason, source: r.source, by: r.actor_label, at: r.at })),
    });

    const views: IndicatorView[] = [];
    for (const ind of indicators) {
      const own = targets.filter((t) => t.indicator_id === ind.id);
      if (!own.length) continue;
      const indPlan = planById.get(own[0]!.plan_id) ?? plan;
      const fromYear = Math.min(...own.map((t) => planById.get(t.plan_id)?.from_fy ?? indPlan.from_fy));
      const tviews = own.map(targetView);
      const points: TargetPoint[] = tviews.map((t) => ({ year: t.year, value: t.value, min: t.min, max: t.max }));
      const periodBasis = own[0]!.year_basis;

      // Annual plan: yearly numbers of the related rows (all items summed), used where they add up to the target.
      const relatedRowIds = [...new Set(own.flatMap((t) => parse<string[]>(t.related_rows_json, [])))];
      const annualPlan = new Map<number, number>();
      for (const m of milestones) if (relatedRowIds.includes(m.row_id) && m.cell_kind === 'value' && m.value !== null) annualPlan.set(m.fiscal_year, (annualPlan.get(m.fiscal_year) ?? 0) + m.value);
      const trajectory = ind.kind === 'cumulative' ? cumulativeTrajectory(fromYear, points, annualPlan) : ind.kind === 'annual' ? annualTrajectory(points) : [];

      // Actuals: frozen snapshots first, then the metric or the latest measurement of each period.
      const mine = measurements.filter((m) => m.indicator_id === ind.id);
      const latestByPeriod = new Map<number, (typeof mine)[number]>();
      for (const m of mine) latestByPeriod.set(m.period, m); // ordered by id: the last one wins
      const frozen = new Map(snapshots.filter((s) => s.indicator_id === ind.id).map((s) => [s.fiscal_year, s]));
      const byYear = new Map<number, Omit<ActualView, 'cumulative'>>();
      let metricDesc: Bilingual | null = null;
      if (ind.binding === 'metric' && ind.metric_name) {
        const def = this.metrics.get(ind.metric_name);
        if (def) {
          metricDesc = { ja: def.description_ja, en: def.description_en };
          const params = parse<MetricParams>(ind.metric_params_json, {});
          const values = await def.compute({ db: this.db, dialect: this.dialect }, params);
          const last = Math.min(currentFy, Math.max(...points.map((p) => p.year)));
          // A live count: every year from the plan's start to now is reported, a year without records as 0.
          for (let y = fromYear; y <= last; y++) byYear.set(y, { year: y, value: values.get(y) ?? 0, source: `metric:${def.name}`, asOf: null, provisional: y === currentFy, note: null, frozen: false });
          for (const [y, v] of values) if (!byYear.has(y) && y >= fromYear - 5) byYear.set(y, { year: y, value: v, source: `metric:${def.name}`, asOf: null, provisional: y === currentFy, note: null, frozen: false });
        }
      } else {
        for (const [y, m] of latestByPeriod) byYear.set(y, { year: y, value: m.value, source: m.source, asOf: m.as_of, provisional: !!m.provisional, note: m.note, frozen: false });
      }
      for (const [y, s] of frozen) if (s.value !== null) byYear.set(y, { year: y, value: s.value, source: byYear.get(y)?.source ?? 'snapshot', asOf: s.frozen_at, provisional: false, note: byYear.get(y)?.note ?? null, frozen: true });
      const yearValues: YearValue[] = [...byYear.values()].sort((a, b) => a.year - b.year).map((a) => ({ year: a.year, value: a.value }));
      const totals = new Map(runningTotals(yearValues, fromYear).map((r) => [r.year, r.value]));
      const actuals: ActualView[] = [...byYear.values()].sort((a, b) => a.year - b.year).map((a) => ({ ...a, cumulative: ind.kind === 'cumulative' ? (totals.get(a.year) ?? null) : null }));
      const status = judge(ind.kind, fromYear, points, yearValues, trajectory, currentFy);
      const latest = status.year === null ? null : (actuals.filter((a) => a.year <= status.year!).at(-1) ?? null);
      const targetIds = new Set(own.map((t) => t.id));
      const group = groups.find((g) => g.plan_id === own[0]!.plan_id && g.number === own[0]!.group_number);
      const latestIds = new Set([...latestByPeriod.values()].map((m) => m.id));

      views.push({
        id: ind.id,
        planId: indPlan.id,
        name: bi(ind.name_ja, ind.name_en)!,
        kind: ind.kind,
        unit: bi(ind.unit_ja, ind.unit_en),
        group: { number: ind.group_number ?? own[0]!.group_number, name: bi(group?.name_ja, group?.name_en) ?? { ja: '', en: '' } },
        periodBasis,
        fromYear,
        binding: ind.binding === 'metric' && ind.metric_name ? { type: 'metric', metric: ind.metric_name, params: parse<MetricParams>(ind.metric_params_json, {}), description: metricDesc ?? { ja: ind.metric_name, en: ind.metric_name } } : { type: 'manual' },
        targets: tviews,
        trajectory,
        actuals,
        latest,
        status,
        progress: progressShare(ind.kind, points, status),
        forecast: forecastOf(ind.kind, fromYear, points, yearValues),
        baselines: baselines
          .filter((b) => parse<string[]>(b.related_targets_json, []).some((id) => targetIds.has(id)))
          .map((b) => ({
            id: b.id,
            indicator: bi(b.indicator_ja, b.indicator_en)!,
            value: b.value,
            unit: bi(b.unit_ja, b.unit_en),
            text: b.text_ja,
            fromFiscalYear: b.from_fy,
            toFiscalYear: b.to_fy,
            aggregation: b.aggregation,
            isEstimate: !!b.is_estimate,
            context: bi(b.context_ja, b.context_en),
            dataSource: bi(b.data_source_ja, b.data_source_en),
          })),
        relatedRows: relatedRowIds.map((id) => rowRefs.get(id)).filter((r): r is RowRef => !!r),
        measurements: mine.map((m) => ({
          id: m.id,
          period: m.period,
          periodBasis: m.period_basis,
          value: m.value,
          source: m.source,
          asOf: m.as_of,
          provisional: !!m.provisional,
          note: m.note,
          enteredBy: m.entered_by_label,
          enteredAt: m.entered_at,
          superseded: !latestIds.has(m.id),
        })),
      });
    }

    const annualYears = [...new Set(milestones.map((m) => m.fiscal_year))].sort((a, b) => a - b);
    const developmentsView: DevelopmentView[] = developments
      .filter((d) => d.plan_id === plan.id)
      .map((d) => ({
        number: d.number,
        title: bi(d.title_ja, d.title_en)!,
        intro: bi(d.intro_ja, d.intro_en),
        subsections: subsections
          .filter((s) => s.plan_id === plan.id && s.development === d.number)
          .map((s) => ({
            number: s.number,
            title: bi(s.title_ja, s.title_en)!,
            initiatives: initiatives.filter((i) => i.plan_id === plan.id && i.development === d.number && i.subsection === s.number).map((i) => ({ id: i.id, text: { ja: i.text_ja, en: i.summary_en } })),
          })),
        rows: rows
          .filter((r) => r.plan_id === plan.id && r.development === d.number)
          .map((r) => {
            const mine = milestones.filter((m) => m.row_id === r.id);
            const items = [...new Set(mine.map((m) => m.item))].map((item) => {
              const cells = mine.filter((m) => m.item === item);
              const first = cells[0]!;
              return {
                item,
                label: bi(first.label_ja, first.label_en),
                confidence: first.confidence,
                note: first.note,
                cells: cells.map((m) => ({ fiscalYear: m.fiscal_year, kind: m.cell_kind, value: m.value, unit: bi(m.unit_ja, m.unit_en), text: bi(m.text_ja, m.text_en), confidence: m.confidence })),
              };
            });
            const relTargets = parse<string[]>(r.related_targets_json, []);
            const indIds = [...new Set(targets.filter((t) => relTargets.includes(t.id)).map((t) => t.indicator_id))];
            return {
              ...rowRefs.get(r.id)!,
              status: parse(r.status_json, []),
              statusIsEstimate: !!r.status_is_estimate,
              goal: parse(r.goal_json, []),
              notes: parse<string[]>(r.notes_json, []),
              items,
              actuals: indIds
                .map((id) => views.find((v) => v.id === id))
                .filter((v): v is IndicatorView => !!v)
                .map((v) => ({ indicatorId: v.id, name: v.name, unit: v.unit, byYear: Object.fromEntries(v.actuals.map((a) => [a.year, a.value])) })),
            };
          }),
      }));

    return {
      id: plan.id,
      title: bi(plan.title_ja, plan.title_en)!,
      fromFiscalYear: plan.from_fy,
      toFiscalYear: plan.to_fy,
      sourceFile: plan.source_file,
      importedAt: plan.imported_at,
      document: parse(plan.document_json, {}),
      groups: groups
        .filter((g) => g.plan_id === plan.id)
        .map((g) => ({ number: g.number, name: bi(g.name_ja, g.name_en)!, indicatorIds: views.filter((v) => v.group.number === g.number && v.planId === plan.id).map((v) => v.id) })),
      indicators: views,
      developments: developmentsView,
      annualYears,
      accepted: span ?? { min: plan.from_fy, max: plan.to_fy },
      currentFiscalYear: currentFy,
      version: key,
    };
  }

  // ---- writes ----

  /** Record an actual for a manually measured indicator. Refused whole with the offending fields named. */
  async addMeasurement(actor: Actor, indicatorId: string, input: MeasurementInput): Promise<MeasurementView> {
    const ind = await planStore.indicator(this.db, indicatorId);
    if (!ind) throw new DomainError('unknown-indicator', `No indicator ${indicatorId}`, [{ field: 'indicatorId', message: `unknown indicator ${indicatorId}` }]);
    if (ind.binding === 'metric') throw new DomainError('metric-bound', `${indicatorId} takes its actuals from the metric ${ind.metric_name}; measurements are not entered by hand`);
    const span = (await planStore.yearSpan(this.db)) ?? { min: 0, max: 0 };
    const problems: FieldProblem[] = [];
    if (!Number.isInteger(input.period)) problems.push({ field: 'period', message: 'must be a year (whole number)' });
    else if (input.period < span.min || input.period > span.max) problems.push({ field: 'period', message: `must be a fiscal year from ${span.min} to ${span.max}` });
    if (typeof input.value !== 'number' || !Number.isFinite(input.value)) problems.push({ field: 'value', message: 'must be a number' });
    else if (ind.kind === 'milestone' && input.value !== 0 && input.value !== 1) problems.push({ field: 'value', message: 'a milestone is 1 (done) or 0 (not yet)' });
    else if (ind.kind !== 'range' && input.value < 0) problems.push({ field: 'value', message: 'must not be negative' });
    if (typeof input.source !== 'string' || !input.source.trim()) problems.push({ field: 'source', message: 'is required: say where the figure comes from' });
    else if (input.source.length > 500) problems.push({ field: 'source', message: 'must be at most 500 characters' });
    const asOf = input.asOf ?? this.clock.now().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) problems.push({ field: 'asOf', message: 'must be a date (YYYY-MM-DD)' });
    if (input.note && input.note.length > 2000) problems.push({ field: 'note', message: 'must be at most 2000 characters' });
    if (problems.length) throw validation(problems, 'The measurement is not valid; nothing was stored');
    const target = await this.db.selectFrom('plan_targets').select('year_basis').where('indicator_id', '=', indicatorId).executeTakeFirst();
    const basis = target?.year_basis ?? 'fiscal';
    if (basis === 'fiscal' && (await planStore.snapshot(this.db, indicatorId, input.period))) {
      throw new DomainError('year-frozen', `FY${input.period} of ${indicatorId} is frozen as reported; it can no longer change`, [{ field: 'period', message: 'this year is frozen' }]);
    }
    const now = this.clock.now().toISOString();
    const row = {
      indicator_id: indicatorId,
      period_basis: basis,
      period: input.period,
      value: input.value,
      source: input.source.trim(),
      as_of: asOf,
      provisional: input.provisional ? 1 : 0,
      note: input.note?.trim() || null,
      entered_by: actor.id,
      entered_by_label: actor.label,
      entered_at: now,
    };
    const id = await this.db.transaction().execute(async (trx) => {
      const { id } = await planStore.insertMeasurement(trx, row);
      await audit(trx, this.clock, actor, { action: 'plan.measurement.create', entityType: 'plan_indicator', entityId: indicatorId, after: { id, ...row } });
      await bumpVersion(trx, this.clock, 'plan');
      return id;
    });
    return { id, period: row.period, periodBasis: basis, value: row.value, source: row.source, asOf, provisional: !!row.provisional, note: row.note, enteredBy: actor.label, enteredAt: now, superseded: false };
  }

  /** Revise a target: the old value stays, with who, when, why and from which fiscal year. */
  async reviseTarget(actor: Actor, targetId: string, input: RevisionInput): Promise<RevisionView> {
    const t = await planStore.target(this.db, targetId);
    if (!t) throw new DomainError('unknown-target', `No target ${targetId}`, [{ field: 'targetId', message: `unknown target ${targetId}` }]);
    const problems: FieldProblem[] = [];
    if (typeof input.newValue !== 'number' || !Number.isFinite(input.newValue)) problems.push({ field: 'newValue', message: 'must be a number' });
    else if (input.newValue < 0) problems.push({ field: 'newValue', message: 'must not be negative' });
    else if (input.newValue === t.value) problems.push({ field: 'newValue', message: 'is the current value' });
    if (t.value === null) problems.push({ field: 'targetId', message: 'this target has no numeric value to revise (a range or a milestone)' });
    const span = (await planStore.yearSpan(this.db)) ?? { min: 0, max: 0 };
    if (!Number.isInteger(input.effectiveFiscalYear) || input.effectiveFiscalYear < span.min || input.effectiveFiscalYear > span.max) problems.push({ field: 'effectiveFiscalYear', message: `must be a fiscal year from ${span.min} to ${span.max}` });
    if (typeof input.reason !== 'string' || input.reason.trim().length < 3) problems.push({ field: 'reason', message: 'is required: say why the target changes' });
    else if (input.reason.length > 2000) problems.push({ field: 'reason', message: 'must be at most 2000 characters' });
    if (problems.length) throw validation(problems, 'The revision is not valid; nothing was stored');
    const at = this.clock.now().toISOString();
    const id = await this.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('plan_target_revisions')
        .values({ target_id: targetId, old_value: t.value, new_value: input.newValue, effective_fy: input.effectiveFiscalYear, reason: input.reason.trim(), source: 'staff', actor_id: actor.id, actor_label: actor.label, at })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('plan_targets').set({ value: input.newValue }).where('id', '=', targetId).execute();
      await audit(trx, this.clock, actor, { action: 'plan.target.revise', entityType: 'plan_target', entityId: targetId, before: { value: t.value }, after: { value: input.newValue, effective_fy: input.effectiveFiscalYear, reason: input.reason.trim() } });
      await bumpVersion(trx, this.clock, 'plan');
      return id;
    });
    return { id, oldValue: t.value, newValue: input.newValue, effectiveFiscalYear: input.effectiveFiscalYear, reason: input.reason.trim(), source: 'staff', by: actor.label, at };
  }

  /** Freeze a reported fiscal year: its actual no longer changes when records behind a metric move. */
  async freezeYear(actor: Actor, indicatorId: string, fiscalYear: number): Promise<{ indicatorId: string; fiscalYear: number; value: number | null }> {
    const ind = await this.indicator(indicatorId);
    if (!Number.isInteger(fiscalYear) || fiscalYear >= fiscalYearOf(this.clock.now())) {
      throw validation([{ field: 'fiscalYear', message: 'only a fiscal year that has ended can be frozen' }]);
    }
    if (await planStore.snapshot(this.db, indicatorId, fiscalYear)) throw new DomainError('year-frozen', `FY${fiscalYear} of ${indicatorId} is already frozen`);
    const value = ind.actuals.find((a) => a.year === fiscalYear)?.value ?? null;
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('plan_snapshots').values({ indicator_id: indicatorId, fiscal_year: fiscalYear, value, frozen_at: this.clock.now().toISOString(), frozen_by_label: actor.label }).execute();
      await audit(trx, this.clock, actor, { action: 'plan.year.freeze', entityType: 'plan_indicator', entityId: indicatorId, after: { fiscal_year: fiscalYear, value } });
      await bumpVersion(trx, this.clock, 'plan');
    });
    return { indicatorId, fiscalYear, value };
  }

  /**
   * A module's default binding, applied once per database: a later rebinding by an administrator is
   * never overruled on the next start. Returns false when the plan has no such indicator (another plan).
   */
  async bindByDefault(actor: Actor, indicatorId: string, metric: string, params: MetricParams = {}): Promise<boolean> {
    const key = `plan.default-binding:${indicatorId}`;
    const done = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    if (done) return true;
    if (!(await planStore.indicator(this.db, indicatorId))) return false;
    await this.bind(actor, indicatorId, metric, params);
    await this.db.insertInto('settings').values({ key, value: JSON.stringify({ metric, params, at: this.clock.now().toISOString() }) }).onConflict((oc) => oc.column('key').doNothing()).execute();
    return true;
  }

  /**
   * Bind an indicator to a module's metric (or back to manual figures with metric = null).
   * Later modules call this from their seed; staff can rebind through the API.
   */
  async bind(actor: Actor, indicatorId: string, metric: string | null, params: MetricParams = {}): Promise<void> {
    const ind = await planStore.indicator(this.db, indicatorId);
    if (!ind) throw new DomainError('unknown-indicator', `No indicator ${indicatorId}`);
    if (metric !== null) {
      const problems = this.metrics.validateParams(metric, params);
      if (problems.length) throw validation(problems.map((message) => ({ field: 'metric', message })));
    }
    const next: Pick<PlanIndicatorsTable, 'binding' | 'metric_name' | 'metric_params_json'> = metric ? { binding: 'metric', metric_name: metric, metric_params_json: JSON.stringify(params) } : { binding: 'manual', metric_name: null, metric_params_json: null };
    if (ind.binding === next.binding && ind.metric_name === next.metric_name && ind.metric_params_json === next.metric_params_json) return;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('plan_indicators').set(next).where('id', '=', indicatorId).execute();
      await audit(trx, this.clock, actor, { action: 'plan.indicator.bind', entityType: 'plan_indicator', entityId: indicatorId, before: { binding: ind.binding, metric: ind.metric_name, params: ind.metric_params_json }, after: { binding: next.binding, metric: next.metric_name, params: next.metric_params_json } });
      await bumpVersion(trx, this.clock, 'plan');
    });
  }
}
