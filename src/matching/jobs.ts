import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../core/context.js';
import { matchingService } from './index.js';

/**
 * The periodic work: expire unanswered requests and send due follow-up reminders. Only a listening
 * server runs it (tests inject requests and never listen), and only one process at a time: each run
 * takes a lease in the database (a row with an owner and an expiry), not a lock tied to a connection.
 */
export function startJobs(app: FastifyInstance, ctx: AppContext): void {
  // MATCHING_JOBS_INTERVAL_MINUTES, read and validated with the rest of the configuration at start-up.
  const minutes = ctx.config.matchingJobsIntervalMinutes;
  if (!minutes) return;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const run = async () => {
    if (!(await takeLease(ctx, owner, 15 * 60_000))) return;
    try {
      const svc = matchingService(ctx);
      const expired = await svc.expireRequests();
      const reminded = await svc.sendFollowUpReminders();
      if (expired || reminded) ctx.log.info({ expired, reminded }, 'matching: periodic work done');
    } finally {
      await ctx.db.deleteFrom('leases').where('name', '=', LEASE).where('owner', '=', owner).execute();
    }
  };
  app.addHook('onListen', async () => {
    const tick = () => {
      running = run()
        .catch((err: unknown) => ctx.log.error({ err }, 'matching: periodic work failed'))
        .finally(() => {
          running = null;
          timer = setTimeout(tick, minutes * 60_000);
          timer.unref();
        });
    };
    timer = setTimeout(tick, 5_000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearTimeout(timer);
    await running;
  });
}

const LEASE = 'matching.jobs';

async function takeLease(ctx: AppContext, owner: string, ttlMs: number): Promise<boolean> {
  const now = ctx.clock.now();
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  const rows = await ctx.db
    .insertInto('leases')
    .values({ name: LEASE, owner, expires_at: expires })
    .onConflict((oc) => oc.column('name').doUpdateSet({ owner, expires_at: expires }).where((eb) => eb.or([eb('leases.expires_at', '<=', now.toISOString()), eb('leases.owner', '=', owner)])))
    .returning('owner')
    .execute();
  return rows.length === 1 && rows[0]!.owner === owner;
}
