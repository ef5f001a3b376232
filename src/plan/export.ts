/**
 * Exports of the plan for spreadsheets.
 *
 * CSV: one row per target (18 rows), so the file reads like the plan's own target table. Columns name
 * the target in both languages, its kind, target year and value (current and as published), the
 * judgement (status, year judged, latest actual, expected, progress, forecast) and then one column per
 * fiscal year from the plan's first year to the last target year with that year's actual (the count
 * within the year for cumulative indicators; the running total is the "latest actual" column and the
 * XLSX "actuals" sheet). Two targets on one indicator (700 by FY2020 and 1,200 by FY2024) repeat the
 * indicator's actuals. UTF-8 with a byte-order mark and CRLF line ends, which Excel opens as Japanese
 * text. Column headers follow the page language (?lang=ja|en, else the cookie or Accept-Language);
 * values and codes (status, kind) do not.
 *
 * XLSX: sheets of targets (as the CSV), of actuals (one row per indicator and year, with running total,
 * expected value, source, as-of and flags) and of the annual plan (one row per milestone item with a
 * column per fiscal year).
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../core/context.js';
import { DomainError } from '../core/errors.js';
import { pick, translator, type Lang, type Translator } from '../core/i18n/index.js';
import { planService } from './index.js';
import type { IndicatorView, PlanView, TargetView } from './service.js';
import { Problem } from './schemas.js';
import { bi, cellText, shortYear } from './pages/format.js';
import { pageCache } from './pages/cache.js';

type Cell = string | number | null;
export interface Sheet {
  name: string;
  headers: string[];
  rows: Cell[][];
}

/** Fiscal years given a column: the plan's first year to the last target (or actual) year. */
export function exportYears(v: PlanView): number[] {
  const last = Math.max(v.toFiscalYear, ...v.indicators.flatMap((i) => [...i.targets.map((x) => x.year), ...i.actuals.map((a) => a.year)]));
  const out: number[] = [];
  for (let y = v.fromFiscalYear; y <= last; y++) out.push(y);
  return out;
}

const round = (n: number | null | undefined, digits = 4): number | null => (n === null || n === undefined ? null : Number(n.toFixed(digits)));

export function targetsSheet(v: PlanView, lang: Lang, t: Translator = translator(lang)): Sheet {
  const years = exportYears(v);
  const headers = [
    'plan.csv.id',
    'plan.csv.label',
    'plan.csv.group',
    'plan.csv.groupName',
    'plan.csv.indicatorId',
    'plan.csv.nameJa',
    'plan.csv.nameEn',
    'plan.csv.kind',
    'plan.csv.kindConfidence',
    'plan.csv.yearBasis',
    'plan.csv.targetYear',
    'plan.csv.targetValue',
    'plan.csv.min',
    'plan.csv.max',
    'plan.csv.unitJa',
    'plan.csv.unitEn',
    'plan.csv.valueText',
    'plan.csv.planned',
    'plan.csv.revisions',
    'plan.csv.status',
    'plan.csv.statusLabel',
    'plan.csv.judgedYear',
    'plan.csv.latest',
    'plan.csv.expected',
    'plan.csv.progress',
    'plan.csv.forecastYear',
    'plan.csv.forecast',
    'plan.csv.forecastMethod',
  ].map((k) => t(k));
  for (const y of years) headers.push(t('plan.csv.fy', { year: y }));
  const rows: Cell[][] = [];
  for (const ind of v.indicators) {
    const byYear = new Map(ind.actuals.map((a) => [a.year, a.value]));
    for (const x of ind.targets) rows.push([...targetCells(ind, x, lang, t), ...years.map((y) => byYear.get(y) ?? null)]);
  }
  return { name: t('plan.export.targets'), headers, rows };
}

function targetCells(ind: IndicatorView, x: TargetView, lang: Lang, t: Translator): Cell[] {
  const s = ind.status;
  const f = ind.forecast;
  return [
    x.id,
    x.label,
    x.group,
    bi(lang, ind.group.name),
    ind.id,
    x.name.ja,
    x.name.en,
    ind.kind,
    x.kindConfidence,
    x.yearBasis,
    x.year,
    x.value,
    x.min,
    x.max,
    x.unit?.ja ?? null,
    x.unit?.en ?? null,
    x.valueText,
    x.plannedValue,
    x.revisions.length,
    s.code,
    t(`plan.status.${s.code}`),
    s.year,
    round(s.actual),
    round(s.expected),
    ind.progress === null ? null : Math.round(ind.progress * 1000) / 10,
    f?.year ?? null,
    round(f?.value, 2),
    f ? t(`plan.forecast.method.${f.method}`) : null,
  ];
}

export function actualsSheet(v: PlanView, lang: Lang, t: Translator = translator(lang)): Sheet {
  const headers = ['plan.csv.indicatorId', 'plan.csv.indicator', 'plan.csv.kind', 'plan.csv.yearBasis', 'plan.csv.fiscalYear', 'plan.csv.value', 'plan.csv.cumulative', 'plan.csv.expected', 'plan.csv.unitJa', 'plan.csv.unitEn', 'plan.csv.source', 'plan.csv.asOf', 'plan.csv.provisional', 'plan.csv.frozen'].map((k) => t(k));
  const rows: Cell[][] = [];
  for (const ind of v.indicators) {
    const expected = new Map(ind.trajectory.map((p) => [p.year, p.value]));
    for (const a of ind.actuals) {
      rows.push([ind.id, bi(lang, ind.name), ind.kind, ind.periodBasis, a.year, a.value, a.cumulative, round(expected.get(a.year)), ind.unit?.ja ?? null, ind.unit?.en ?? null, a.source, a.asOf, t(a.provisional ? 'plan.csv.yes' : 'plan.csv.no'), t(a.frozen ? 'plan.csv.yes' : 'plan.csv.no')]);
    }
  }
  return { name: t('plan.export.actuals'), headers, rows };
}

