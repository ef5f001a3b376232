/**
 * DCAT-AP output of the catalog: the whole catalog a page at a time (public, active datasets, newest
 * change first, as ckanext-dcat pages it) and single datasets. Reads go through the catalog service;
 * the page query is the only one of its own.
 */
import type { AppContext } from '../../core/context.js';
import { DomainError } from '../../core/errors.js';
import { translator } from '../../core/i18n/index.js';
import type { CatalogService, Caller } from '../service.js';
import type { FullDataset, OrgRow } from '../store.js';
import { DcatGraph, type CatalogMeta, type Paging } from './graph.js';
import { serialize, type RdfFormat } from './serialize.js';

export const ITEMS_PER_PAGE = 100;
export const MAX_ITEMS_PER_PAGE = 1000;
const TMG_ID = '130001';

export interface CatalogQuery {
  page: number;
  itemsPerPage: number;
  /** ISO UTC; datasets modified at or after it. */
  modifiedSince?: string;
}

/** `2024-01-31`, `2024-01-31T09:00`, `2024-01-31T09:00:00+09:00` → ISO UTC; a time without a zone is UTC (as ckanext-dcat reads it). */
export function parseModifiedSince(text: string): string {
  const s = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  const t = m ? Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`) : Number.NaN;
  if (!m || Number.isNaN(t)) throw new DomainError('bad-request', 'modified_since must be an ISO 8601 date or date and time, e.g. 2024-01-31 or 2024-01-31T09:00:00+09:00');
  return new Date(t).toISOString();
}

export class DcatService {
  constructor(
    private readonly ctx: AppContext,
    private readonly svc: CatalogService,
  ) {}

  get base(): string {
    return this.ctx.config.publicUrl;
  }

  /** Public, active datasets of a page, and how many there are in all. */
  async page(q: CatalogQuery): Promise<{ count: number; datasets: FullDataset[] }> {
    let base = this.ctx.db.selectFrom('catalog_datasets').where('state', '=', 'active').where('private', '=', 0);
    if (q.modifiedSince) base = base.where('metadata_modified', '>=', q.modifiedSince);
    const count = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await base
      .select('id')
      .orderBy('metadata_modified', 'desc')
      .orderBy('id')
      .limit(q.itemsPerPage)
      .offset((q.page - 1) * q.itemsPerPage)
      .execute();
    return { count, datasets: await this.svc.fullMany(rows.map((r) => r.id)) };
  }

  private async orgs(): Promise<Map<string, OrgRow>> {
    return new Map((await this.svc.orgs()).map((o) => [o.id, o]));
  }

  async meta(): Promise<CatalogMeta> {
    const [orgs, licences, latest] = await Promise.all([
      this.orgs(),
      this.svc.licences(),
      this.ctx.db.selectFrom('catalog_datasets').select((eb) => eb.fn.max('metadata_modified').as('m')).where('state', '=', 'active').where('private', '=', 0).executeTakeFirst(),
    ]);
    const ja = translator('ja');
    const en = translator('en');
    return {
      title: { ja: ja('dcat.catalog.title'), en: en('dcat.catalog.title') },
      description: { ja: ja('dcat.catalog.description'), en: en('dcat.catalog.description') },
      publisher: orgs.get(TMG_ID) ?? null,
      modified: (latest?.m as string | null | undefined) ?? null,
      licence: licences.find((l) => l.id === 'cc-by-4.0') ?? null,
    };
  }

  private async graph(): Promise<DcatGraph> {
    const ja = translator('ja');
    const en = translator('en');
    return new DcatGraph({ base: this.base, orgs: await this.orgs(), categoriesTitle: { ja: ja('dcat.categories.title'), en: en('dcat.categories.title') } });
  }

  /** A page of the catalog in a format. */
  async catalog(q: CatalogQuery, format: RdfFormat, pageUrl: (page: number) => string): Promise<{ body: string; count: number }> {
    const [{ count, datasets }, meta, g] = await Promise.all([this.page(q), this.meta(), this.graph()]);
    const paging: Paging = { count, itemsPerPage: q.itemsPerPage, page: q.page, url: pageUrl };
    g.catalog(meta, datasets, paging);
    return { body: await serialize(g.quads, format), count };
  }

  /** One dataset (by id, name or old name) the caller may read, with its distributions. */
  async dataset(c: Caller, ref: string, format: RdfFormat): Promise<{ body: string; full: FullDataset }> {
    const r = await this.svc.resolve(ref);
    if (!r || !this.svc.canRead(c, r.row)) throw new DomainError('not-found', 'Dataset not found');
    const full = await this.svc.full(r.row.id);
    if (!full) throw new DomainError('not-found', 'Dataset not found');
    const g = await this.graph();
    g.dataset(full);
    return { body: await serialize(g.quads, format), full };
  }
}
