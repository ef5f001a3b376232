import { existsSync } from 'node:fs';
import type { Config } from '../core/config.js';
import { sqlitePath } from '../core/config.js';
import { openDatabase, ping, type DatabaseHandle } from '../core/db/index.js';
import { migrateToLatest } from '../core/db/migrate.js';
import { failure, usageError } from './exit.js';
import { maskUrl } from './output.js';

export interface OpenOptions {
  /** Bring the schema up to date first (every command that writes). */
  migrate?: boolean;
  /** Refuse a SQLite file that does not exist yet instead of creating it (backup, db copy). */
  mustExist?: boolean;
  /** Called with each applied migration ("applied 2026…_core"). */
  onMigrated?: (lines: string[]) => void;
}

/** Open the configured database, run `fn`, and always close it (a pg pool would keep the process alive). */
export async function withDatabase<T>(config: Config, opts: OpenOptions, fn: (h: DatabaseHandle) => Promise<T>): Promise<T> {
  if (opts.mustExist && config.databaseUrl.startsWith('sqlite:')) {
    const file = sqlitePath(config.databaseUrl);
    if (file === ':memory:') throw usageError('DATABASE_URL is sqlite::memory:, which holds nothing outside one process');
    if (!existsSync(file)) throw failure(`no database at ${file} (DATABASE_URL=${config.databaseUrl})`);
  }
  const handle = openDatabase(config.databaseUrl, { poolSize: 2 });
  try {
    await connect(handle);
    if (opts.migrate) {
      const lines = await migrateToLatest(handle.db);
      opts.onMigrated?.(lines);
    }
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

/** A clear message when the server is down or the URL is wrong, rather than a driver stack. */
export async function connect(handle: DatabaseHandle): Promise<void> {
  try {
    await ping(handle.db);
  } catch (err) {
    throw failure(`cannot reach the database at ${maskUrl(handle.url)}: ${(err as Error).message}`);
  }
}
