import type { KabutoModule } from '../core/context.js';

export const catalogModule: KabutoModule = {
  name: 'catalog',
  routes() {},
};
