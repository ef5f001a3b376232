import { sql } from 'kysely';
import type { AppContext } from '../core/context.js';
import { fiscalYearOfTimestamp } from '../core/db/index.js';
import { CATALOG_SCOPE } from './service.js';
import { PUBLISHED_METRIC } from './seed.js';

const KINDS = ['tmg', 'bureau', 'municipality', 'other'] as const;

/**
 * `catalog.datasets-published`: public, active datasets counted by the fiscal year (April–March,
 * Japan time) of their first publication. A dataset deleted or made private later leaves the count
 * of its year; one published again keeps its first year.
 */
export function registerCatalogMetrics(ctx: AppContext): void {
  ctx.metrics.register({
    name: PUBLISHED_METRIC,
    module: 'catalog',
    description_ja: '公開データセット数（公開中のもの、初めて公開された年度別）',
    description_en: 'Datasets published (public and active), by fiscal year of first publication',
    params: {
      kind: { description: 'publisher kind: tmg (the TMG itself), bureau, municipality, other', values: KINDS },
      organization: { description: 'organization name (slug), e.g. meguro-ku' },
    },
    scopes: [CATALOG_SCOPE],
    async compute({ db, dialect }, params) {
      const fy = fiscalYearOfTimestamp(dialect, 'd.first_published_at');
      let q = db
        .selectFrom('catalog_datasets as d')
        .innerJoin('catalog_organizations as o', 'o.id', 'd.owner_org')
        .select([fy.as('fy'), sql<number>`count(*)`.as('n')])
        .where('d.state', '=', 'active')
        .where('d.private', '=', 0)
        .where('d.first_published_at', 'is not', null);
      const kinds = params.kind === undefined ? [] : Array.isArray(params.kind) ? params.kind.map(String) : [String(params.kind)];
      if (kinds.length) q = q.where('o.kind', 'in', kinds as (typeof KINDS)[number][]);
      const orgs = params.organization === undefined ? [] : Array.isArray(params.organization) ? params.organization.map(String) : [String(params.organization)];
      if (orgs.length) q = q.where('o.name', 'in', orgs);
      const rows = await q.groupBy(fy).execute();
      return new Map(rows.map((r) => [Number(r.fy), Number(r.n)]));
    },
  });
}
