import type { KabutoModule } from '../core/context.js';

export const companiesModule: KabutoModule = {
  name: 'companies',
  routes() {},
};
