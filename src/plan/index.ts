import type { AppContext } from '../core/context.js';
import { PlanService } from './service.js';

const services = new WeakMap<AppContext, PlanService>();

/** The plan service of an app (one per app, so its cache is shared by every route). Other modules bind indicators through it. */
export function planService(ctx: AppContext): PlanService {
  let s = services.get(ctx);
  if (!s) {
    s = new PlanService(ctx);
    services.set(ctx, s);
  }
  return s;
}

export type { PlanService } from './service.js';
