import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/context.js';
import type { CatalogService } from '../service.js';

export async function catalogPages(app: FastifyInstance, ctx: AppContext, svc: CatalogService): Promise<void> {
  void app;
  void ctx;
  void svc;
}
