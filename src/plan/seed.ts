import { fileURLToPath } from 'node:url';
import type { AppContext } from '../core/context.js';
import { systemActor } from '../core/audit.js';
import { importPlanFile } from './import.js';

/** The plan shipped with the product (a copy of the source extraction, with its NOTES.md). */
export const SEED_PLAN_FILE = fileURLToPath(new URL('../../seed/plan/tokyo-econ-plan.json', import.meta.url));

/** Load the shipped plan on first start; a database that already has a plan is left alone. */
export async function seedPlan(ctx: AppContext): Promise<void> {
  const any = await ctx.db.selectFrom('plans').select('id').limit(1).executeTakeFirst();
  if (any) return;
  const report = await importPlanFile(ctx, SEED_PLAN_FILE, systemActor('seed'));
  ctx.log.info({ plan: report.planId, counts: report.counts }, 'loaded the shipped plan');
}
