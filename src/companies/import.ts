/**
 * `kabuto companies import FILE.csv`: companies from a CSV with gBizINFO's column names
 * (corporate_number, name, kana, name_en, location, postal_code, capital_stock, employee_number,
 * business_summary, company_url; optional country, jsic_major, jsic_division, address_en).
 *
 * Idempotent on the 法人番号: a row whose number is registered updates that company (an empty cell
 * leaves the stored value alone), an unchanged row writes nothing, a new number creates a company.
 * Every row is checked before anything is written; a bad row is reported (line, column, reason) and
 * skipped. Rows are written in transactions of `batchSize` rows with a savepoint per row, so a row
 * the database refuses (a number registered meanwhile by someone else) is undone whole and the
 * rest of its batch still lands. The location decides registeredInTokyo and lgCode: 東京都 followed
 * by one of Tokyo's 62 municipality names.
 */
import { sql } from 'kysely';
import type { Db, Dialect, Trx } from '../core/db/index.js';
import type { Clock } from '../core/clock.js';
import { audit, redact, type Actor } from '../core/audit.js';
import { bumpVersion } from '../core/versions.js';
import { readCsv, type CsvRow } from './csv.js';
import { companiesStore as store, type CompanyRow } from './store.js';
import { isUniqueViolation, searchDoc, SCOPE, toCompany } from './service.js';
import { validateCompany, type CompanyColumns } from './validate.js';
import type { CompanyInput } from './types.js';

export interface ImportContext {
  db: Db;
  dialect: Dialect;
  clock: Clock;
}

export interface RowProblem {
  /** Line of the file the row starts on (the header is line 1). */
  row: number;
  /** CSV column the problem is about. */
  field: string;
  reason: string;
}

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  dryRun: boolean;
  /** Rows refused (each skipped whole). */
  problems: RowProblem[];
  /** Rows written, with a note (a name like an existing company's). */
  warnings: RowProblem[];
  /** Header columns the import does not read. */
  ignoredColumns: string[];
}

export class ImportFileError extends Error {}

/** CSV column → input field. */
const COLUMNS: Record<string, keyof CompanyInput> = {
  corporate_number: 'corporateNumber',
  name: 'nameJa',
  kana: 'kana',
  name_en: 'nameEn',
  location: 'addressJa',
  address_en: 'addressEn',
  postal_code: 'postalCode',
  capital_stock: 'capitalYen',
  employee_number: 'employees',
  business_summary: 'summary',
  company_url: 'website',
  country: 'country',
  jsic_major: 'jsicMajor',
  jsic_division: 'jsicDivision',
};
const FIELD_TO_COLUMN = new Map<string, string>(Object.entries(COLUMNS).map(([col, field]) => [field, col]));
FIELD_TO_COLUMN.set('lgCode', 'location');
FIELD_TO_COLUMN.set('registeredInTokyo', 'location');

const columnOf = (field: string) => FIELD_TO_COLUMN.get(field) ?? field;

/** "1,000,000", "１０００００" and "1000000円" are whole numbers; anything else is refused by name. */
function wholeNumber(raw: string): number | typeof Number.NaN {
  const s = raw.normalize('NFKC').replace(/[,\s]/g, '').replace(/円$|人$/, '');
  return /^\d+$/.test(s) ? Number(s) : Number.NaN;
}

interface Parsed {
  line: number;
  input: Partial<CompanyInput>;
  problems: RowProblem[];
}

function parseRow(line: number, cells: string[], header: (keyof CompanyInput | null)[]): Parsed {
  const input: Partial<CompanyInput> = {};
  const problems: RowProblem[] = [];
  header.forEach((field, i) => {
    if (!field) return;
    const raw = (cells[i] ?? '').trim();
    if (raw === '') return;
    if (field === 'employees' || field === 'capitalYen') {
      const n = wholeNumber(raw);
      if (Number.isNaN(n)) problems.push({ row: line, field: columnOf(field), reason: `"${raw}" is not a whole number` });
      else input[field] = n;
    } else (input as Record<string, unknown>)[field] = raw;
  });
  if (!input.corporateNumber) problems.push({ row: line, field: 'corporate_number', reason: 'is required: re-imports match rows on it' });
  return { line, input, problems };
}

/** Columns whose stored value differs from the new one. */
function changedColumns(next: CompanyColumns, prev: CompanyRow): (keyof CompanyColumns)[] {
  return (Object.keys(next) as (keyof CompanyColumns)[]).filter((k) => (next[k] ?? null) !== (prev[k] ?? null) && String(next[k] ?? '') !== String(prev[k] ?? ''));
}

type Plan = { line: number; kind: 'create' | 'update'; columns: CompanyColumns; prev?: CompanyRow; doc: string; reindex: boolean };

