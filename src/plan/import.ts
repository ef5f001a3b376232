import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import type { Db, Dialect, Trx } from '../core/db/index.js';
import type { Clock } from '../core/clock.js';
import { audit, type Actor } from '../core/audit.js';
import { bumpVersion } from '../core/versions.js';
import type { IndicatorKind } from './tables.js';
import { fiscalYearOf } from '../core/fiscal.js';

/** What plan import needs: no HTTP, so the CLI can call it on a bare database. */
export interface PlanDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
}

export interface ImportReport {
  planId: string;
  /** The plan was new to this database. */
  created: boolean;
  /** The file had the same content as the last import: nothing written. */
  unchanged: boolean;
  counts: { targets: number; indicators: number; baselines: number; developments: number; initiatives: number; annualRows: number; milestones: number };
  /** Target values that changed in the file and became revisions ("imported from FILE"). */
  revisions: { targetId: string; oldValue: number | null; newValue: number }[];
  /** Changes not applied because staff revised the target since the last import. */
  conflicts: { targetId: string; fileValue: number | null; currentValue: number | null; reason: string }[];
}

/** Thrown for a file that cannot be imported; nothing has been written. */
export class PlanFileError extends Error {
  constructor(
    /** JSON pointer to the offending value, or line:column for a syntax error. */
    readonly position: string,
    message: string,
  ) {
    super(`${position}: ${message}`);
    this.name = 'PlanFileError';
  }
}

/** The plan file's kind words, mapped to indicator kinds (DESIGN.md). */
export const KIND_WORDS: Record<string, IndicatorKind> = {
  'cumulative count over the plan period': 'cumulative',
  'annual rate': 'annual',
  'qualitative range': 'range',
  'milestone (completion)': 'milestone',
};

const FY_KEYS = /^FY(\d{4})$/;

// ---- a small validating reader that knows where it is (JSON pointer) ----
type J = unknown;
class Reader {
  constructor(
    readonly v: J,
    readonly path: string,
  ) {}
  fail(message: string): never {
    throw new PlanFileError(this.path || '/', message);
  }
  obj(): Record<string, J> {
    if (!this.v || typeof this.v !== 'object' || Array.isArray(this.v)) this.fail('must be an object');
    return this.v as Record<string, J>;
  }
  get(key: string): Reader {
    return new Reader(this.obj()[key], `${this.path}/${key}`);
  }
  has(key: string): boolean {
    const o = this.obj();
    return o[key] !== undefined && o[key] !== null;
  }
  arr(): Reader[] {
    if (!Array.isArray(this.v)) this.fail('must be an array');
    return (this.v as J[]).map((x, i) => new Reader(x, `${this.path}/${i}`));
  }
  str(): string {
    if (typeof this.v !== 'string' || this.v === '') this.fail('must be a non-empty string');
    return this.v as string;
  }
  optStr(): string | null {
    if (this.v === undefined || this.v === null) return null;
    if (typeof this.v !== 'string') this.fail('must be a string');
    return this.v as string;
  }
  num(): number {
    if (typeof this.v !== 'number' || !Number.isFinite(this.v)) this.fail('must be a number');
    return this.v as number;
  }
  optNum(): number | null {
    if (this.v === undefined || this.v === null) return null;
    return this.num();
  }
  int(min: number, max: number): number {
    const n = this.num();
    if (!Number.isInteger(n) || n < min || n > max) this.fail(`must be a whole number from ${min} to ${max}`);
    return n;
  }
  optBool(): boolean {
    if (this.v === undefined || this.v === null) return false;
    if (typeof this.v !== 'boolean') this.fail('must be true or false');
    return this.v as boolean;
  }
  strList(): string[] {
    if (this.v === undefined || this.v === null) return [];
    return this.arr().map((r) => r.str());
  }
}

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

export function parsePlanText(text: string): J {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const msg = (err as Error).message;
    const m = /position (\d+)/.exec(msg);
    throw new PlanFileError(m ? lineCol(text, Number(m[1])) : 'line ?', `not valid JSON: ${msg}`);
  }
}

