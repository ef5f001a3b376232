import type Sqlite from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Config } from '../../core/config.js';
import { ConfigError, isPostgresUrl, validateDatabaseUrl } from '../../core/config.js';
import { openDatabase, type DatabaseHandle } from '../../core/db/index.js';
import { migrateToLatest } from '../../core/db/migrate.js';
import { connect, withDatabase } from '../db.js';
import { CliError, EXIT, failure, refused, usageError } from '../exit.js';
import { maskUrl, note, out, table } from '../output.js';
import { progress, type Progress } from '../progress.js';

export interface DbCopyOptions {
  to: string;
  /** Empty the target's Kabuto tables first (in the same transaction as the copy). */
  forceEmpty?: boolean;
  /** Rows per INSERT (capped so one statement stays under PostgreSQL's 65,535 parameters). */
  batchSize?: number;
}

interface TablePlan {
  name: string;
  columns: string[];
  withoutRowid?: boolean;
  primaryKey?: string[];
  /** Self-referencing columns inserted as null and set once the whole table is in. */
  setAfter?: string[];
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyResult {
  counts: TableCount[];
  sequences: { table: string; column: string; next: number }[];
  /** SQLite-only tables (FTS5 virtual tables and their shadow tables): a search index is rebuilt, not copied. */
  skipped: string[];
  /** Tables only the target has, left as migrated. */
  targetOnly: string[];
  emptied: string[];
}

const MIGRATION_TABLES = /^kysely_migration/;
const qi = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Move a SQLite installation to PostgreSQL.
 *
 * The rule that keeps it safe: the target is migrated, then refused if any Kabuto table in it holds a
 * row, unless --force-empty is given; then those tables are emptied inside the copy's transaction.
 * Every table is copied in foreign-key order, in batches, in ONE PostgreSQL transaction; the serial
 * sequences are moved past the copied ids, and the row counts of every table are compared before
 * COMMIT. Any error or mismatch rolls everything back, so the target ends either complete or as it was.
 * The source is read inside one SQLite read transaction: a consistent snapshot even if a server is
 * still writing (writes after the snapshot are not copied; stop the server first).
 */
export async function dbCopyCommand(config: Config, opts: DbCopyOptions): Promise<void> {
  if (!config.databaseUrl.startsWith('sqlite:')) {
    throw usageError(`db copy reads a SQLite installation, but DATABASE_URL is ${maskUrl(config.databaseUrl)}`, ['to copy between PostgreSQL databases use pg_dump | pg_restore']);
  }
  try {
    validateDatabaseUrl(opts.to, '--to');
  } catch (err) {
    if (err instanceof ConfigError) throw usageError(err.message);
    throw err;
  }
  if (!isPostgresUrl(opts.to)) throw usageError(`--to must be a postgres:// URL, got ${maskUrl(opts.to)}`);

  await withDatabase(config, { mustExist: true, migrate: true, onMigrated: (l) => l.forEach((x) => note(`source: ${x}`)) }, async (source) => {
    const target = openDatabase(opts.to, { poolSize: 2 });
    try {
      await connect(target);
      // Refuse before migrating, so a wrong --to (an older installation) is left exactly as it was.
      if (!opts.forceEmpty) {
        const busy = await tablesWithRows(target.db as unknown as Kysely<any>);
        if (busy.length) throw notEmpty(busy);
      }
      for (const l of await migrateToLatest(target.db)) note(`target: ${l}`);
      const result = await copyDatabase(source, target, opts);
      out(`copied ${maskUrl(config.databaseUrl)} -> ${maskUrl(opts.to)}`);
      if (result.emptied.length) out(`emptied first (--force-empty): ${result.emptied.join(', ')}`);
      out('');
      for (const l of countTable(result.counts)) out(l);
      out('');
      out(`sequences reset: ${result.sequences.map((s) => `${s.table}.${s.column} -> next ${s.next}`).join(', ') || 'none'}`);
      if (result.skipped.length) out(`not copied (SQLite-only search index tables, rebuilt by their module): ${result.skipped.join(', ')}`);
      if (result.targetOnly.length) out(`only in the target, left as migrated: ${result.targetOnly.join(', ')}`);
      out('row counts match: the copy is complete');
      note(`next: run with DATABASE_URL=${maskUrl(opts.to)} and SESSION_SECRET set (at least 32 characters; the one in ${config.dataDir}/session-secret may be reused).`);
    } finally {
      await target.close();
    }
  });
}

export function countTable(counts: TableCount[]): string[] {
  return table(
    ['table', 'sqlite', 'postgres', 'check'],
    counts.map((c) => [c.table, c.source, c.target, c.source === c.target ? 'ok' : 'MISMATCH']),
  );
}

class Mismatch extends Error {
  constructor(readonly counts: TableCount[]) {
    super('row counts differ');
  }
}

export async function copyDatabase(source: DatabaseHandle, target: DatabaseHandle, opts: Pick<DbCopyOptions, 'forceEmpty' | 'batchSize'> = {}): Promise<CopyResult> {
  const lite = source.sqlite;
  if (!lite) throw failure('the source is not SQLite');
  const tdb = target.db as unknown as Kysely<any>;

  // What PostgreSQL has: tables, insertable columns, foreign keys.
  const targetCols = await sql<{ table_name: string; column_name: string; is_generated: string; is_nullable: string }>`
    select c.table_name, c.column_name, c.is_generated, c.is_nullable
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = current_schema()`.execute(tdb);
  const targetTables = new Map<string, Set<string>>();
  const nullable = new Set<string>();
  for (const r of targetCols.rows) {
    if (MIGRATION_TABLES.test(r.table_name)) continue;
    const set = targetTables.get(r.table_name) ?? new Set<string>();
    if (r.is_generated === 'NEVER') set.add(r.column_name);
    if (r.is_nullable === 'YES') nullable.add(`${r.table_name}.${r.column_name}`);
    targetTables.set(r.table_name, set);
  }
  // A table that references itself (a merged company pointing at the one it became) may hold a row
  // whose parent comes later in rowid order: such nullable columns are inserted empty and set after.
  const selfRefCols = await sql<{ table_name: string; column_name: string }>`
    select c.relname as table_name, a.attname as column_name
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = any (k.conkey)
    where k.contype = 'f' and k.conrelid = k.confrelid and n.nspname = current_schema()`.execute(tdb);
  const primaryKeys = await sql<{ table_name: string; column_name: string }>`
    select c.relname as table_name, a.attname as column_name
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = any (i.indkey)
    where i.indisprimary and n.nspname = current_schema()`.execute(tdb);
  const colsOf = (rows: { table_name: string; column_name: string }[], t: string) => rows.filter((r) => r.table_name === t).map((r) => r.column_name);
  const fks = await sql<{ child: string; parent: string }>`
    select c1.relname as child, c2.relname as parent
    from pg_constraint k
    join pg_class c1 on c1.oid = k.conrelid
    join pg_class c2 on c2.oid = k.confrelid
    join pg_namespace n on n.oid = c1.relnamespace
    where k.contype = 'f' and n.nspname = current_schema()`.execute(tdb);

  // What SQLite has. Virtual tables (FTS5) and their shadow tables have no PostgreSQL twin.
  const master = lite.prepare(`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by rowid`).all() as { name: string; sql: string | null }[];
  const virtual = master.filter((t) => /^\s*create\s+virtual\s+table/i.test(t.sql ?? '')).map((t) => t.name);
  const isSqliteOnly = (name: string) => virtual.includes(name) || virtual.some((v) => name.startsWith(`${v}_`));
  const skipped: string[] = [];
  const plans: TablePlan[] = [];
  for (const t of master) {
    if (MIGRATION_TABLES.test(t.name)) continue;
    // A virtual table's rows cannot be inserted as they are: the search index is rebuilt, not copied.
    if (isSqliteOnly(t.name)) {
      skipped.push(t.name);
      continue;
    }
    const cols = targetTables.get(t.name);
    if (!cols) throw failure(`table ${t.name} exists in SQLite but not in PostgreSQL after migrating; the schemas differ`);
    const columns = (lite.pragma(`table_info(${qi(t.name)})`) as { name: string }[]).map((c) => c.name);
    const missing = columns.filter((c) => !cols.has(c));
    if (missing.length) throw failure(`table ${t.name}: column(s) ${missing.join(', ')} exist in SQLite but not (or only generated) in PostgreSQL`);
    const pk = colsOf(primaryKeys.rows, t.name);
    const later = pk.length ? colsOf(selfRefCols.rows, t.name).filter((c) => nullable.has(`${t.name}.${c}`) && !pk.includes(c)) : [];
    plans.push({ name: t.name, columns, withoutRowid: /\)\s*without\s+rowid\s*;?\s*$/i.test(t.sql ?? ''), primaryKey: pk, setAfter: later });
  }
  const ordered = fkOrder(
    plans,
    fks.rows.filter((r) => r.child !== r.parent),
  );
  const targetOnly = [...targetTables.keys()].filter((t) => !plans.some((p) => p.name === t)).sort();

