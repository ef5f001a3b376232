import type { FastifyInstance } from 'fastify';
import type { AppContext, KabutoModule } from '../core/context.js';
import { catalogMessages } from './messages.js';
import { registerCatalogMetrics } from './metrics.js';
import { seedCatalog } from './seed.js';
import { catalogBodyParsers } from './body.js';
import { ckanRoutes } from './ckan/routes.js';
import { catalogPages } from './pages/routes.js';
import { catalogService } from './index.js';
import { ensureIndex } from './search-port.js';
import { registerHarvest } from './harvest/module.js';
import { dcatRoutes } from './dcat/routes.js';
import { previewRoutes } from './preview/routes.js';
import { standardsRoutes } from './standards/routes.js';

async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // An index built by another tokenizer is rebuilt before the first search.
  if (await ensureIndex(ctx)) ctx.log.info('catalog search index rebuilt for the current tokenizer');
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
