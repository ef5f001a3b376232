import type { AppContext } from '../../core/context.js';
import { ConfigError } from '../../core/config.js';
import { harvestStore } from './store.js';
import { leaseHolder, harvestLeaseName } from './lease.js';
import { nextRunAt } from './sources.js';
import { spawnRun, type RunProcess } from './spawn.js';

/**
 * Seconds between the server's checks for due sources (HARVEST_INTERVAL_SECONDS; 0: no scheduler in
 * this process). Default 300, and 0 under NODE_ENV=test so test apps start no processes.
 */
export function harvestInterval(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HARVEST_INTERVAL_SECONDS;
  if (raw === undefined || raw === '') return env.NODE_ENV === 'test' ? 0 : 300;
  if (!/^\d+$/.test(raw) || Number(raw) > 86_400) throw new ConfigError('HARVEST_INTERVAL_SECONDS', `must be a whole number from 0 to 86400, got "${raw}"`);
  return Number(raw);
}

/**
 * The scheduler: a timer that starts a run process for each active, scheduled source that is due
 * and whose lease is free. Several app processes may each start one; the lease lets one run and
 * the others' processes exit at once (exit 3).
 */
export class HarvestScheduler {
  private timer: NodeJS.Timeout | null = null;
  private readonly children = new Map<string, RunProcess>();

  constructor(
    private readonly ctx: AppContext,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) => this.ctx.log.error({ err }, 'harvest scheduler check failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Runs in progress are left to finish on their own; a stopped server does not cut them short.
    for (const c of this.children.values()) c.child.unref();
  }

  /** Start every due source; returns the names started. */
  async tick(): Promise<string[]> {
    const now = this.ctx.clock.now().toISOString();
    const started: string[] = [];
    for (const s of await harvestStore.sources(this.ctx.db)) {
      const due = nextRunAt(s);
      if (!due || due > now || this.children.has(s.id)) continue;
      if (await leaseHolder(this.ctx.db, this.ctx.clock, harvestLeaseName(s.id))) continue;
      const p = spawnRun(this.ctx.config.databaseUrl, this.ctx.config.dataDir, s.id, { trigger: 'schedule' });
      this.children.set(s.id, p);
      void p.done.then((r) => {
        this.children.delete(s.id);
        if (r.code && r.code !== 3) this.ctx.log.warn({ source: s.name, code: r.code, error: r.error }, 'harvest process failed');
      });
      started.push(s.name);
    }
    return started;
  }
}
