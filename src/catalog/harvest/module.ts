import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/context.js';
import { registerMessages } from '../../core/i18n/index.js';
import { harvestMessages } from './messages.js';
import { HarvestSources } from './sources.js';
import { harvestApi } from './routes.js';
import { harvestPages } from './pages.js';
import { HarvestScheduler, harvestInterval } from './scheduler.js';

/** Harvesting inside the catalog module: messages, the staff API and pages, and the server's scheduler. */
export async function registerHarvest(app: FastifyInstance, ctx: AppContext): Promise<void> {
  registerMessages('catalog.harvest', harvestMessages);
  const svc = new HarvestSources({ db: ctx.db, clock: ctx.clock });
  // The catalog's scope keeps JSON bodies raw for the CKAN API; our own API takes parsed JSON.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body === '' ? undefined : JSON.parse(body as string));
      } catch {
        done(Object.assign(new Error('The body is not valid JSON'), { statusCode: 400 }), undefined);
      }
    });
    await harvestApi(scope, ctx, svc);
  });
  await harvestPages(app, ctx, svc);
  const scheduler = new HarvestScheduler(ctx, harvestInterval() * 1000);
  app.addHook('onReady', async () => scheduler.start());
  app.addHook('onClose', async () => scheduler.stop());
}
