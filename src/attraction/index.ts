import type { AppContext } from '../core/context.js';
import { AttractionService } from './service.js';

const services = new WeakMap<AppContext, AttractionService>();

/** The attraction service of an app (one per app). Other modules read the pipeline through it. */
export function attractionService(ctx: AppContext): AttractionService {
  let s = services.get(ctx);
  if (!s) {
    s = new AttractionService(ctx);
    services.set(ctx, s);
  }
  return s;
}

export type { AttractionService, LeadView, LeadDetail, OtherView } from './service.js';
