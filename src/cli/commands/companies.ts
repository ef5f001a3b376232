import { existsSync, readFileSync } from 'node:fs';
import type { Config } from '../../core/config.js';
import { systemClock } from '../../core/clock.js';
import { systemActor } from '../../core/audit.js';
import { importCompanies, ImportFileError, type ImportReport } from '../../companies/import.js';
import { withDatabase } from '../db.js';
import { failure, usageError } from '../exit.js';
import { out, table } from '../output.js';
import { progress } from '../progress.js';

/** Rows listed one by one; beyond this the report says how many more there were. */
const MAX_LISTED = 200;

export async function companiesImportCommand(config: Config, file: string, opts: { dryRun?: boolean }): Promise<void> {
  if (!existsSync(file)) throw usageError(`no such file: ${file}`);
  const text = readFileSync(file, 'utf8');
  await withDatabase(config, { migrate: true }, async (h) => {
    const bar = progress(opts.dryRun ? 'companies import (dry run)' : 'companies import', 'rows');
    const started = process.hrtime.bigint();
    let report: ImportReport;
    try {
      report = await importCompanies({ db: h.db, dialect: h.dialect, clock: systemClock }, text, systemActor('cli'), { dryRun: opts.dryRun, onProgress: (d, t) => bar.update(d, t) });
    } catch (err) {
      if (err instanceof ImportFileError) throw failure(`${file}: ${err.message}`, ['nothing was written']);
      throw err;
    } finally {
      bar.stop();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const l of formatImportReport(report, file, seconds)) out(l);
    // Like `kabuto catalog import`: the good rows are kept, and a skipped row makes the run a failure (exit 1).
    if (report.skipped) throw failure(`${report.skipped} row(s) skipped${report.dryRun ? ' (dry run)' : ''}`, ['fix them and import the file again: rows already imported are matched on corporate_number, so nothing is duplicated']);
  });
}

export function formatImportReport(r: ImportReport, file: string, seconds?: number): string[] {
  const lines = [`companies from ${file}${r.dryRun ? ' (dry run: nothing written)' : ''}`, ''];
  lines.push(
    ...table(
      ['result', 'rows'],
      [
        [r.dryRun ? 'would create' : 'created', r.created],
        [r.dryRun ? 'would update' : 'updated', r.updated],
        ['unchanged', r.unchanged],
        ['skipped (bad rows)', r.skipped],
        ['total', r.rows],
      ],
    ),
  );
  if (seconds !== undefined && seconds > 0) lines.push('', `${Math.round(r.rows / seconds).toLocaleString('en-US')} rows per second (${seconds.toFixed(2)} s)`);
  if (r.ignoredColumns.length) lines.push('', `columns not read: ${r.ignoredColumns.join(', ')}`);
  for (const [title, list] of [
    ['problems (row skipped)', r.problems],
    ['warnings (row written)', r.warnings],
  ] as const) {
    if (!list.length) continue;
    lines.push('', `${title}:`, ...table(['row', 'field', 'reason'], list.slice(0, MAX_LISTED).map((p) => [p.row, p.field, p.reason])));
    if (list.length > MAX_LISTED) lines.push(`… and ${list.length - MAX_LISTED} more`);
  }
  return lines;
}
