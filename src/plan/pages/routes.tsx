import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/context.js';

/** Public and staff pages of the plan (being written). */
export async function planPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  void app;
  void ctx;
}
