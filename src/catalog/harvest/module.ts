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
  await harvestApi(app, ctx, svc);
  await harvestPages(app, ctx, svc);
  const scheduler = new HarvestScheduler(ctx, harvestInterval() * 1000);
  app.addHook('onReady', async () => scheduler.start());
  app.addHook('onClose', async () => scheduler.stop());
}
