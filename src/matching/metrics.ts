import type { AppContext } from '../core/context.js';
import type { MetricParams } from '../core/metrics.js';
import { matchingService } from './index.js';
import { ARRANGED_CHANNELS, MATCHING_KINDS } from './rules.js';
import { SCOPE } from './service.js';

const list = (v: MetricParams[string] | undefined): string[] | null => (v === undefined ? null : Array.isArray(v) ? v.map(String) : [String(v)]);

const params = {
  kind: { description: `Kind(s) of matching: ${MATCHING_KINDS.join(', ')} (all when absent)`, values: MATCHING_KINDS },
  channel: { description: 'How the city arranged it: staff (introduced by staff), marketplace, fair (all three when absent)', values: ARRANGED_CHANNELS },
};

/**
 * Metrics the plan's indicators bind to. Both count meetings that took place, by fiscal year (April to
 * March) of the meeting date, arranged by the city: introduced by staff, requested through the
 * marketplace, or at a city fair. They read the companies registry as it stands, so they also depend on
 * the companies scope (a company's country corrected there moves the count).
 */
export function registerMatchingMetrics(ctx: AppContext): void {
  const channels = (p: MetricParams) => list(p.channel) ?? [...ARRANGED_CHANNELS];
  ctx.metrics.register({
    name: 'matching.introductions',
    module: 'matching',
    description_ja: '都による外国企業と都内企業の引き合わせ件数：都が職員の紹介、マーケットプレイス、商談会で設定し、実施された商談のうち、外国企業（国が日本以外）と都内に登記する企業の間のもの（実施日の年度別）',
    description_en: 'Introductions between foreign companies and Tokyo companies arranged by the city: meetings that took place, arranged by staff, the marketplace or a city fair, between a company whose country is not Japan and one registered in Tokyo (by fiscal year of the meeting date)',
    params,
    scopes: [SCOPE, 'companies'],
    compute: async (_m, p) => matchingService(ctx).heldByYear({ kinds: list(p.kind), channels: channels(p), pairing: 'foreign-local' }),
  });
  ctx.metrics.register({
    name: 'matching.meetings',
    module: 'matching',
    description_ja: '都が設定し実施された商談の件数（企業の組合せを問わない。実施日の年度別）',
    description_en: 'Meetings arranged by the city that took place, whoever the companies (by fiscal year of the meeting date)',
    params,
    scopes: [SCOPE],
    compute: async (_m, p) => matchingService(ctx).heldByYear({ kinds: list(p.kind), channels: channels(p), pairing: 'any' }),
  });
}

/** The plan's targets this module's metrics feed (module.seed binds them). */
export const BINDINGS: { indicatorId: string; metric: string; params: MetricParams }[] = [{ indicatorId: 'IND-FOREIGN-LOCAL-MATCHING', metric: 'matching.introductions', params: {} }];
