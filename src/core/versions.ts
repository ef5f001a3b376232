import { sql } from 'kysely';
import type { Db, DbOrTrx } from './db/index.js';
import type { Clock } from './clock.js';

/**
 * Data versions: a counter per scope, bumped in the same transaction as a write. Caches key on them,
 * so every process (several behind one PostgreSQL) notices a change on its next read.
 */
export async function bumpVersion(db: DbOrTrx, clock: Clock, scope: string): Promise<void> {
  const now = clock.now().toISOString();
  await db
    .insertInto('data_versions')
    .values({ scope, version: 1, updated_at: now })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ version: sql`data_versions.version + 1`, updated_at: now }))
    .execute();
}

/** All versions as one string, e.g. "attraction:3|plan:12". One indexed read of a tiny table. */
export async function versionKey(db: Db): Promise<string> {
  const rows = await db.selectFrom('data_versions').select(['scope', 'version']).orderBy('scope').execute();
  return rows.map((r) => `${r.scope}:${r.version}`).join('|');
}
