import type { AppContext } from '../core/context.js';
import type { MetricParams } from '../core/metrics.js';
import { attractionStore } from './store.js';
import { SECTORS, SECTOR_GROUP, SECTOR_GROUPS, isSectorGroup, type SectorGroup } from './rules.js';
import { SCOPE } from './service.js';

/** The sector groups a metric's `sector` filter names (every group when absent). */
function groupsOf(params: MetricParams): SectorGroup[] {
  const raw = params.sector;
  if (raw === undefined) return [...SECTOR_GROUPS];
  const list = Array.isArray(raw) ? raw : [String(raw)];
  return list.filter(isSectorGroup);
}

/**
 * Metrics the plan's indicators bind to. Both count by fiscal year (April–March) of a local date:
 * the establishment date, or the consultation date.
 */
export function registerAttractionMetrics(ctx: AppContext): void {
  ctx.metrics.register({
    name: 'attraction.established',
    module: 'attraction',
    description_ja: '東京に拠点を設立した外国企業の数（設立日の年度別）。by=city は都が支援した誘致案件、by=total は他機関による誘致を含む総数。',
    description_en: 'Foreign firms that set up in Tokyo, by fiscal year of the establishment date. by=city: leads the city worked; by=total: those plus firms attracted by others.',
    params: {
      sector: { description: 'Sector group(s): financial, fourth-industrial, other (all when absent)', values: SECTOR_GROUPS },
      by: { description: 'city: attracted by the city; total: including firms attracted by others (the default)', values: ['city', 'total'] },
    },
    scopes: [SCOPE],
    compute: async (m, params) => {
      const groups = groupsOf(params);
      const sectors = SECTORS.filter((s) => groups.includes(SECTOR_GROUP[s]));
      return attractionStore.establishedByYear(m.db, m.dialect, sectors, params.by === 'city' ? 'city' : 'total');
    },
  });
  ctx.metrics.register({
    name: 'attraction.consultations',
    module: 'attraction',
    description_ja: '外国企業への事業計画無料相談の件数（相談日の年度別）',
    description_en: 'Free business-plan consultations held with foreign firms, by fiscal year of the consultation date',
    params: { sector: { description: 'Sector group(s): financial, fourth-industrial, other (all when absent)', values: SECTOR_GROUPS } },
    scopes: [SCOPE],
    compute: async (m, params) => {
      const groups = groupsOf(params);
      return attractionStore.consultationsByYear(m.db, m.dialect, SECTORS.filter((s) => groups.includes(SECTOR_GROUP[s])));
    },
  });
}

/** The plan's group-1 targets this module's metrics feed (module.seed binds them). */
export const BINDINGS: { indicatorId: string; metric: string; params: MetricParams }[] = [
  { indicatorId: 'IND-FOREIGN-FINANCIAL-ATTRACTION', metric: 'attraction.established', params: { sector: 'financial', by: 'city' } },
  { indicatorId: 'IND-FOREIGN-IOT-ATTRACTION', metric: 'attraction.established', params: { sector: 'fourth-industrial', by: 'city' } },
  { indicatorId: 'IND-FOREIGN-TOTAL-ATTRACTION', metric: 'attraction.established', params: { by: 'total' } },
];