export async function importCompanies(ctx: ImportContext, text: string, actor: Actor, opts: { dryRun?: boolean; batchSize?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<ImportReport> {
  const batchSize = opts.batchSize ?? 500;
  let rows: CsvRow[];
  try {
    rows = [...readCsv(text)];
  } catch (err) {
    throw new ImportFileError(`not a readable CSV file: ${(err as Error).message}`);
  }
  if (!rows.length) throw new ImportFileError('the file is empty (a header row is needed: corporate_number,name,…)');
  const headerCells = rows[0]!.cells.map((h) => h.trim().toLowerCase());
  const header = headerCells.map((h) => COLUMNS[h] ?? null);
  if (!headerCells.includes('corporate_number')) throw new ImportFileError('the header has no corporate_number column');
  if (!headerCells.includes('name') && !headerCells.includes('name_en')) throw new ImportFileError('the header has neither a name nor a name_en column');
  const report: ImportReport = { rows: rows.length - 1, created: 0, updated: 0, unchanged: 0, skipped: 0, dryRun: !!opts.dryRun, problems: [], warnings: [], ignoredColumns: headerCells.filter((h) => h && !COLUMNS[h]) };
  const data = rows.slice(1);
  const seen = new Map<string, number>();
  let done = 0;
  opts.onProgress?.(0, data.length);

  for (let start = 0; start < data.length; start += batchSize) {
    const parsed = data.slice(start, start + batchSize).map((r) => parseRow(r.line, r.cells, header));
    // Existing companies of the batch, in one query.
    const numbers = [...new Set(parsed.map((p) => p.input.corporateNumber && String(p.input.corporateNumber).normalize('NFKC').replace(/[\s\-‐－ー―]/g, '')).filter((n): n is string => !!n && /^\d{13}$/.test(n)))];
    const existing = new Map((await store.byCorporateNumbers(ctx.db, numbers)).map((r) => [r.corporate_number!, r]));

    const plans: Plan[] = [];
    for (const p of parsed) {
      if (p.problems.length) {
        report.problems.push(...p.problems);
        report.skipped++;
        continue;
      }
      const n = String(p.input.corporateNumber).normalize('NFKC').replace(/[\s\-‐－ー―]/g, '');
      const prev = existing.get(n);
      if (prev && prev.merged_into !== null) {
        report.problems.push({ row: p.line, field: 'corporate_number', reason: `company ${prev.id} with this number was merged into company ${prev.merged_into}` });
        report.skipped++;
        continue;
      }
      const { columns, problems } = validateCompany(prev ? p.input : { country: 'JP', ...p.input }, prev);
      if (problems.length) {
        report.problems.push(...problems.map((x) => ({ row: p.line, field: columnOf(x.field), reason: x.message })));
        report.skipped++;
        continue;
      }
      const first = seen.get(columns.corporate_number!);
      if (first !== undefined) {
        report.problems.push({ row: p.line, field: 'corporate_number', reason: `the same number is on line ${first}` });
        report.skipped++;
        continue;
      }
      seen.set(columns.corporate_number!, p.line);
      if (prev) {
        const changed = changedColumns(columns, prev);
        if (!changed.length) {
          report.unchanged++;
          continue;
        }
        const reindex = changed.some((k) => k === 'name_ja' || k === 'name_en' || k === 'kana');
        plans.push({ line: p.line, kind: 'update', columns, prev, doc: reindex ? searchDoc(columns) : '', reindex });
      } else plans.push({ line: p.line, kind: 'create', columns, doc: searchDoc(columns), reindex: true });
    }

    // Names like an existing company's (a different number, or none): written, with a warning.
    const keys = [...new Set(plans.filter((p) => p.kind === 'create').flatMap((p) => [p.columns.name_key_ja, p.columns.name_key_en]).filter((k): k is string => !!k))];
    if (keys.length) {
      const byKey = await store.firstByNameKeys(ctx.db, keys);
      for (const p of plans) {
        if (p.kind !== 'create') continue;
        const field = p.columns.name_key_ja && byKey.has(p.columns.name_key_ja) ? 'name' : 'name_en';
        const hit = byKey.get(p.columns.name_key_ja ?? '') ?? byKey.get(p.columns.name_key_en ?? '');
        if (hit) report.warnings.push({ row: p.line, field, reason: `name is like company ${hit.id} (${hit.name}); check for a duplicate` });
      }
    }

    if (opts.dryRun) {
      for (const p of plans) p.kind === 'create' ? report.created++ : report.updated++;
    } else if (plans.length) {
      await writeBatch(ctx, actor, plans, report);
    }
    done += parsed.length;
    opts.onProgress?.(done, data.length);
  }
  report.problems.sort((a, b) => a.row - b.row);
  return report;

  async function writeBatch(c: ImportContext, who: Actor, plans: Plan[], rep: ImportReport): Promise<void> {
    try {
      await writeBatchFast(c, who, plans);
      for (const p of plans) p.kind === 'create' ? rep.created++ : rep.updated++;
    } catch (err) {
      // The database refused something the checks let through (a number registered meanwhile by
      // another writer): the batch's transaction is gone; write it again row by row, each in a savepoint.
      if (!isUniqueViolation(err)) throw err;
      await writeBatchRowByRow(c, who, plans, rep);
    }
  }
}

/** Audit rows as core's audit() writes them, for many entries at once. */
function auditRow(clock: Clock, actor: Actor, e: { action: string; entityId: number; before?: unknown; after?: unknown }) {
  return {
    at: clock.now().toISOString(),
    actor_id: actor.id,
    actor_label: actor.label,
    action: e.action,
    entity_type: 'company',
    entity_id: String(e.entityId),
    before_json: e.before === undefined ? null : JSON.stringify(redact(e.before)),
    after_json: e.after === undefined ? null : JSON.stringify(redact(e.after)),
    request_id: actor.requestId ?? null,
  };
}

const CHUNK = 250;
const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * A checked batch in one transaction with multi-row statements: new companies, their search
 * documents and audit entries each a few INSERTs; updates row by row. Any refusal aborts the whole
 * batch (nothing of it stays), and the caller retries it row by row.
 */
async function writeBatchFast(c: ImportContext, who: Actor, plans: Plan[]): Promise<void> {
  const now = c.clock.now().toISOString();
  await c.db.transaction().execute(async (trx: Trx) => {
    const creates = plans.filter((p) => p.kind === 'create');
    const audits: ReturnType<typeof auditRow>[] = [];
    for (const part of chunks(creates)) {
      const inserted = await trx
        .insertInto('companies')
        .values(part.map((p) => ({ ...p.columns, created_at: now, updated_at: now, merged_into: null, merged_at: null })))
        .returningAll()
        .execute();
      const byNumber = new Map(inserted.map((r) => [r.corporate_number, r as CompanyRow]));
      const docs: { id: number; doc: string }[] = [];
      for (const p of part) {
        const row = byNumber.get(p.columns.corporate_number)!;
        docs.push({ id: row.id, doc: p.doc });
        audits.push(auditRow(c.clock, who, { action: 'company.create', entityId: row.id, after: toCompany(row) }));
      }
      await store.insertSearchMany(trx, c.dialect, docs);
    }
    for (const p of plans) {
      if (p.kind !== 'update') continue;
      const row = await store.update(trx, p.prev!.id, { ...p.columns, updated_at: now });
      if (p.reindex) await store.writeSearch(trx, c.dialect, row.id, p.doc);
      audits.push(auditRow(c.clock, who, { action: 'company.update', entityId: row.id, before: toCompany(p.prev!), after: toCompany(row) }));
    }
    for (const part of chunks(audits)) await trx.insertInto('audit_log').values(part).execute();
    await bumpVersion(trx, c.clock, SCOPE);
  });
}

/** The slow, careful path: a savepoint per row, so a refused row is undone whole and reported. */
async function writeBatchRowByRow(c: ImportContext, who: Actor, plans: Plan[], rep: ImportReport): Promise<void> {
  const now = c.clock.now().toISOString();
  await c.db.transaction().execute(async (trx: Trx) => {
    let wrote = 0;
    for (const p of plans) {
      await sql`savepoint company_row`.execute(trx);
      try {
        if (p.kind === 'create') {
          const row = await store.insert(trx, { ...p.columns, created_at: now, updated_at: now, merged_into: null, merged_at: null });
          await store.writeSearch(trx, c.dialect, row.id, p.doc);
          await audit(trx, c.clock, who, { action: 'company.create', entityType: 'company', entityId: row.id, after: toCompany(row) });
        } else {
          const row = await store.update(trx, p.prev!.id, { ...p.columns, updated_at: now });
          if (p.reindex) await store.writeSearch(trx, c.dialect, row.id, p.doc);
          await audit(trx, c.clock, who, { action: 'company.update', entityType: 'company', entityId: row.id, before: toCompany(p.prev!), after: toCompany(row) });
        }
        await sql`release savepoint company_row`.execute(trx);
        p.kind === 'create' ? rep.created++ : rep.updated++;
        wrote++;
      } catch (err) {
        await sql`rollback to savepoint company_row`.execute(trx);
        await sql`release savepoint company_row`.execute(trx);
        rep.problems.push({ row: p.line, field: 'corporate_number', reason: `the database refused the row: ${(err as Error).message.split('\n')[0]}` });
        rep.skipped++;
      }
    }
    if (wrote) await bumpVersion(trx, c.clock, SCOPE);
  });
}
