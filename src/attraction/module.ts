import type { KabutoModule } from '../core/context.js';

export const attractionModule: KabutoModule = {
  name: 'attraction',
  routes() {},
};