export function annualSheet(v: PlanView, lang: Lang, t: Translator = translator(lang)): Sheet {
  const years = v.annualYears;
  const headers = [
    t('plan.csv.row'),
    t('plan.csv.development'),
    t('plan.csv.area'),
    t('plan.csv.item'),
    t('plan.csv.itemLabel'),
    t('plan.csv.confidence'),
    t('plan.annual.col.status', { year: shortYear((years[0] ?? v.fromFiscalYear) - 1, 'fiscal', lang) }),
    ...years.map((y) => shortYear(y, 'fiscal', lang)),
    t('plan.csv.goal'),
  ];
  const rows: Cell[][] = [];
  for (const d of v.developments) {
    for (const r of d.rows) {
      const status = r.status.map((s) => pick(lang, s.text_ja, s.text_en)).join('\n');
      const goal = r.goal.map((g) => pick(lang, g.text_ja, g.text_en)).join('\n');
      const items = r.items.length ? r.items : [null];
      for (const it of items) {
        const label = it?.label ? bi(lang, it.label) : null;
        const cells = years.map((y) => {
          const c = it?.cells.find((x) => x.fiscalYear === y);
          if (!c) return null;
          const text = c.kind === 'ongoing' ? `→ ${label ?? t('plan.annual.ongoing')}` : cellText(c, lang);
          return c.confidence === 'low' ? `${text}${t('plan.annual.inferredMarker')}` : text;
        });
        rows.push([r.id, d.number, bi(lang, r.area), bi(lang, r.item), label, it?.confidence ?? r.confidence, status, ...cells, goal]);
      }
    }
  }
  return { name: t('plan.export.annual'), headers, rows };
}

function csvField(c: Cell): string {
  if (c === null) return '';
  const s = String(c);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a UTF-8 byte-order mark (Excel reads a BOM-less UTF-8 file as Shift_JIS). */
export function toCsv(sheet: Sheet): Buffer {
  const lines = [sheet.headers, ...sheet.rows].map((r) => r.map(csvField).join(','));
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}

export function targetsCsv(v: PlanView, lang: Lang): Buffer {
  return toCsv(targetsSheet(v, lang));
}

export async function planWorkbook(v: PlanView, lang: Lang): Promise<Buffer> {
  const t = translator(lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kabuto';
  wb.title = pick(lang, v.title.ja, v.title.en);
  // A fixed date keeps the file a function of the data (the same version gives the same bytes).
  wb.created = new Date(v.importedAt);
  wb.modified = new Date(v.importedAt);
  for (const sheet of [targetsSheet(v, lang, t), actualsSheet(v, lang, t), annualSheet(v, lang, t)]) {
    const ws = wb.addWorksheet(sheet.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(sheet.headers).font = { bold: true };
    for (const r of sheet.rows) ws.addRow(r);
    ws.columns.forEach((col, i) => {
      const longest = Math.max(sheet.headers[i]?.length ?? 8, ...sheet.rows.slice(0, 200).map((r) => String(r[i] ?? '').length));
      col.width = Math.min(60, Math.max(8, longest + 2));
    });
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.headers.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const LangQuery = {
  type: 'object',
  properties: { lang: { type: 'string', enum: ['ja', 'en'], description: 'Language of the column headers and labels (default: the page language, else Japanese)' } },
  additionalProperties: false,
} as const;

export async function planExportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const plan = planService(ctx);
  const cache = pageCache(ctx);
  const current = async () => {
    const v = await plan.view();
    if (!v) throw new DomainError('not-found', 'No plan has been imported yet (kabuto plan import FILE)');
    return v;
  };

  app.get(
    '/api/v1/plan/export.csv',
    {
      schema: {
        tags: ['plan'],
        summary: 'The targets with status, latest actual and the actual of each fiscal year, as CSV (UTF-8 with BOM)',
        description: 'One row per target (18). Headers in the language of `lang`; values and codes are the same in both.',
        produces: ['text/csv'],
        querystring: LangQuery,
        response: { 200: { description: 'CSV file', content: { 'text/csv': { schema: { type: 'string' } } } }, 404: Problem },
      },
    },
    async (req, reply) => {
      const v = await current();
      const body = cache.get(v.version, `export.csv|${req.lang}`, () => targetsCsv(v, req.lang));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="kabuto-plan-targets-${req.lang}.csv"`)
        .header('cache-control', 'no-cache')
        .send(body);
    },
  );

  app.get(
    '/api/v1/plan/export.xlsx',
    {
      schema: {
        tags: ['plan'],
        summary: 'The plan as an Excel workbook: targets, actuals by year, annual plan milestones',
        produces: [XLSX_TYPE],
        querystring: LangQuery,
        response: { 200: { description: 'XLSX workbook', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } }, 404: Problem },
      },
    },
    async (req, reply) => {
      const v = await current();
      const body = await cache.getAsync(v.version, `export.xlsx|${req.lang}`, () => planWorkbook(v, req.lang));
      return reply
        .header('content-type', XLSX_TYPE)
        .header('content-disposition', `attachment; filename="kabuto-plan-${req.lang}.xlsx"`)
        .header('cache-control', 'no-cache')
        .send(body);
    },
  );
}
