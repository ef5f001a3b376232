import type { Config } from '../../core/config.js';
import { systemClock } from '../../core/clock.js';
import { DomainError } from '../../core/errors.js';
import { harvestStore } from '../../catalog/harvest/store.js';
import { sourceView } from '../../catalog/harvest/sources.js';
import { HarvestBusy, runHarvest, type RunSummary } from '../../catalog/harvest/runner.js';
import { withDatabase } from '../db.js';
import { failure, refused } from '../exit.js';
import { out, table } from '../output.js';
import { progress } from '../progress.js';

/**
 * `kabuto catalog harvest SOURCE`: run one harvest now, in this process (the CLI is a process of
 * its own, apart from the server), with a progress bar. Exits 3 when another run holds the
 * source's lease, 1 when the run failed or some records were not brought in.
 */
export async function catalogHarvestCommand(config: Config, source: string, opts: { full?: boolean }): Promise<void> {
  await withDatabase(config, { migrate: true }, async (h) => {
    const bar = progress(`harvest ${source}`, 'datasets');
    let summary: RunSummary;
    try {
      summary = await runHarvest({ db: h.db, dialect: h.dialect, clock: systemClock, dataDir: config.dataDir }, source, {
        trigger: 'cli',
        full: opts.full,
        onProgress: (p) => bar.update(p.seen, Math.max(p.expected ?? 0, p.seen)),
      });
    } catch (err) {
      if (err instanceof HarvestBusy) throw refused(err.message, ['(wait for it to finish; its lease expires a minute after its process stops)']);
      if (err instanceof DomainError && err.code === 'not-found') throw failure(err.message, ['(kabuto catalog harvest-sources lists them)']);
      throw err;
    } finally {
      bar.stop();
    }
    for (const line of formatRun(source, summary)) out(line);
    if (summary.status === 'failed') throw failure(summary.message || 'the harvest failed');
    if (summary.failed) throw failure(`${summary.failed} record(s) were not brought in; the reasons are listed above`);
  });
}

export function formatRun(source: string, s: RunSummary): string[] {
  const lines = [`harvest of ${source}: run ${s.runId}, ${s.status}${s.message ? ` — ${s.message}` : ''}`, ''];
  lines.push(
    ...table(
      ['datasets', 'count'],
      [
        ['seen', s.seen],
        ['added', s.added],
        ['updated', s.updated],
        ['unchanged', s.unchanged],
        ['deleted', s.deleted],
        ['failed', s.failed],
      ],
    ),
  );
  lines.push('', `requests: ${s.requests}`);
  if (s.report.errors.length) lines.push('', ...table(['record', 'reason'], s.report.errors.map((e) => [e.name || e.remoteId || '-', e.reason.replace(/\s+/g, ' ')])));
  if (s.report.moreErrors) lines.push(`… and ${s.report.moreErrors} more`);
  for (const p of s.report.pages) lines.push(`page not read: ${p.url}: ${p.reason}`);
  return lines;
}

/** `kabuto catalog harvest-sources`: the sources, their schedules and last runs. */
export async function catalogHarvestSourcesCommand(config: Config): Promise<void> {
  await withDatabase(config, { migrate: true }, async (h) => {
    const rows = (await harvestStore.sources(h.db)).map(sourceView);
    if (!rows.length) {
      out('no harvest sources (add one on /catalog/harvest or with POST /api/v1/catalog/harvest/sources)');
      return;
    }
    for (const line of table(
      ['name', 'kind', 'schedule', 'active', 'last run', 'status', 'url'],
      rows.map((s) => [s.name, s.kind, s.schedule, s.active ? 'yes' : 'no', s.last_run_at ?? '-', s.last_status ?? '-', s.url]),
    ))
      out(line);
  });
}
