import { newOwner } from '../core/lease.js';
import type { FastifyInstance } from 'fastify';
import type { AppContext, KabutoModule } from '../core/context.js';
import { translator } from '../core/i18n/index.js';
import { runMailWorker } from '../core/mail/index.js';
import { onCompanyMerge, onCompanyTimeline, type TimelineEvent } from '../companies/index.js';
import { supportMessages } from './messages.js';
import { supportRoutes } from './routes.js';
import { supportService } from './index.js';

function timelineEvent(e: { caseId: number; kind: string; status: string | null; at: string; caseKind: string }): TimelineEvent {
  const title = (lang: 'ja' | 'en') => {
    const t = translator(lang);
    const params = { id: e.caseId, kind: t(`support.kind.${e.caseKind}`), status: e.status ? t(`support.status.${e.status}`) : '' };
    return e.kind === 'opened' ? t('support.timeline.opened', params) : t('support.timeline.status', params);
  };
  return { at: e.at, module: 'support', kind: e.kind === 'opened' ? 'case-opened' : `case-${e.status ?? 'updated'}`, title: { ja: title('ja'), en: title('en') }, href: `/support/cases/${e.caseId}` };
}

function registerCompanyHooks(ctx: AppContext): void {
  onCompanyMerge(ctx, (trx, e) => supportService(ctx).onCompanyMerge(trx, e));
  onCompanyTimeline(ctx, async (db, e) => {
    const items = await supportService(ctx).timeline(db, e.companyId);
    e.events.push(...items.map(timelineEvent));
  });
}

/**
 * The retention purge on a timer while the app is up (SUPPORT_PURGE_INTERVAL_MINUTES; 0: only the
 * `kabuto support purge` command). Each run takes the 'support.purge' lease, so of several processes
 * only one purges at a time.
 */
function runPurgeTimer(app: FastifyInstance, ctx: AppContext): void {
  const minutes = ctx.config.supportPurgeIntervalMinutes;
  if (minutes <= 0) return;
  const owner = newOwner();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = () => {
    running = supportService(ctx)
      .purgeOnce(owner)
      .then((r) => {
        if (r?.cases) ctx.log.info({ cases: r.cases, persons: r.persons, attachments: r.attachments }, 'support: personal data past retention deleted');
      })
      .catch((err: unknown) => ctx.log.error({ err }, 'support: retention purge failed'))
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(tick, minutes * 60_000);
      });
  };
  app.addHook('onReady', async () => {
    timer = setTimeout(tick, 5_000);
  });
  app.addHook('onClose', async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  });
}

export const supportModule: KabutoModule = {
  name: 'support',
  messages: supportMessages,
  nav: [
    { href: '/support', label: 'nav.support', roles: ['member'] },
    { href: '/support/staff', label: 'nav.support', roles: ['staff', 'admin'] },
  ],
  registerMetrics(ctx) {
    // The registry's hooks are wired here, before any route or seed runs.
    registerCompanyHooks(ctx);
  },
  async routes(app, ctx) {
    // A missing ATTACHMENT_KEY on PostgreSQL stops the start here, naming the variable.
    supportService(ctx).checkKey();
    runMailWorker(app, ctx);
    runPurgeTimer(app, ctx);
    await supportRoutes(app, ctx);
  },
};
