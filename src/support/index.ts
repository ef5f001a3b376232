import type { AppContext } from '../core/context.js';
import { SupportService } from './service.js';

const services = new WeakMap<AppContext, SupportService>();

/** The support desk of an app (one per app). */
export function supportService(ctx: AppContext): SupportService {
  let s = services.get(ctx);
  if (!s) {
    s = new SupportService(ctx);
    services.set(ctx, s);
  }
  return s;
}

export type { SupportService, CaseSummary, CaseDetail, GuideView, PersonView } from './service.js';
