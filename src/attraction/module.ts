import type { AppContext, KabutoModule } from '../core/context.js';
import { systemActor } from '../core/audit.js';
import { translator } from '../core/i18n/index.js';
import { onCompanyMerge, onCompanyTimeline, type TimelineEvent } from '../companies/index.js';
import { planService } from '../plan/index.js';
import { attractionMessages } from './messages.js';
import { registerAttractionMetrics, BINDINGS } from './metrics.js';
import { attractionRoutes } from './routes.js';
import { attractionService } from './index.js';
import type { TimelineItem } from './service.js';

/** Word a timeline item of this domain in both languages for the registry's company page. */
function timelineEvent(item: TimelineItem): TimelineEvent {
  const title = (lang: 'ja' | 'en') => {
    const t = translator(lang);
    const stage = (s: string | null | undefined) => (s ? t(`attraction.stage.${s}`) : '');
    switch (item.kind) {
      case 'lead-created':
        return t('attraction.timeline.created', { id: item.leadId!, sector: t(`attraction.sector.${item.sector ?? 'other'}`) });
      case 'stage-moved':
        return t('attraction.timeline.moved', { id: item.leadId!, from: stage(item.from), to: stage(item.stage) });
      case 'established':
        return t('attraction.timeline.established', { id: item.leadId!, date: item.date ?? '' });
      case 'dropped':
        return t('attraction.timeline.dropped', { id: item.leadId! });
      case 'consulted':
        return t('attraction.timeline.consulted', { id: item.leadId!, topic: item.topic ?? '' });
      case 'established-by-others':
        return t('attraction.timeline.other', { date: item.date ?? '', source: item.source ?? '' });
    }
  };
  return {
    at: new Date(item.at).toISOString(),
    module: 'attraction',
    kind: item.kind,
    title: { ja: title('ja'), en: title('en') },
    href: item.leadId ? `/attraction/leads/${item.leadId}` : '/attraction/others',
  };
}

function registerCompanyHooks(ctx: AppContext): void {
  onCompanyMerge(ctx, (trx, e) => attractionService(ctx).onCompanyMerge(trx, e));
  onCompanyTimeline(ctx, async (db, e) => {
    const items = await attractionService(ctx).timeline(db, e.companyId);
    e.events.push(...items.map(timelineEvent));
  });
}

/** Bind the plan's group-1 targets to this module's metric, once per database (an admin's later rebinding stands). */
async function bindPlanTargets(ctx: AppContext): Promise<void> {
  const plan = planService(ctx);
  for (const b of BINDINGS) {
    // A plan without this indicator (another plan file) has nothing to bind.
    if (!(await plan.bindByDefault(systemActor('seed'), b.indicatorId, b.metric, b.params))) ctx.log.warn({ indicator: b.indicatorId }, 'attraction: the plan has no such indicator; not bound');
  }
}

export const attractionModule: KabutoModule = {
  name: 'attraction',
  messages: attractionMessages,
  nav: [{ href: '/attraction', label: 'nav.attraction', roles: ['staff', 'admin'] }],
  registerMetrics(ctx) {
    registerAttractionMetrics(ctx);
    // The registry's hooks are wired here, with the metrics, so they exist before any route or seed runs.
    registerCompanyHooks(ctx);
  },
  seed: bindPlanTargets,
  routes: attractionRoutes,
};