// ---- the parsed plan, ready to write ----
interface ParsedPlan {
  id: string;
  titleJa: string;
  titleEn: string;
  fromFy: number;
  toFy: number;
  document: Record<string, J>;
  groups: { number: number; nameJa: string; nameEn: string }[];
  indicators: { id: string; nameJa: string; nameEn: string; kind: IndicatorKind; unitJa: string | null; unitEn: string | null; group: number; position: number }[];
  targets: {
    id: string;
    group: number;
    number: string;
    indicatorId: string;
    nameJa: string;
    nameEn: string;
    yearBasis: 'fiscal' | 'calendar';
    targetYear: number;
    targetYearText: string;
    value: number | null;
    min: number | null;
    max: number | null;
    unitJa: string | null;
    unitEn: string | null;
    valueTextJa: string;
    statusJa: string | null;
    statusEn: string | null;
    comparisonJa: string | null;
    comparisonEn: string | null;
    kindText: string;
    kindConfidence: string;
    kindBasis: string | null;
    beyond: boolean;
    relatedRows: string[];
    baselineIds: string[];
    position: number;
  }[];
  baselines: {
    id: string;
    indicatorJa: string;
    indicatorEn: string;
    value: number | null;
    unitJa: string | null;
    unitEn: string | null;
    textJa: string;
    fromFy: number | null;
    toFy: number | null;
    aggregation: string | null;
    isEstimate: boolean;
    contextJa: string | null;
    contextEn: string | null;
    dataSourceJa: string | null;
    dataSourceEn: string | null;
    relatedTargets: string[];
  }[];
  developments: { number: number; titleJa: string; titleEn: string; introJa: string | null; introEn: string | null }[];
  subsections: { development: number; number: number; titleJa: string; titleEn: string }[];
  initiatives: { id: string; development: number; subsection: number; position: number; textJa: string; summaryEn: string }[];
  rows: {
    id: string;
    development: number;
    position: number;
    areaJa: string;
    areaEn: string;
    itemJa: string;
    itemEn: string;
    status: J;
    statusIsEstimate: boolean;
    goal: J;
    confidence: string;
    notes: J;
    relatedTargets: string[];
    milestones: {
      item: number;
      labelJa: string | null;
      labelEn: string | null;
      fiscalYear: number;
      cellKind: 'value' | 'text' | 'ongoing';
      value: number | null;
      unitJa: string | null;
      unitEn: string | null;
      textJa: string | null;
      textEn: string | null;
      confidence: string;
      note: string | null;
    }[];
  }[];
}

const YEAR_MIN = 1900;
const YEAR_MAX = 2200;

