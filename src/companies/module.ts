import type { KabutoModule } from '../core/context.js';
import { companiesMessages } from './messages.js';
import { companiesRoutes } from './routes.js';

export const companiesModule: KabutoModule = {
  name: 'companies',
  messages: companiesMessages,
  nav: [
    { href: '/companies', label: 'nav.companies', roles: ['staff', 'admin'] },
    { href: '/companies/mine', label: 'nav.companies.mine', roles: ['member'] },
  ],
  routes: companiesRoutes,
};
