import type { KabutoModule } from '../core/context.js';

export const matchingModule: KabutoModule = {
  name: 'matching',
  routes() {},
};
