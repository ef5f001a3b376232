import type { CoreTables } from './core/tables.js';
import type { PlanTables } from './plan/tables.js';

/** Every table of every domain. Each domain declares its own in its tables.ts. */
export interface Database extends CoreTables, PlanTables {}