/** Validate and read a plan document. Throws PlanFileError with the JSON pointer of the first problem. */
export function readPlan(json: J): ParsedPlan {
  const root = new Reader(json, '');
  const meta = root.get('meta');
  const period = meta.get('planPeriod');
  const fromFy = period.get('fromFiscalYear').int(YEAR_MIN, YEAR_MAX);
  const toFy = period.get('toFiscalYear').int(YEAR_MIN, YEAR_MAX);
  if (toFy < fromFy) period.get('toFiscalYear').fail('must not be before fromFiscalYear');
  const titleJa = meta.get('chapter_ja').str();
  const titleEn = meta.get('chapter_en').str();
  const id = meta.has('planId') ? meta.get('planId').str() : `tmg-${fromFy}-${toFy}-${slug(titleEn)}`;

  const pt = root.get('policyTargets');
  const groups: ParsedPlan['groups'] = [];
  const targets: ParsedPlan['targets'] = [];
  let position = 0;
  for (const g of pt.get('groups').arr()) {
    const number = g.get('group').int(1, 99);
    groups.push({ number, nameJa: g.get('name_ja').str(), nameEn: g.get('name_en').str() });
    for (const t of g.get('targets').arr()) {
      const kindText = t.get('kind').str();
      if (!KIND_WORDS[kindText]) t.get('kind').fail(`unknown kind "${kindText}"; expected one of: ${Object.keys(KIND_WORDS).join('; ')}`);
      const ty = t.get('targetYear');
      const fiscal = ty.has('fiscalYear');
      if (!fiscal && !ty.has('calendarYear')) ty.fail('needs fiscalYear or calendarYear');
      const tv = t.get('targetValue');
      const value = tv.get('value').optNum();
      const min = tv.has('min') ? tv.get('min').num() : null;
      const max = tv.has('max') ? tv.get('max').num() : null;
      const kind = KIND_WORDS[kindText]!;
      if ((kind === 'cumulative' || kind === 'annual') && value === null) tv.get('value').fail(`a ${kind} target needs a numeric value`);
      if (kind === 'range' && (min === null || max === null)) tv.fail('a range target needs min and max');
      if (min !== null && max !== null && max < min) tv.get('max').fail('must not be below min');
      targets.push({
        id: t.get('id').str(),
        group: number,
        number: t.get('number').str(),
        indicatorId: t.get('indicatorId').str(),
        nameJa: t.get('name_ja').str(),
        nameEn: t.get('name_en').str(),
        yearBasis: fiscal ? 'fiscal' : 'calendar',
        targetYear: (fiscal ? ty.get('fiscalYear') : ty.get('calendarYear')).int(YEAR_MIN, YEAR_MAX),
        targetYearText: ty.get('text').str(),
        value,
        min,
        max,
        unitJa: tv.get('unit_ja').optStr(),
        unitEn: tv.get('unit_en').optStr(),
        valueTextJa: tv.get('text').str(),
        statusJa: tv.get('status_ja').optStr(),
        statusEn: tv.get('status_en').optStr(),
        comparisonJa: tv.get('comparison_ja').optStr(),
        comparisonEn: tv.get('comparison_en').optStr(),
        kindText,
        kindConfidence: t.get('kindConfidence').str(),
        kindBasis: t.get('kindBasis').optStr(),
        beyond: t.get('beyondPlanPeriod').optBool(),
        relatedRows: t.get('relatedAnnualPlanRows').strList(),
        baselineIds: t.get('baselineIds').strList(),
        position: position++,
      });
    }
  }
  const targetIds = new Set<string>();
  targets.forEach((t, i) => {
    if (targetIds.has(t.id)) new Reader(t.id, `/policyTargets/targets[${i}]/id`).fail(`duplicate target id ${t.id}`);
    targetIds.add(t.id);
  });

  const indicators: ParsedPlan['indicators'] = [];
  pt.get('indicators')
    .arr()
    .forEach((r, i) => {
      const idv = r.get('indicatorId').str();
      const ts = r.get('targetIds').strList();
      if (!ts.length) r.get('targetIds').fail('must list at least one target');
      const own = ts.map((tid) => targets.find((t) => t.id === tid) ?? r.get('targetIds').fail(`unknown target ${tid}`));
      const kinds = new Set(own.map((t) => KIND_WORDS[t.kindText]));
      if (kinds.size > 1) r.fail(`targets of one indicator must share a kind, got ${[...kinds].join(', ')}`);
      for (const t of own) if (t.indicatorId !== idv) r.get('targetIds').fail(`target ${t.id} names indicator ${t.indicatorId}, not ${idv}`);
      indicators.push({
        id: idv,
        nameJa: r.get('name_ja').str(),
        nameEn: r.get('name_en').str(),
        kind: [...kinds][0]!,
        unitJa: own[0]!.unitJa,
        unitEn: own[0]!.unitEn,
        group: r.get('group').int(1, 99),
        position: i,
      });
    });
  for (const t of targets) if (!indicators.some((i) => i.id === t.indicatorId)) throw new PlanFileError(`/policyTargets (target ${t.id})`, `indicator ${t.indicatorId} is not listed in policyTargets/indicators`);

  const baselines: ParsedPlan['baselines'] = root
    .get('baselines')
    .arr()
    .map((b) => {
      const p = b.get('period');
      const single = p.has('fiscalYear') ? p.get('fiscalYear').int(YEAR_MIN, YEAR_MAX) : null;
      return {
        id: b.get('id').str(),
        indicatorJa: b.get('indicator_ja').str(),
        indicatorEn: b.get('indicator_en').str(),
        value: b.get('value').optNum(),
        unitJa: b.get('unit_ja').optStr(),
        unitEn: b.get('unit_en').optStr(),
        textJa: b.get('text').str(),
        fromFy: single ?? (p.has('fromFiscalYear') ? p.get('fromFiscalYear').int(YEAR_MIN, YEAR_MAX) : null),
        toFy: single ?? (p.has('toFiscalYear') ? p.get('toFiscalYear').int(YEAR_MIN, YEAR_MAX) : null),
        aggregation: b.get('aggregation').optStr(),
        isEstimate: b.get('isEstimate').optBool(),
        contextJa: b.get('context_ja').optStr(),
        contextEn: b.get('context_en').optStr(),
        dataSourceJa: b.get('dataSource_ja').optStr(),
        dataSourceEn: b.get('dataSource_en').optStr(),
        relatedTargets: b.get('relatedTargets').strList(),
      };
    });

  const developments: ParsedPlan['developments'] = [];
  const subsections: ParsedPlan['subsections'] = [];
  const initiatives: ParsedPlan['initiatives'] = [];
  for (const d of root.get('policyDevelopments').arr()) {
    const dn = d.get('number').int(1, 99);
    developments.push({ number: dn, titleJa: d.get('title_ja').str(), titleEn: d.get('title_en').str(), introJa: d.get('intro_ja').optStr(), introEn: d.get('intro_en').optStr() });
    for (const s of d.get('subsections').arr()) {
      const sn = s.get('number').int(1, 99);
      subsections.push({ development: dn, number: sn, titleJa: s.get('title_ja').str(), titleEn: s.get('title_en').str() });
      s.get('initiatives')
        .arr()
        .forEach((i, k) => initiatives.push({ id: i.get('id').str(), development: dn, subsection: sn, position: k, textJa: i.get('text_ja').str(), summaryEn: i.get('summary_en').str() }));
    }
  }

  const rows: ParsedPlan['rows'] = root
    .get('annualPlan')
    .get('rows')
    .arr()
    .map((r, position) => {
      const milestones: ParsedPlan['rows'][number]['milestones'] = [];
      r.get('milestones')
        .arr()
        .forEach((m, item) => {
          const itemConfidence = m.get('confidence').str();
          for (const key of Object.keys(m.obj())) {
            const fy = FY_KEYS.exec(key);
            if (!fy) continue;
            const cell = m.get(key);
            if (cell.v === null || cell.v === undefined) continue;
            const c = cell.obj();
            const isValue = c.value !== undefined && c.value !== null;
            const ongoing = c.ongoing === true;
            if (!isValue && !ongoing && typeof c.text_ja !== 'string') cell.fail('a cell needs a value, text_ja, or ongoing: true');
            milestones.push({
              item,
              labelJa: m.get('label_ja').optStr(),
              labelEn: m.get('label_en').optStr(),
              fiscalYear: Number(fy[1]),
              cellKind: isValue ? 'value' : ongoing && typeof c.text_ja !== 'string' ? 'ongoing' : 'text',
              value: isValue ? cell.get('value').num() : null,
              unitJa: cell.get('unit_ja').optStr(),
              unitEn: cell.get('unit_en').optStr(),
              textJa: cell.get('text_ja').optStr(),
              textEn: cell.get('text_en').optStr(),
              confidence: cell.has('confidence') ? cell.get('confidence').str() : itemConfidence,
              note: m.get('note').optStr(),
            });
          }
        });
      return {
        id: r.get('id').str(),
        development: r.get('policyDevelopment').int(1, 99),
        position,
        areaJa: r.get('area_ja').str(),
        areaEn: r.get('area_en').str(),
        itemJa: r.get('item_ja').str(),
        itemEn: r.get('item_en').str(),
        status: r.obj().statusUpToFY2016 ?? [],
        statusIsEstimate: r.get('statusUpToFY2016_isEstimate').optBool(),
        goal: r.obj().fourYearGoal ?? [],
        confidence: r.get('confidence').str(),
        notes: r.obj().notes ?? [],
        relatedTargets: r.get('relatedTargets').strList(),
        milestones,
      };
    });
  for (const t of targets) for (const rid of t.relatedRows) if (!rows.some((r) => r.id === rid)) throw new PlanFileError(`/policyTargets (target ${t.id})/relatedAnnualPlanRows`, `unknown annual-plan row ${rid}`);

  const obj = root.obj();
  const document: Record<string, J> = {
    meta: obj.meta,
    budget: obj.budget ?? null,
    reviewRules: obj.reviewRules ?? [],
    vision: obj.vision ?? null,
    pastEffortsAndChallenges: obj.pastEffortsAndChallenges ?? null,
    annualPlanColumns: (obj.annualPlan as Record<string, J>).columns ?? null,
    policyTargetColumns: { ja: (obj.policyTargets as Record<string, J>).tableColumns_ja ?? null, en: (obj.policyTargets as Record<string, J>).tableColumns_en ?? null },
  };
  return { id, titleJa, titleEn, fromFy, toFy, document, groups, indicators, targets, baselines, developments, subsections, initiatives, rows };
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

/**
 * Load or update a plan from a JSON file, idempotently, in one transaction.
 * A changed target value becomes a revision ("imported from FILE") unless staff revised that target
 * since the last import: then the staff value stands and the change is reported as a conflict.
 * `onProgress` is called with (done, total) steps for a progress bar.
 */
export async function importPlanFile(deps: PlanDeps, file: string, actor: Actor, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PlanFileError(file, `cannot be read: ${(err as Error).message}`);
  }
  return importPlanText(deps, text, basename(file), actor, onProgress);
}

