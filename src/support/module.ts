import type { KabutoModule } from '../core/context.js';

export const supportModule: KabutoModule = {
  name: 'support',
  routes() {},
};
