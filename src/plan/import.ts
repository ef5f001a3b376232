import type { Db, Dialect } from '../core/db/index.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/audit.js';

/** What plan import needs: no HTTP, so the CLI can call it on a bare database. */
export interface PlanDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
}

export interface ImportReport {
  planId: string;
  /** The plan was new to this database. */
  created: boolean;
  /** The file had the same content as the last import: nothing written. */
  unchanged: boolean;
  counts: { targets: number; indicators: number; baselines: number; developments: number; initiatives: number; annualRows: number; milestones: number };
  /** Target values that changed in the file and became revisions ("imported from FILE"). */
  revisions: { targetId: string; oldValue: number | null; newValue: number }[];
  /** Changes not applied because staff revised the target since the last import. */
  conflicts: { targetId: string; fileValue: number | null; currentValue: number | null; reason: string }[];
}

/** Thrown for a file that cannot be imported; nothing has been written. */
export class PlanFileError extends Error {
  constructor(
    /** JSON pointer to the offending value, or line:column for a syntax error. */
    readonly position: string,
    message: string,
  ) {
    super(`${position}: ${message}`);
    this.name = 'PlanFileError';
  }
}

/**
 * Load or update a plan from a JSON file, idempotently, in one transaction.
 * `onProgress` is called with (done, total) steps for a progress bar.
 */
export async function importPlanFile(deps: PlanDeps, file: string, actor: Actor, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
  void deps;
  void file;
  void actor;
  void onProgress;
  throw new Error('importPlanFile: being written');
}
