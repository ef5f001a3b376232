import { existsSync } from 'node:fs';
import type { Config } from '../../core/config.js';
import { systemClock } from '../../core/clock.js';
import { CatalogService, systemCaller } from '../../catalog/service.js';
import { seedReferenceData } from '../../catalog/seed.js';
import { importCatalogCsv, type ImportReport } from '../../catalog/import.js';
import { reindex } from '../../catalog/search-port.js';
import { withDatabase } from '../db.js';
import { failure, usageError } from '../exit.js';
import { out, note, table } from '../output.js';
import { progress } from '../progress.js';

/** How many problems are listed one by one; the rest are counted. */
const SHOW_PROBLEMS = 200;

/**
 * `kabuto catalog import FILE.csv`: a Tokyo catalog metadata export, each dataset in its own
 * transaction, idempotently. Exits 1 when any row was skipped (the report says which and why).
 */
export async function catalogImportCommand(config: Config, file: string): Promise<void> {
  if (!existsSync(file)) throw usageError(`no such file: ${file}`);
  await withDatabase(config, { migrate: true }, async (h) => {
    const deps = { db: h.db, dialect: h.dialect, clock: systemClock, dataDir: config.dataDir };
    await seedReferenceData(deps);
    const svc = new CatalogService(deps);
    const bar = progress('catalog import', 'datasets');
    let report: ImportReport;
    try {
      report = await importCatalogCsv(svc, systemCaller('cli'), file, (done, total) => bar.update(done, total));
    } finally {
      bar.stop();
    }
    for (const line of formatImportReport(report, file)) out(line);
    if (report.problems.length) throw failure(`${report.problems.length} problem(s) in ${file}; the rows listed above were skipped (nothing of them was written)`);
  });
}

export function formatImportReport(r: ImportReport, file: string): string[] {
  const d = r.datasets;
  const lines = [`catalog import of ${file}: ${r.rows} rows`, ''];
  lines.push(
    ...table(
      ['datasets', 'count'],
      [
        ['created', d.created],
        ['updated', d.updated],
        ['unchanged', d.unchanged],
        ['skipped', d.skipped],
      ],
    ),
  );
  lines.push('', `resources: ${r.resources}`, `problems: ${r.problems.length}`);
  if (r.problems.length) {
    lines.push(...table(['row', 'dataset', 'field', 'reason'], r.problems.slice(0, SHOW_PROBLEMS).map((p) => [String(p.row), p.datasetId || '-', p.field, p.reason.replace(/\s+/g, ' ')])));
    if (r.problems.length > SHOW_PROBLEMS) lines.push(`… and ${r.problems.length - SHOW_PROBLEMS} more`);
  }
  return lines;
}

/** `kabuto catalog reindex`: rebuild the catalog's search index from its datasets. */
export async function catalogReindexCommand(config: Config): Promise<void> {
  await withDatabase(config, { migrate: true }, async (h) => {
    const bar = progress('catalog reindex', 'datasets');
    let n: number;
    try {
      n = await reindex({ db: h.db, dialect: h.dialect }, (done, total) => bar.update(done, total));
    } catch (err) {
      throw failure(`reindexing failed: ${(err as Error).message}`);
    } finally {
      bar.stop();
    }
    note(`indexed ${n} dataset(s)`);
    out(String(n));
  });
}
