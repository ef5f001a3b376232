import { existsSync } from 'node:fs';
import type { Config } from '../../core/config.js';
import { systemClock } from '../../core/clock.js';
import { systemActor } from '../../core/audit.js';
import { importPlanFile, PlanFileError, type ImportReport } from '../../plan/import.js';
import { withDatabase } from '../db.js';
import { failure, usageError } from '../exit.js';
import { out, note, table } from '../output.js';
import { progress } from '../progress.js';

export async function planImportCommand(config: Config, file: string): Promise<void> {
  if (!existsSync(file)) throw usageError(`no such file: ${file}`);
  await withDatabase(config, { migrate: true }, async (h) => {
    const bar = progress('plan import', 'steps');
    let report: ImportReport;
    try {
      report = await importPlanFile({ db: h.db, dialect: h.dialect, clock: systemClock }, file, systemActor('cli'), (done, total) => bar.update(done, total));
    } catch (err) {
      if (err instanceof PlanFileError) {
        const prefix = `${err.position}: `;
        const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
        throw failure(`${file}: plan file invalid at ${err.position}: ${message}`, ['nothing was written']);
      }
      throw err;
    } finally {
      bar.stop();
    }
    for (const line of formatReport(report, file)) out(line);
    if (report.conflicts.length) note(`${report.conflicts.length} change(s) in the file were not applied because staff revised those targets; review them on the plan pages.`);
  });
}

export function formatReport(r: ImportReport, file: string): string[] {
  const state = r.unchanged ? 'unchanged (the file matches the last import; nothing written)' : r.created ? 'created' : 'updated';
  const lines = [`plan ${r.planId} from ${file}: ${state}`, ''];
  const c = r.counts;
  lines.push(
    ...table(
      ['item', 'count'],
      [
        ['targets', c.targets],
        ['indicators', c.indicators],
        ['baselines', c.baselines],
        ['policy developments', c.developments],
        ['initiatives', c.initiatives],
        ['annual plan rows', c.annualRows],
        ['milestones', c.milestones],
      ],
    ),
  );
  lines.push('', `revisions: ${r.revisions.length}`);
  for (const v of r.revisions) lines.push(`  ${v.targetId}: ${num(v.oldValue)} -> ${num(v.newValue)}`);
  lines.push(`conflicts: ${r.conflicts.length}`);
  for (const x of r.conflicts) lines.push(`  ${x.targetId}: file ${num(x.fileValue)}, current ${num(x.currentValue)} (${x.reason})`);
  return lines;
}

const num = (v: number | null) => (v === null ? '-' : v.toLocaleString('en-US'));
