import type { KabutoModule } from '../core/context.js';
import { planMessages } from './messages.js';
import { planRoutes } from './routes.js';
import { seedPlan } from './seed.js';

export const planModule: KabutoModule = {
  name: 'plan',
  messages: planMessages,
  nav: [
    { href: '/plan', label: 'nav.plan' },
    { href: '/plan/annual', label: 'nav.annual' },
  ],
  seed: seedPlan,
  routes: planRoutes,
};
