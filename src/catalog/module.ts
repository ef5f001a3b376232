import type { FastifyInstance } from 'fastify';
import type { AppContext, KabutoModule } from '../core/context.js';
import { catalogMessages } from './messages.js';
import { registerCatalogMetrics } from './metrics.js';
import { seedCatalog } from './seed.js';
import { catalogBodyParsers } from './body.js';
import { ckanRoutes } from './ckan/routes.js';
import { catalogPages } from './pages/routes.js';
import { catalogService } from './index.js';
import { ensureIndex, search } from './search-port.js';
import { registerHarvest } from './harvest/module.js';
import { dcatRoutes } from './dcat/routes.js';
import { previewRoutes } from './preview/routes.js';
import { standardsRoutes } from './standards/routes.js';

/** How the start-up warm-up of the search engine went: its duration, and the datasets it saw or the error. */
export type SearchWarmup = { ms: number; datasets: number } | { ms: number; error: string };

const warmups = new WeakMap<AppContext, Promise<SearchWarmup>>();

/** The warm-up of a listening server (undefined until it listens: apps that only inject never warm). */
export function searchWarmup(ctx: AppContext): Promise<SearchWarmup> | undefined {
  return warmups.get(ctx);
}

/**
 * The first search of a process loads the engine's facet arrays (about 10 s for a million datasets):
 * a listening server runs one empty search right away, in the background, so no reader waits for it.
 * Start-up does not wait; a failure is logged and never fatal; closing the app waits for it, so the
 * database is never closed under it.
 */
function warmSearchOnListen(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onListen', async () => {
    const t0 = performance.now();
    const run = search(ctx.db, ctx.dialect, { facetFields: [], facetLimit: 0, facetMinCount: 1, rows: 0, start: 0, visibility: { includePrivate: false, orgs: [] } }).then(
      (r): SearchWarmup => {
        const done = { ms: Math.round(performance.now() - t0), datasets: r.count };
        ctx.log.info(done, 'catalog search warmed up');
        return done;
      },
      (err: unknown): SearchWarmup => {
        const failed = { ms: Math.round(performance.now() - t0), error: err instanceof Error ? err.message : String(err) };
        ctx.log.error({ err, ms: failed.ms }, 'catalog search warm-up failed');
        return failed;
      },
    );
    warmups.set(ctx, run);
  });
  app.addHook('onClose', async () => {
    await warmups.get(ctx);
  });
}

async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // An index built by another tokenizer is rebuilt before the first search.
  if (await ensureIndex(ctx)) ctx.log.info('catalog search index rebuilt for the current tokenizer');
  warmSearchOnListen(app, ctx);
  catalogBodyParsers(app);
  const svc = catalogService(ctx);
  await ckanRoutes(app, ctx, svc);
  await catalogPages(app, ctx, svc);
  await registerHarvest(app, ctx);
  await dcatRoutes(app, ctx, svc);
  await previewRoutes(app, ctx, svc);
  await standardsRoutes(app, ctx, svc);
}

export const catalogModule: KabutoModule = {
  name: 'catalog',
  messages: catalogMessages,
  nav: [{ href: '/catalog', label: 'nav.catalog' }],
  registerMetrics: registerCatalogMetrics,
  seed: seedCatalog,
  routes,
};