export async function importPlanText(deps: PlanDeps, text: string, sourceName: string, actor: Actor, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
  const plan = readPlan(parsePlanText(text));
  const hash = createHash('sha256').update(text).digest('hex');
  const { db, clock } = deps;
  const counts = {
    targets: plan.targets.length,
    indicators: plan.indicators.length,
    baselines: plan.baselines.length,
    developments: plan.developments.length,
    initiatives: plan.initiatives.length,
    annualRows: plan.rows.length,
    milestones: plan.rows.reduce((n, r) => n + r.milestones.length, 0),
  };
  const existing = await db.selectFrom('plans').select(['id', 'content_hash', 'imported_at']).where('id', '=', plan.id).executeTakeFirst();
  if (existing?.content_hash === hash) return { planId: plan.id, created: false, unchanged: true, counts, revisions: [], conflicts: [] };

  const steps = 8;
  let step = 0;
  const tick = () => onProgress?.(++step, steps);
  const now = clock.now().toISOString();
  const report: ImportReport = { planId: plan.id, created: !existing, unchanged: false, counts, revisions: [], conflicts: [] };

  await db.transaction().execute(async (trx) => {
    const planRow = { title_ja: plan.titleJa, title_en: plan.titleEn, from_fy: plan.fromFy, to_fy: plan.toFy, document_json: JSON.stringify(plan.document), content_hash: hash, source_file: sourceName, imported_at: now };
    if (existing) await trx.updateTable('plans').set(planRow).where('id', '=', plan.id).execute();
    else await trx.insertInto('plans').values({ id: plan.id, ...planRow }).execute();
    tick();

    await trx.deleteFrom('plan_target_groups').where('plan_id', '=', plan.id).execute();
    if (plan.groups.length) await trx.insertInto('plan_target_groups').values(plan.groups.map((g) => ({ plan_id: plan.id, number: g.number, name_ja: g.nameJa, name_en: g.nameEn }))).execute();
    tick();

    // Indicators are shared across plans: update their texts, never their bindings.
    for (const i of plan.indicators) {
      const row = { name_ja: i.nameJa, name_en: i.nameEn, kind: i.kind, unit_ja: i.unitJa, unit_en: i.unitEn, group_number: i.group, position: i.position };
      const had = await trx.selectFrom('plan_indicators').select('id').where('id', '=', i.id).executeTakeFirst();
      if (had) await trx.updateTable('plan_indicators').set(row).where('id', '=', i.id).execute();
      else await trx.insertInto('plan_indicators').values({ id: i.id, ...row, binding: 'manual', metric_name: null, metric_params_json: null }).execute();
    }
    tick();

    await upsertTargets(trx, plan, sourceName, now, actor, report);
    tick();

    await trx.deleteFrom('plan_baselines').where('plan_id', '=', plan.id).execute();
    for (const b of plan.baselines) {
      await trx
        .insertInto('plan_baselines')
        .values({
          id: b.id,
          plan_id: plan.id,
          indicator_ja: b.indicatorJa,
          indicator_en: b.indicatorEn,
          value: b.value,
          unit_ja: b.unitJa,
          unit_en: b.unitEn,
          text_ja: b.textJa,
          from_fy: b.fromFy,
          to_fy: b.toFy,
          aggregation: b.aggregation,
          is_estimate: b.isEstimate ? 1 : 0,
          context_ja: b.contextJa,
          context_en: b.contextEn,
          data_source_ja: b.dataSourceJa,
          data_source_en: b.dataSourceEn,
          related_targets_json: JSON.stringify(b.relatedTargets),
        })
        .execute();
    }
    tick();

    await trx.deleteFrom('plan_initiatives').where('plan_id', '=', plan.id).execute();
    await trx.deleteFrom('plan_subsections').where('plan_id', '=', plan.id).execute();
    await trx.deleteFrom('plan_policy_developments').where('plan_id', '=', plan.id).execute();
    for (const d of plan.developments) await trx.insertInto('plan_policy_developments').values({ plan_id: plan.id, number: d.number, title_ja: d.titleJa, title_en: d.titleEn, intro_ja: d.introJa, intro_en: d.introEn }).execute();
    for (const s of plan.subsections) await trx.insertInto('plan_subsections').values({ plan_id: plan.id, development: s.development, number: s.number, title_ja: s.titleJa, title_en: s.titleEn }).execute();
    for (const i of plan.initiatives) await trx.insertInto('plan_initiatives').values({ id: i.id, plan_id: plan.id, development: i.development, subsection: i.subsection, position: i.position, text_ja: i.textJa, summary_en: i.summaryEn }).execute();
    tick();

    const oldRows = await trx.selectFrom('plan_annual_rows').select('id').where('plan_id', '=', plan.id).execute();
    if (oldRows.length) await trx.deleteFrom('plan_milestones').where('row_id', 'in', oldRows.map((r) => r.id)).execute();
    await trx.deleteFrom('plan_annual_rows').where('plan_id', '=', plan.id).execute();
    for (const r of plan.rows) {
      await trx
        .insertInto('plan_annual_rows')
        .values({
          id: r.id,
          plan_id: plan.id,
          development: r.development,
          position: r.position,
          area_ja: r.areaJa,
          area_en: r.areaEn,
          item_ja: r.itemJa,
          item_en: r.itemEn,
          status_json: JSON.stringify(r.status),
          status_is_estimate: r.statusIsEstimate ? 1 : 0,
          goal_json: JSON.stringify(r.goal),
          confidence: r.confidence,
          notes_json: JSON.stringify(r.notes),
          related_targets_json: JSON.stringify(r.relatedTargets),
        })
        .execute();
      if (r.milestones.length) {
        await trx
          .insertInto('plan_milestones')
          .values(
            r.milestones.map((m) => ({
              row_id: r.id,
              item: m.item,
              label_ja: m.labelJa,
              label_en: m.labelEn,
              fiscal_year: m.fiscalYear,
              cell_kind: m.cellKind,
              value: m.value,
              unit_ja: m.unitJa,
              unit_en: m.unitEn,
              text_ja: m.textJa,
              text_en: m.textEn,
              confidence: m.confidence,
              note: m.note,
            })),
          )
          .execute();
      }
    }
    tick();

    await audit(trx, clock, actor, {
      action: existing ? 'plan.reimport' : 'plan.import',
      entityType: 'plan',
      entityId: plan.id,
      before: existing ? { content_hash: existing.content_hash } : undefined,
      after: { content_hash: hash, source_file: sourceName, counts, revisions: report.revisions, conflicts: report.conflicts },
    });
    await bumpVersion(trx, clock, 'plan');
    tick();
  });
  return report;
}

