import type { AppContext } from '../core/context.js';

export async function seedPlan(ctx: AppContext): Promise<void> {
  void ctx;
}
