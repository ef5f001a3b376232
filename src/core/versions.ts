import { sql, type CompiledQuery } from 'kysely';
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

const compiled = new WeakMap<Db, CompiledQuery<{ scope: string; version: number }>>();

/**
 * All versions as one string, e.g. "attraction:3|plan:12". One indexed read of a tiny table on every
 * cached read, so the query is compiled once per database and only executed after that.
 */
export async function versionKey(db: Db): Promise<string> {
  let q = compiled.get(db);
  if (!q) {
    q = db.selectFrom('data_versions').select(['scope', 'version']).orderBy('scope').compile();
    compiled.set(db, q);
  }
  const { rows } = await db.executeQuery(q);
  let key = '';
  for (const r of rows) key += (key ? '|' : '') + r.scope + ':' + r.version;
  return key;
}
