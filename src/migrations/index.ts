import type { Migration } from 'kysely';
import * as core from './20261127_0001_core.js';
import * as plan from './20261127_0002_plan.js';
import * as companies from './20261127_0003_companies.js';
import * as catalog from './20261127_0004_catalog.js';
import * as attraction from './20261127_0005_attraction.js';
import * as support from './20261127_0006_support.js';
import * as matching from './20261127_0007_matching.js';
import * as catalogSearch from './20261127_0008_catalog_search.js';
import * as catalogHarvest from './20261127_0009_catalog_harvest.js';
import * as catalogSearchShadow from './20261127_0010_catalog_search_shadow.js';
import * as catalogSearchSnapshot from './20261127_0011_catalog_search_snapshot.js';
import * as catalogSearchLz4 from './20261127_0012_catalog_search_lz4.js';

/** Every migration, in order. Migrations are frozen once released: add a new file, never edit an applied one. */
export const migrations: Record<string, Migration> = {
  '20261127_0001_core': core,
  '20261127_0002_plan': plan,
  '20261127_0003_companies': companies,
  '20261127_0004_catalog': catalog,
  '20261127_0005_attraction': attraction,
  '20261127_0006_support': support,
  '20261127_0007_matching': matching,
  '20261127_0008_catalog_search': catalogSearch,
  '20261127_0009_catalog_harvest': catalogHarvest,
  '20261127_0010_catalog_search_shadow': catalogSearchShadow,
  '20261127_0011_catalog_search_snapshot': catalogSearchSnapshot,
  '20261127_0012_catalog_search_lz4': catalogSearchLz4,
};
