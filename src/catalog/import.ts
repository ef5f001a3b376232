/**
 * Import of a Tokyo open data catalog metadata export (one row per resource, UTF-8 with BOM,
 * multi-line quoted fields; the columns of tokyo-catalog-meguro-metadata.csv).
 *
 * Rules (also in docs/catalog.md):
 * - rows are grouped by データセットID (`t` + 6-digit municipality code + `d` + 10 digits); the
 *   dataset's name is the id in lower case, so a re-run finds it again;
 * - each dataset is written in its own transaction with all its resources; a re-run that finds the
 *   dataset as the file describes it writes nothing (no activity, no audit entry, no version bump);
 * - a bad row (resource fields: URL, size, order, dates) is skipped and reported, and the dataset is
 *   written with its other rows; a bad dataset field (id, organization, licence, category, dates, or
 *   rows of one dataset that disagree) skips every row of that dataset; nothing is half-written;
 * - 組織 → the organization with that Japanese name; カテゴリ（分類） → the category (group) with
 *   that Japanese name; ライセンス → a licence id by its label; 更新頻度 → the extra `frequency`;
 *   データ所管部署 → maintainer; 事業説明等のページ → the dataset's url; dates such as
 *   `2021/11/04 09:59:26` are Japan time and stored in UTC; サイズ `1KB` → 1024 bytes (KB = 1024).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { DomainError } from '../core/errors.js';
import type { CatalogService, Caller } from './service.js';
import { stableUuid } from './service.js';
import { licenceIdFor } from './licences.js';
import type { DataDict } from './validate.js';

export const COLUMNS = {
  id: 'データセットID',
  title: 'データセットタイトル',
  notes: 'データセット説明',
  tags: 'タグ',
  tagReading: 'タグ（読み）',
  licence: 'ライセンス',
  org: '組織',
  page: '事業説明等のページ',
  department: 'データ所管部署',
  created: 'データセット作成日時',
  modified: 'データセット最終更新日時',
  frequency: '更新頻度',
  category: 'カテゴリ（分類）',
  resTitle: 'データタイトル',
  resUrl: 'データURL',
  resDescription: 'データ説明',
  resFormat: '形式',
  resSize: 'サイズ',
  resOrder: '並び順',
  resCreated: 'データ作成日時',
  resModified: 'データ最終更新日時',
} as const;

const DATASET_FIELDS = ['id', 'title', 'notes', 'tags', 'tagReading', 'licence', 'org', 'page', 'department', 'created', 'modified', 'frequency', 'category'] as const;
const DATASET_ID = /^t\d{6}d\d{10}$/;

export interface ImportProblem {
  /** Row in the file as a spreadsheet shows it (the header is row 1). */
  row: number;
  datasetId: string;
  /** Column (Japanese, as in the file) or `csv` for a row the parser could not read. */
  field: string;
  reason: string;
}

export interface ImportReport {
  rows: number;
  datasets: { created: number; updated: number; unchanged: number; skipped: number };
  resources: number;
  problems: ImportProblem[];
}

/** `2021/11/04 09:59:26` (Japan time) → ISO UTC; null when it is not such a date. */
export function jstToUtc(text: string): string | null {
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const t = new Date(Date.UTC(y, mo - 1, d, h - 9, mi, s));
  // Reject dates that roll over (2021/02/30).
  const back = new Date(t.getTime() + 9 * 3600_000);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return null;
  return t.toISOString();
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** `1KB` → 1024, `2.5MB` → 2621440, '' → null; undefined when unreadable. */
export function sizeToBytes(text: string): number | null | undefined {
  const s = text.normalize('NFKC').trim();
  if (!s) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(s);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'B').toUpperCase()]!);
}

interface Row {
  row: number;
  cells: Record<string, string>;
}

function parseCsv(text: Buffer | string, problems: ImportProblem[]): Row[] {
  const rows: Row[] = [];
  const records = parse(text, {
    bom: true,
    columns: (header: string[]) => header.map((h) => h.trim()),
    skip_empty_lines: true,
    relax_column_count: false,
    info: true,
    skip_records_with_error: true,
    on_skip: (err: { message?: string; lines?: number } | undefined) => {
      problems.push({ row: (err?.lines ?? 0) + 0, datasetId: '', field: 'csv', reason: err?.message ?? 'unreadable row' });
    },
  }) as { record: Record<string, string>; info: { records: number } }[];
  for (const r of records) rows.push({ row: r.info.records + 1, cells: r.record });
  return rows;
}

