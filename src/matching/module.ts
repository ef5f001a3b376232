import type { AppContext, KabutoModule } from '../core/context.js';
import { systemActor } from '../core/audit.js';
import { DomainError } from '../core/errors.js';
import { onCompanyMerge, onCompanyTimeline } from '../companies/index.js';
import { planService } from '../plan/index.js';
import { matchingMessages } from './messages.js';
import { registerMatchingMetrics, BINDINGS } from './metrics.js';
import { matchingRoutes } from './routes.js';
import { matchingService } from './index.js';
import { startJobs } from './jobs.js';

function registerCompanyHooks(ctx: AppContext): void {
  onCompanyMerge(ctx, (trx, e) => matchingService(ctx).onCompanyMerge(trx, e));
  onCompanyTimeline(ctx, async (db, e) => {
    e.events.push(...(await matchingService(ctx).timeline(db, e.companyId)));
  });
}

/** Bind the plan's 1-03 to matching.introductions. Idempotent: an unchanged binding is left alone. */
async function bindPlanTargets(ctx: AppContext): Promise<void> {
  const plan = planService(ctx);
  for (const b of BINDINGS) {
    try {
      await plan.bind(systemActor('seed'), b.indicatorId, b.metric, b.params);
    } catch (err) {
      // A plan without this indicator (another plan file) has nothing to bind.
      if (err instanceof DomainError && err.code === 'unknown-indicator') ctx.log.warn({ indicator: b.indicatorId }, 'matching: the plan has no such indicator; not bound');
      else throw err;
    }
  }
}

export const matchingModule: KabutoModule = {
  name: 'matching',
  messages: matchingMessages,
  nav: [{ href: '/matching', label: 'nav.matching', roles: ['member', 'staff', 'admin'] }],
  registerMetrics(ctx) {
    registerMatchingMetrics(ctx);
    registerCompanyHooks(ctx);
  },
  seed: bindPlanTargets,
  async routes(app, ctx) {
    await matchingRoutes(app, ctx);
    startJobs(app, ctx);
  },
};