  // One read transaction on SQLite: counts and rows come from the same snapshot.
  lite.exec('begin');
  try {
    const sourceCounts = new Map(ordered.map((p) => [p.name, (lite.prepare(`select count(*) as n from ${qi(p.name)}`).get() as { n: number }).n]));
    const total = [...sourceCounts.values()].reduce((a, b) => a + b, 0);

    const nonEmpty = await tablesWithRows(tdb);
    if (nonEmpty.length && !opts.forceEmpty) throw notEmpty(nonEmpty);

    const bar = progress('db copy', 'rows');
    let done = 0;
    bar.update(0, total);
    try {
      return await tdb.transaction().execute(async (trx) => {
        const emptied: string[] = [];
        if (nonEmpty.length) {
          // No CASCADE: if a table outside Kabuto's references these, fail rather than empty it too.
          await sql`truncate table ${sql.join([...targetTables.keys()].map((t) => sql.table(t)))} restart identity`.execute(trx);
          emptied.push(...nonEmpty);
        }
        for (const p of ordered) {
          done = await copyTable(lite, trx, p, opts.batchSize ?? 1000, (n) => bar.update(done + n, total), done);
        }
        const sequences = await resetSequences(trx, ordered.map((p) => p.name));
        const counts: TableCount[] = [];
        for (const p of ordered) {
          const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(p.name)}`.execute(trx);
          counts.push({ table: p.name, source: sourceCounts.get(p.name) ?? 0, target: Number(r.rows[0]?.n ?? 0) });
        }
        if (counts.some((c) => c.source !== c.target)) throw new Mismatch(counts);
        return { counts, sequences, skipped, targetOnly, emptied };
      });
    } catch (err) {
      if (err instanceof Mismatch) {
        throw new CliError(EXIT.failure, 'row counts differ after the copy; it was rolled back and nothing was written to the target', countTable(err.counts));
      }
      throw err;
    } finally {
      bar.stop();
    }
  } finally {
    lite.exec('rollback');
  }
}

/** Kabuto's tables in the target (every base table of the schema but the migration bookkeeping) that hold a row. */
export async function tablesWithRows(db: Kysely<any>): Promise<string[]> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const out: string[] = [];
  for (const { table_name: t } of tables.rows) {
    if (MIGRATION_TABLES.test(t)) continue;
    const r = await sql<{ has: boolean }>`select exists (select 1 from ${sql.table(t)}) as has`.execute(db);
    if (r.rows[0]?.has) out.push(t);
  }
  return out;
}

const notEmpty = (tables: string[]) =>
  refused(`the target already holds data in: ${tables.join(', ')}`, [
    'nothing was written. Copy into an empty database (createdb), or pass --force-empty to delete',
    "every row of the target's Kabuto tables first, in the same transaction as the copy.",
  ]);

/** Parents before children; a table's own references are satisfied by copying in rowid order. */
export function fkOrder(tables: TablePlan[], fks: { child: string; parent: string }[]): TablePlan[] {
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map(tables.map((t) => [t.name, new Set(fks.filter((f) => f.child === t.name && names.has(f.parent)).map((f) => f.parent))]));
  const out: TablePlan[] = [];
  const placed = new Set<string>();
  while (out.length < tables.length) {
    const next = tables.find((t) => !placed.has(t.name) && [...parents.get(t.name)!].every((p) => placed.has(p)));
    if (!next) {
      const left = tables.filter((t) => !placed.has(t.name)).map((t) => t.name);
      throw failure(`cannot order the tables for copying: their foreign keys form a cycle among ${left.join(', ')}`);
    }
    out.push(next);
    placed.add(next.name);
  }
  return out;
}

async function copyTable(lite: Sqlite.Database, trx: Transaction<any>, p: TablePlan, batchSize: number, onRows: (n: number) => void, doneBefore: number): Promise<number> {
  const perInsert = Math.max(1, Math.min(batchSize, Math.floor(60_000 / Math.max(1, p.columns.length))));
  const cols = p.columns.map(qi).join(', ');
  // Keyset pages on rowid; a WITHOUT ROWID table pages by offset in primary-key order (the read
  // transaction keeps the offsets stable).
  const select = p.withoutRowid
    ? lite.prepare(`select ${cols} from ${qi(p.name)} order by ${pkOrder(lite, p.name)} limit ? offset ?`)
    : lite.prepare(`select rowid as "__kabuto_rowid", ${cols} from ${qi(p.name)} where rowid > ? order by rowid limit ?`);
  let after = Number.MIN_SAFE_INTEGER;
  let copied = 0;
  const setAfter = p.setAfter ?? [];
  const pending: { key: Record<string, unknown>; set: Record<string, unknown> }[] = [];
  for (;;) {
    const rows = (p.withoutRowid ? select.all(perInsert, copied) : select.all(after, perInsert)) as Record<string, unknown>[];
    if (rows.length === 0) break;
    after = p.withoutRowid ? copied + rows.length : (rows[rows.length - 1]!.__kabuto_rowid as number);
    const values = rows.map((r) => {
      const v: Record<string, unknown> = {};
      for (const c of p.columns) v[c] = r[c];
      const deferred = setAfter.filter((c) => v[c] !== null && v[c] !== undefined);
      if (deferred.length) {
        pending.push({ key: Object.fromEntries(p.primaryKey!.map((k) => [k, v[k]])), set: Object.fromEntries(deferred.map((c) => [c, v[c]])) });
        for (const c of deferred) v[c] = null;
      }
      return v;
    });
    try {
      await trx.insertInto(p.name).values(values).execute();
    } catch (err) {
      throw failure(`copying ${p.name} (rows ${copied + 1}-${copied + rows.length}): ${(err as Error).message}`, ['the copy was rolled back; nothing was written to the target']);
    }
    copied += rows.length;
    onRows(copied);
  }
  for (const u of pending) {
    let q = trx.updateTable(p.name).set(u.set);
    for (const [k, v] of Object.entries(u.key)) q = q.where(k, '=', v);
    await q.execute();
  }
  return doneBefore + copied;
}

function pkOrder(lite: Sqlite.Database, table: string): string {
  const info = lite.pragma(`table_info(${qi(table)})`) as { name: string; pk: number }[];
  const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  return (pk.length ? pk : info).map((c) => qi(c.name)).join(', ');
}

/** Move each serial/identity sequence past the largest copied id, so the next insert gets a fresh one. */
async function resetSequences(trx: Transaction<any>, tables: string[]): Promise<{ table: string; column: string; next: number }[]> {
  const cols = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and (column_default like 'nextval(%' or is_identity = 'YES')
    order by table_name, column_name`.execute(trx);
  const out: { table: string; column: string; next: number }[] = [];
  for (const c of cols.rows) {
    if (!tables.includes(c.table_name)) continue;
    const seq = await sql<{ seq: string | null }>`select pg_get_serial_sequence(${qi(c.table_name)}, ${c.column_name}) as seq`.execute(trx);
    const name = seq.rows[0]?.seq;
    if (!name) continue;
    const r = await sql<{ next: number }>`
      select setval(${name}::regclass, (select coalesce(max(${sql.ref(c.column_name)}), 0) + 1 from ${sql.table(c.table_name)}), false) as next`.execute(trx);
    out.push({ table: c.table_name, column: c.column_name, next: Number(r.rows[0]?.next) });
  }
  return out;
}