function same(a: Record<string, string>, b: Record<string, string>): string | null {
  for (const k of DATASET_FIELDS) if ((a[COLUMNS[k]] ?? '').trim() !== (b[COLUMNS[k]] ?? '').trim()) return COLUMNS[k];
  return null;
}

const splitList = (s: string) => s.split(/[,、，]/).map((x) => x.trim()).filter(Boolean);

/**
 * Import a catalog export. `onProgress` is called after each dataset. Throws only when the file
 * cannot be read or has none of the expected columns; everything else is in the report.
 */
export async function importCatalogCsv(svc: CatalogService, caller: Caller, file: string, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
  const text = await readFile(file);
  return importCatalogText(svc, caller, text, onProgress);
}

export async function importCatalogText(svc: CatalogService, caller: Caller, text: Buffer | string, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
  const problems: ImportProblem[] = [];
  let rows: Row[];
  try {
    rows = parseCsv(text, problems);
  } catch (err) {
    throw new DomainError('bad-request', `the file is not a readable CSV: ${(err as Error).message}`);
  }
  const missing = Object.values(COLUMNS).filter((c) => rows.length && !(c in rows[0]!.cells));
  if (rows.length && missing.length) throw new DomainError('bad-request', `the file lacks the column(s) ${missing.join(', ')}`);

  const report: ImportReport = { rows: rows.length, datasets: { created: 0, updated: 0, unchanged: 0, skipped: 0 }, resources: 0, problems };
  const problem = (r: Row, field: string, reason: string) => problems.push({ row: r.row, datasetId: r.cells[COLUMNS.id] ?? '', field, reason });

  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const id = (r.cells[COLUMNS.id] ?? '').trim();
    if (!DATASET_ID.test(id)) {
      problem(r, COLUMNS.id, `not a dataset id (t + 6-digit municipality code + d + 10 digits): "${id.slice(0, 40)}"`);
      continue;
    }
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }

  const orgs = await svc.orgs();
  const groupRows = await svc.groups();
  let done = 0;
  for (const [id, list] of groups) {
    const first = list[0]!;
    const c = first.cells;
    const bad = (field: string, reason: string) => {
      for (const r of list) problem(r, field, reason);
      report.datasets.skipped += 1;
    };
    const mismatch = list.slice(1).map((r) => ({ r, col: same(c, r.cells) })).find((x) => x.col);
    if (mismatch) {
      bad(mismatch.col!, `rows of dataset ${id} disagree on ${mismatch.col} (row ${first.row} and row ${mismatch.r.row})`);
      onProgress?.(++done, groups.size);
      continue;
    }
    const orgName = c[COLUMNS.org]!.trim();
    const org = orgs.find((o) => o.title_ja === orgName);
    const licence = licenceIdFor(c[COLUMNS.licence] ?? '');
    const created = jstToUtc(c[COLUMNS.created] ?? '');
    const modified = jstToUtc(c[COLUMNS.modified] ?? '');
    const categories = splitList(c[COLUMNS.category] ?? '');
    const unknownCategory = categories.find((x) => !groupRows.some((g) => g.title_ja === x));
    const datasetProblem = !org
      ? [COLUMNS.org, `no organization named "${orgName.slice(0, 50)}"`]
      : !licence
        ? [COLUMNS.licence, `unknown licence "${(c[COLUMNS.licence] ?? '').slice(0, 80)}"`]
        : !created
          ? [COLUMNS.created, `not a date and time like 2021/11/04 09:59:26: "${(c[COLUMNS.created] ?? '').slice(0, 40)}"`]
          : !modified
            ? [COLUMNS.modified, `not a date and time like 2021/11/04 09:59:26: "${(c[COLUMNS.modified] ?? '').slice(0, 40)}"`]
            : unknownCategory
              ? [COLUMNS.category, `no category named "${unknownCategory.slice(0, 50)}"`]
              : null;
    if (datasetProblem) {
      bad(datasetProblem[0]!, datasetProblem[1]!);
      onProgress?.(++done, groups.size);
      continue;
    }

    const name = id.toLowerCase();
    const resources: DataDict[] = [];
    const positions = new Set<number>();
    for (const r of list) {
      const x = r.cells;
      const order = (x[COLUMNS.resOrder] ?? '').trim();
      const size = sizeToBytes(x[COLUMNS.resSize] ?? '');
      const rc = (x[COLUMNS.resCreated] ?? '').trim();
      const rm = (x[COLUMNS.resModified] ?? '').trim();
      const resCreated = rc ? jstToUtc(rc) : null;
      const resModified = rm ? jstToUtc(rm) : null;
      const url = (x[COLUMNS.resUrl] ?? '').trim();
      let rowProblem: [string, string] | null = null;
      if (!/^\d{1,6}$/.test(order)) rowProblem = [COLUMNS.resOrder, `not a whole number: "${order.slice(0, 20)}"`];
      else if (positions.has(Number(order))) rowProblem = [COLUMNS.resOrder, `order ${order} appears twice in dataset ${id}`];
      else if (size === undefined) rowProblem = [COLUMNS.resSize, `not a size like 12KB: "${(x[COLUMNS.resSize] ?? '').slice(0, 20)}"`];
      else if (rc && !resCreated) rowProblem = [COLUMNS.resCreated, `not a date and time: "${rc.slice(0, 40)}"`];
      else if (rm && !resModified) rowProblem = [COLUMNS.resModified, `not a date and time: "${rm.slice(0, 40)}"`];
      else if (url && !/^(https?|ftp):\/\/\S+$/i.test(url)) rowProblem = [COLUMNS.resUrl, `not an http(s) URL: "${url.slice(0, 80)}"`];
      if (rowProblem) {
        problem(r, rowProblem[0], rowProblem[1]);
        continue;
      }
      positions.add(Number(order));
      resources.push({
        id: stableUuid('resource', `${name}:${order}`),
        name: (x[COLUMNS.resTitle] ?? '').trim(),
        url,
        description: (x[COLUMNS.resDescription] ?? '').trim(),
        format: (x[COLUMNS.resFormat] ?? '').trim(),
        size,
        created: resCreated ?? undefined,
        last_modified: resModified ?? undefined,
        _order: Number(order),
      });
    }
    resources.sort((a, b) => (a._order as number) - (b._order as number));
    for (const r of resources) delete r._order;

    const extras = [{ key: 'frequency', value: (c[COLUMNS.frequency] ?? '').trim() }];
    const reading = (c[COLUMNS.tagReading] ?? '').trim();
    if (reading) extras.push({ key: 'tag_reading', value: reading });
    const data: DataDict = {
      name,
      title: (c[COLUMNS.title] ?? '').trim(),
      notes: (c[COLUMNS.notes] ?? '').trim(),
      owner_org: org!.id,
      license_id: licence,
      url: (c[COLUMNS.page] ?? '').trim() || null,
      maintainer: (c[COLUMNS.department] ?? '').trim() || null,
      tags: splitList(c[COLUMNS.tags] ?? '').map((t) => ({ name: t })),
      extras: extras.filter((e) => e.value),
      groups: categories.map((title) => ({ id: groupRows.find((g) => g.title_ja === title)!.id })),
      resources,
    };
    const times = { created: created!, modified: modified! };
    try {
      const existing = await svc.resolve(name);
      if (existing) {
        // A dataset renamed since (found by its old name) keeps its new name.
        const { name: _n, ...rest } = data;
        const r = await svc.updatePackage(caller, existing.redirectedFrom ? { ...rest, id: existing.row.id } : { ...data, id: existing.row.id }, 'update', { times });
        if (r.changed) report.datasets.updated += 1;
        else report.datasets.unchanged += 1;
      } else {
        await svc.createPackage(caller, data, { times });
        report.datasets.created += 1;
      }
      report.resources += resources.length;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const fields = err.fields.length ? err.fields : [{ field: 'dataset', message: err.message }];
      for (const f of fields) problem(first, f.field, f.message);
      report.datasets.skipped += 1;
    }
    onProgress?.(++done, groups.size);
  }
  return report;
}
