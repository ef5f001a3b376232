import type { Migration } from 'kysely';
import * as core from './20261127_0001_core.js';
import * as plan from './20261127_0002_plan.js';

/** Every migration, in order. Migrations are frozen: add a new file, never edit an applied one. */
export const migrations: Record<string, Migration> = {
  '20261127_0001_core': core,
  '20261127_0002_plan': plan,
};
