/**
 * DCAT-AP 3 routes: the catalog (/catalog.jsonld|.ttl|.rdf, paged with hydra:PagedCollection and
 * filtered by modified_since), one dataset (/dataset/:id.jsonld|.ttl|.rdf), and content negotiation
 * on /dataset/:name. Negotiation is a route constraint on the Accept header: a request asking for
 * RDF reaches the route here, every other request the catalog's dataset page, untouched.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/context.js';
import { registerMessages } from '../../core/i18n/index.js';
import { callerOf, type CatalogService } from '../service.js';
import { dcatMessages } from './messages.js';
import { rdfFormatFor } from './negotiate.js';
import { DcatService, ITEMS_PER_PAGE, MAX_ITEMS_PER_PAGE, parseModifiedSince } from './service.js';
import { MEDIA_TYPES, RDF_FORMATS, type RdfFormat } from './serialize.js';

const STRATEGY = 'rdfAccept';

const catalogQuery = {
  type: 'object',
  properties: {
    page: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    items_per_page: { type: 'integer', minimum: 1, maximum: MAX_ITEMS_PER_PAGE },
    modified_since: { type: 'string', maxLength: 40 },
    lang: { type: 'string' },
  },
} as const;

interface CatalogQs {
  page?: number;
  items_per_page?: number;
  modified_since?: string;
}

function send(reply: FastifyReply, format: RdfFormat, body: string, cache: string): FastifyReply {
  return reply.header('content-type', `${MEDIA_TYPES[format]}; charset=utf-8`).header('vary', 'Accept').header('cache-control', cache).header('access-control-allow-origin', '*').send(body);
}

/** Accept-header routing: only requests that prefer an RDF type name this constraint. */
function registerStrategy(app: FastifyInstance): void {
  if (app.hasConstraintStrategy(STRATEGY)) return;
  app.addConstraintStrategy({
    name: STRATEGY,
    storage() {
      const m = new Map<string, unknown>();
      return { get: (k: string) => (m.get(k) ?? null) as never, set: (k: string, v: unknown) => void m.set(k, v) };
    },
    deriveConstraint: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const a = req.headers.accept;
      return rdfFormatFor(Array.isArray(a) ? a.join(',') : a);
    },
    mustMatchWhenDerived: false,
  } as never);
}

export async function dcatRoutes(app: FastifyInstance, ctx: AppContext, svc: CatalogService): Promise<void> {
  registerMessages('catalog.dcat', dcatMessages);
  const dcat = new DcatService(ctx, svc);
  registerStrategy(app);

  for (const format of RDF_FORMATS) {
    app.get<{ Querystring: CatalogQs }>(
      `/catalog.${format}`,
      { schema: { hide: true, querystring: catalogQuery } },
      async (req, reply) => {
        const q = req.query;
        const itemsPerPage = q.items_per_page ?? ITEMS_PER_PAGE;
        const modifiedSince = q.modified_since ? parseModifiedSince(q.modified_since) : undefined;
        const pageUrl = (page: number) => {
          const params = new URLSearchParams();
          if (q.modified_since) params.set('modified_since', q.modified_since);
          if (q.items_per_page) params.set('items_per_page', String(q.items_per_page));
          params.set('page', String(page));
          return `${dcat.base}/catalog.${format}?${params.toString()}`;
        };
        const { body } = await dcat.catalog({ page: q.page ?? 1, itemsPerPage, modifiedSince }, format, pageUrl);
        return send(reply, format, body, 'public, max-age=60');
      },
    );

    app.get<{ Params: { id: string } }>(`/dataset/:id.${format}`, { schema: { hide: true } }, async (req, reply) => {
      const { body, full } = await dcat.dataset(callerOf(req.user, req.id), req.params.id, format);
      return send(reply, format, body, full.row.private || full.row.state !== 'active' ? 'private, no-store' : 'public, max-age=60');
    });
  }

  // The same dataset for a client that asks for RDF at the dataset's page address.
  app.get<{ Params: { name: string } }>('/dataset/:name', { schema: { hide: true }, constraints: { [STRATEGY]: 'jsonld' } }, negotiated('jsonld'));
  app.get<{ Params: { name: string } }>('/dataset/:name', { schema: { hide: true }, constraints: { [STRATEGY]: 'ttl' } }, negotiated('ttl'));
  app.get<{ Params: { name: string } }>('/dataset/:name', { schema: { hide: true }, constraints: { [STRATEGY]: 'rdf' } }, negotiated('rdf'));

  function negotiated(format: RdfFormat) {
    return async (req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
      const { body, full } = await dcat.dataset(callerOf(req.user, req.id), req.params.name, format);
      reply.header('content-location', `/dataset/${encodeURIComponent(full.row.id)}.${format}`);
      return send(reply, format, body, full.row.private || full.row.state !== 'active' ? 'private, no-store' : 'public, max-age=60');
    };
  }
}
