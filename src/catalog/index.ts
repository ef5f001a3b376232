import type { AppContext } from '../core/context.js';
import { CatalogService } from './service.js';

const services = new WeakMap<AppContext, CatalogService>();

/** The catalog service of an app (one per app). Other modules and the CLI reach the catalog through it. */
export function catalogService(ctx: AppContext): CatalogService {
  let s = services.get(ctx);
  if (!s) {
    s = new CatalogService({ db: ctx.db, dialect: ctx.dialect, clock: ctx.clock, dataDir: ctx.config.dataDir });
    services.set(ctx, s);
  }
  return s;
}

export { CatalogService, callerOf, systemCaller, type Caller } from './service.js';
