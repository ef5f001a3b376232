/**
 * Check a CSV or TSV file against a standard dataset model: the model's required columns are
 * present, and every cell of a known column passes its field's check (numbers, dates, times, URLs,
 * phone numbers, coordinates within Japan, local government codes and corporate numbers with their
 * check digits). The file is streamed, never loaded whole; failures beyond the first `limit` are
 * counted, not kept.
 */
import { streamRecords } from '../preview/preview.js';
import { cellProblem, type CellReason } from './codes.js';
import type { ModelField, StandardModel } from './models.js';

export interface CellFailure {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  row: number;
  column: string;
  value: string;
  reason: CellReason;
}

export interface StandardCheck {
  model: { number: string; name: string; uri: string };
  /** Columns of the file matched to fields of the model. */
  columns: { field: string; column: string; required: boolean }[];
  /** Required fields of the model with no column in the file. */
  missing: string[];
  /** Columns of the file the model does not know (allowed, reported). */
  extra: string[];
  /** Data rows read. */
  rows: number;
  failingRows: number;
  failureCount: number;
  /** The first failures, in file order. */
  failures: CellFailure[];
  /** The file was longer than the check reads (rows or bytes). */
  truncated: boolean;
  /** No missing column and no failing cell. */
  ok: boolean;
}

export const CHECK_MAX_ROWS = 200_000;
export const CHECK_MAX_BYTES = 64 * 1024 * 1024;

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').trim();

function matchColumns(header: string[], fields: ModelField[]): { byIndex: Map<number, ModelField>; matched: Set<string> } {
  const byName = new Map<string, ModelField>();
  for (const f of fields) for (const n of [f.name, ...f.aliases]) byName.set(norm(n), f);
  const byIndex = new Map<number, ModelField>();
  const matched = new Set<string>();
  header.forEach((h, i) => {
    const f = byName.get(norm(h));
    if (f && !matched.has(f.name)) {
      byIndex.set(i, f);
      matched.add(f.name);
    }
  });
  return { byIndex, matched };
}

export async function checkFile(path: string, format: 'CSV' | 'TSV', model: StandardModel, opts: { limit?: number; maxRows?: number; maxBytes?: number } = {}): Promise<StandardCheck> {
  const limit = opts.limit ?? 100;
  const maxRows = opts.maxRows ?? CHECK_MAX_ROWS;
  let header: string[] | null = null;
  let map = new Map<number, ModelField>();
  let rows = 0;
  let failingRows = 0;
  let failureCount = 0;
  const failures: CellFailure[] = [];
  const s = await streamRecords(path, format, opts.maxBytes ?? CHECK_MAX_BYTES, (record) => {
    if (!header) {
      header = record;
      map = matchColumns(record, model.fields).byIndex;
      return true;
    }
    if (rows >= maxRows) return false;
    rows++;
    let failed = false;
    for (const [i, field] of map) {
      const value = record[i] ?? '';
      const reason: CellReason | null = value.trim() === '' ? (field.required ? 'required' : null) : cellProblem(field.check, value);
      if (!reason) continue;
      failed = true;
      failureCount++;
      if (failures.length < limit) failures.push({ row: rows + 1, column: header[i] ?? field.name, value: value.slice(0, 200), reason });
    }
    if (failed) failingRows++;
    return true;
  });
  const head: string[] = header ?? [];
  const { byIndex, matched } = matchColumns(head, model.fields);
  const missing = model.fields.filter((f) => f.required && !matched.has(f.name)).map((f) => f.name);
  return {
    model: { number: model.number, name: model.name, uri: model.uri },
    columns: [...byIndex].map(([i, f]) => ({ field: f.name, column: head[i]!, required: f.required })),
    missing,
    extra: head.filter((_, i) => !byIndex.has(i) && head[i]!.trim() !== ''),
    rows,
    failingRows,
    failureCount,
    failures,
    truncated: s.stopped || s.capped,
    ok: missing.length === 0 && failureCount === 0,
  };
}
