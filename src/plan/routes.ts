import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../core/context.js';

export async function planRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  void ctx;
  app.get('/plan', async () => 'plan');
}
