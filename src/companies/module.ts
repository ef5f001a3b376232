import type { KabutoModule } from '../core/context.js';
import { companiesMessages } from './messages.js';

export const companiesModule: KabutoModule = {
  name: 'companies',
  messages: companiesMessages,
  routes() {},
};
