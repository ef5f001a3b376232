import type { KabutoModule } from './core/context.js';
import { planModule } from './plan/module.js';
import { companiesModule } from './companies/module.js';
import { catalogModule } from './catalog/module.js';
import { attractionModule } from './attraction/module.js';
import { supportModule } from './support/module.js';
import { matchingModule } from './matching/module.js';

/**
 * The domain modules, in the order their metrics, seeds and routes run. The plan comes first (its
 * seed loads the plan), then the companies registry every later module points at.
 */
export const modules: KabutoModule[] = [planModule, companiesModule, catalogModule, attractionModule, supportModule, matchingModule];
