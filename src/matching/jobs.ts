import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../core/context.js';
import { matchingService } from './index.js';
import { newOwner, releaseLease, takeLease } from '../core/lease.js';

/**
 * The periodic work: expire unanswered requests and send due follow-up reminders. Only a listening
 * server runs it (tests inject requests and never listen), and only one process at a time: each run
 * takes a lease in the database (a row with an owner and an expiry), not a lock tied to a connection.
 */
export function startJobs(app: FastifyInstance, ctx: AppContext): void {
  // MATCHING_JOBS_INTERVAL_MINUTES, read and validated with the rest of the configuration at start-up.
  const minutes = ctx.config.matchingJobsIntervalMinutes;
  if (!minutes) return;
  const owner = newOwner();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const run = async () => {
    if (!(await takeLease(ctx.db, ctx.clock, LEASE, owner, 15 * 60_000))) return;
    try {
      const svc = matchingService(ctx);
      const expired = await svc.expireRequests();
      const reminded = await svc.sendFollowUpReminders();
      if (expired || reminded) ctx.log.info({ expired, reminded }, 'matching: periodic work done');
    } finally {
      await releaseLease(ctx.db, LEASE, owner);
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