async function upsertTargets(trx: Trx, plan: ParsedPlan, sourceName: string, now: string, actor: Actor, report: ImportReport): Promise<void> {
  for (const t of plan.targets) {
    const row = {
      plan_id: plan.id,
      group_number: t.group,
      number: t.number,
      indicator_id: t.indicatorId,
      name_ja: t.nameJa,
      name_en: t.nameEn,
      year_basis: t.yearBasis,
      target_year: t.targetYear,
      target_year_text: t.targetYearText,
      min_value: t.min,
      max_value: t.max,
      unit_ja: t.unitJa,
      unit_en: t.unitEn,
      value_text_ja: t.valueTextJa,
      status_ja: t.statusJa,
      status_en: t.statusEn,
      comparison_ja: t.comparisonJa,
      comparison_en: t.comparisonEn,
      kind_text: t.kindText,
      kind_confidence: t.kindConfidence,
      kind_basis: t.kindBasis,
      beyond_plan_period: t.beyond ? 1 : 0,
      related_rows_json: JSON.stringify(t.relatedRows),
      baseline_ids_json: JSON.stringify(t.baselineIds),
      position: t.position,
    };
    const cur = await trx.selectFrom('plan_targets').select(['id', 'value', 'imported_value', 'plan_id']).where('id', '=', t.id).executeTakeFirst();
    if (!cur) {
      await trx.insertInto('plan_targets').values({ id: t.id, ...row, value: t.value, imported_value: t.value }).execute();
      continue;
    }
    if (cur.plan_id !== plan.id) throw new PlanFileError(`/policyTargets (target ${t.id})`, `target id ${t.id} already belongs to plan ${cur.plan_id}`);
    await trx.updateTable('plan_targets').set(row).where('id', '=', t.id).execute();
    if (t.value === cur.imported_value) continue;
    // The current value differs from what was last imported only when staff revised it: theirs stands.
    if (cur.value !== cur.imported_value) {
      const staff = await trx.selectFrom('plan_target_revisions').select(['at', 'actor_label']).where('target_id', '=', t.id).where('source', '=', 'staff').orderBy('id', 'desc').executeTakeFirst();
      report.conflicts.push({
        targetId: t.id,
        fileValue: t.value,
        currentValue: cur.value,
        reason: staff ? `revised by ${staff.actor_label} on ${staff.at.slice(0, 10)}; the staff revision stands` : 'the current value differs from the last import; not applied',
      });
      continue;
    }
    if (t.value === null) {
      report.conflicts.push({ targetId: t.id, fileValue: null, currentValue: cur.value, reason: 'the file removes the value; not applied' });
      continue;
    }
    await trx
      .insertInto('plan_target_revisions')
      .values({ target_id: t.id, old_value: cur.value, new_value: t.value, effective_fy: fiscalYearOf(new Date(now)), reason: `imported from ${sourceName}`, source: 'import', actor_id: actor.id, actor_label: actor.label, at: now })
      .execute();
    await trx.updateTable('plan_targets').set({ value: t.value, imported_value: t.value }).where('id', '=', t.id).execute();
    report.revisions.push({ targetId: t.id, oldValue: cur.value, newValue: t.value });
  }
}
