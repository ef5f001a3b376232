import type { KabutoModule } from './core/context.js';
import { planModule } from './plan/module.js';

/** The domain modules, in the order their routes and seeds run. */
export const modules: KabutoModule[] = [planModule];
