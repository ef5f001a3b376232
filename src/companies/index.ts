import type { AppContext } from '../core/context.js';
import { CompaniesService } from './service.js';
import { MERGE_HOOK, TIMELINE_HOOK, type CompanyMergeHook, type CompanyTimelineHook } from './types.js';

const services = new WeakMap<AppContext, CompaniesService>();

/** The companies registry of an app (one per app). Other modules read and write companies through it. */
export function companiesService(ctx: AppContext): CompaniesService {
  let s = services.get(ctx);
  if (!s) {
    s = new CompaniesService(ctx);
    services.set(ctx, s);
  }
  return s;
}

/** Typed shorthand for ctx.hooks.on('companies.merge', …): move your references from e.fromId to e.intoId inside trx. */
export function onCompanyMerge(ctx: AppContext, hook: CompanyMergeHook): void {
  ctx.hooks.on(MERGE_HOOK, hook as (...args: any[]) => Promise<void>);
}

/** Typed shorthand for ctx.hooks.on('companies.timeline', …): push your module's events about e.companyId. */
export function onCompanyTimeline(ctx: AppContext, hook: CompanyTimelineHook): void {
  ctx.hooks.on(TIMELINE_HOOK, hook as (...args: any[]) => Promise<void>);
}

export type { CompaniesService } from './service.js';
export type { Company, CompanyInput, CompanySearchQuery, CompanyContact, ContactInput, TimelineEvent, CompanyMergeEvent, CompanyMergeHook, CompanyTimelineRequest, CompanyTimelineHook } from './types.js';
export { MERGE_HOOK, TIMELINE_HOOK } from './types.js';
export { formatCorporateNumber, isValidCorporateNumber, JCN_SCHEME } from './corporate-number.js';
