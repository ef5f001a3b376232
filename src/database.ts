import type { CoreTables } from './core/tables.js';
import type { PlanTables } from './plan/tables.js';
import type { CompaniesTables } from './companies/tables.js';
import type { CatalogTables } from './catalog/tables.js';
import type { CatalogSearchTables } from './catalog/search/tables.js';
import type { AttractionTables } from './attraction/tables.js';
import type { SupportTables } from './support/tables.js';
import type { MatchingTables } from './matching/tables.js';
import type { CatalogHarvestTables } from './catalog/harvest/tables.js';

/** Every table of every domain. Each domain declares its own in its tables.ts. */
export interface Database extends CoreTables, PlanTables, CompaniesTables, CatalogTables, CatalogSearchTables, AttractionTables, SupportTables, MatchingTables, CatalogHarvestTables {}
