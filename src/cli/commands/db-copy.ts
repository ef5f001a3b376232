import type Sqlite from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Config } from '../../core/config.js';
import { ConfigError, isPostgresUrl, validateDatabaseUrl } from '../../core/config.js';
import { openDatabase, type DatabaseHandle } from '../../core/db/index.js';
import { migrateToLatest } from '../../core/db/migrate.js';
import { connect, withDatabase } from '../db.js';
import { derivedIndexOf, type DerivedIndex } from '../derived.js';
import { CliError, EXIT, failure, refused, usageError } from '../exit.js';
import { maskUrl, note, out, table } from '../output.js';
import { progress } from '../progress.js';

export interface DbCopyOptions {
  to: string;
  /** Empty the target's Kabuto tables first (in the same transaction as the copy). */
  forceEmpty?: boolean;
  /** Rows per INSERT (capped so one statement stays under PostgreSQL's 65,535 parameters). */
  batchSize?: number;
}

export interface TablePlan {
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
  /** Search indexes rebuilt on the target after COMMIT. */
  rebuilt: { name: string; source: number; target: number }[];
  /** Tables only the target has, left as migrated. */
  targetOnly: string[];
  /** Tables emptied before the copy (rows the migrations put there, or everything with --force-empty). */
  emptied: string[];
}

const MIGRATION_TABLES = /^kysely_migration/;
const qi = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Move a SQLite installation to PostgreSQL.
 *
 * The rule that keeps it safe: a target that holds data is refused, before and after migrating it,
 * unless --force-empty is given. "Data" is any row other than those the migrations themselves insert
 * (compared with a freshly migrated database), so a target that was only migrated counts as empty.
 * Every table is copied in foreign-key order, in batches, in ONE PostgreSQL transaction; search
 * indexes are copied or rebuilt (derived.ts); serial sequences are moved past the copied ids; the
 * row counts of every table are compared before COMMIT. Any error or mismatch rolls everything
 * back, so the target ends either complete or as it was. The source is read inside one SQLite read
 * transaction: a consistent snapshot even if a server is still writing (stop it first, or its later
 * writes are not copied).
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
      const baseline = await migratedBaseline();
      // Refuse before migrating, so a wrong --to (an older installation) is left exactly as it was.
      if (!opts.forceEmpty) {
        const { withData } = await targetState(target.db as unknown as Kysely<any>, await kabutoTables(target.db as unknown as Kysely<any>), baseline);
        if (withData.length) throw notEmpty(withData);
      }
      for (const l of await migrateToLatest(target.db)) note(`target: ${l}`);
      const result = await copyDatabase(source, target, { ...opts, baseline });
      out(`copied ${maskUrl(config.databaseUrl)} -> ${maskUrl(opts.to)}`);
      if (result.emptied.length) out(`emptied first: ${result.emptied.join(', ')}`);
      out('');
      for (const l of countTable(result.counts)) out(l);
      out('');
      out(`sequences reset: ${result.sequences.map((s) => `${s.table}.${s.column} -> next ${s.next}`).join(', ') || 'none'}`);
      for (const r of result.rebuilt) out(`rebuilt after the copy: ${r.name}, ${r.target} entries (the source index had ${r.source})`);
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

const notEmpty = (tables: string[]) =>
  refused(`the target already holds data in: ${tables.join(', ')}`, [
    'nothing was written. Copy into an empty database (createdb), or pass --force-empty to delete',
    "every row of the target's Kabuto tables first, in the same transaction as the copy.",
  ]);

// --------------------------------------------------------------------------------------------- target state

/** A value as both drivers would agree on it (booleans as 0/1, dates as ISO text). */
const norm = (v: unknown) => (v === true ? 1 : v === false ? 0 : v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? v.toString('hex') : v);
const rowKeys = (rows: Record<string, unknown>[], cols: string[]) => rows.map((r) => JSON.stringify(cols.map((c) => norm(r[c])))).sort();

/** The rows the migrations alone put in each table, from a freshly migrated in-memory database. */
export async function migratedBaseline(): Promise<Map<string, { columns: string[]; rows: string[] }>> {
  const h = openDatabase('sqlite::memory:');
  try {
    await migrateToLatest(h.db);
    const lite = h.sqlite!;
    const out = new Map<string, { columns: string[]; rows: string[] }>();
    for (const { name } of lite.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' and sql not like 'create virtual%'`).all() as { name: string }[]) {
      if (MIGRATION_TABLES.test(name) || derivedIndexOf(name)) continue;
      const rows = lite.prepare(`select * from ${qi(name)}`).all() as Record<string, unknown>[];
      if (!rows.length) continue;
      const columns = Object.keys(rows[0]!);
      out.set(name, { columns, rows: rowKeys(rows, columns) });
    }
    return out;
  } finally {
    await h.close();
  }
}

/** Kabuto's tables in the target: every base table of the schema but the migration bookkeeping and the search indexes. */
async function kabutoTables(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  return r.rows.map((x) => x.table_name).filter((t) => !MIGRATION_TABLES.test(t) && !derivedIndexOf(t));
}

/** Which tables hold any row, and which hold more than the migrations put there. */
export async function targetState(db: Kysely<any>, tables: string[], baseline: Map<string, { columns: string[]; rows: string[] }>): Promise<{ nonEmpty: string[]; withData: string[] }> {
  const nonEmpty: string[] = [];
  const withData: string[] = [];
  for (const t of tables) {
    const r = await sql<{ has: boolean }>`select exists (select 1 from ${sql.table(t)}) as has`.execute(db);
    if (!r.rows[0]?.has) continue;
    nonEmpty.push(t);
    const base = baseline.get(t);
    let same = false;
    if (base) {
      try {
        const rows = await sql<Record<string, unknown>>`select ${sql.join(base.columns.map((c) => sql.ref(c)))} from ${sql.table(t)}`.execute(db);
        same = JSON.stringify(rowKeys(rows.rows, base.columns)) === JSON.stringify(base.rows);
      } catch {
        same = false; // an older shape of the table: treat as data
      }
    }
    if (!same) withData.push(t);
  }
  return { nonEmpty, withData };
}

// --------------------------------------------------------------------------------------------- the copy

export async function copyDatabase(
  source: DatabaseHandle,
  target: DatabaseHandle,
  opts: Pick<DbCopyOptions, 'forceEmpty' | 'batchSize'> & { baseline?: Map<string, { columns: string[]; rows: string[] }> } = {},
): Promise<CopyResult> {
  const lite = source.sqlite;
  if (!lite) throw failure('the source is not SQLite');
  const tdb = target.db as unknown as Kysely<any>;
  const baseline = opts.baseline ?? (await migratedBaseline());
  const schema = await readTargetSchema(tdb);
  const derivedInUse = new Set<DerivedIndex>();

  // What SQLite has. Virtual tables (FTS5) and their shadow tables have no PostgreSQL twin.
  const master = lite.prepare(`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by rowid`).all() as { name: string; sql: string | null }[];
  const virtual = master.filter((t) => /^\s*create\s+virtual\s+table/i.test(t.sql ?? '')).map((t) => t.name);
  const plans: TablePlan[] = [];
  for (const t of master) {
    if (MIGRATION_TABLES.test(t.name)) continue;
    const index = derivedIndexOf(t.name);
    if (index) {
      derivedInUse.add(index);
      continue;
    }
    if (virtual.includes(t.name) || virtual.some((v) => t.name.startsWith(`${v}_`))) {
      throw failure(`table ${t.name} is a SQLite-only search index that db copy does not know how to move; declare it in src/cli/derived.ts`);
    }
    const cols = schema.tables.get(t.name);
    if (!cols) throw failure(`table ${t.name} exists in SQLite but not in PostgreSQL after migrating; the schemas differ`);
    const columns = (lite.pragma(`table_info(${qi(t.name)})`) as { name: string }[]).map((c) => c.name);
    const missing = columns.filter((c) => !cols.insertable.has(c));
    if (missing.length) throw failure(`table ${t.name}: column(s) ${missing.join(', ')} exist in SQLite but not (or only generated) in PostgreSQL`);
    const required = [...cols.required].filter((c) => !columns.includes(c));
    if (required.length) throw failure(`table ${t.name}: PostgreSQL requires column(s) ${required.join(', ')} that SQLite lacks; if it is a search index, declare it in src/cli/derived.ts`);
    const pk = schema.primaryKeys.get(t.name) ?? [];
    const setAfter = pk.length ? (schema.selfRefs.get(t.name) ?? []).filter((c) => cols.nullable.has(c) && !pk.includes(c)) : [];
    plans.push({ name: t.name, columns, withoutRowid: /\)\s*without\s+rowid\s*;?\s*$/i.test(t.sql ?? ''), primaryKey: pk, setAfter });
  }
  const ordered = fkOrder(plans, schema.fks);
  const allTarget = [...schema.tables.keys()].filter((t) => !derivedIndexOf(t));
  const targetOnly = allTarget.filter((t) => !plans.some((p) => p.name === t)).sort();
  const deleteOrder = fkOrder(
    allTarget.map((name) => ({ name, columns: [] })),
    schema.fks,
  ).reverse();
  const inTrx = [...derivedInUse].filter((d) => d.copy);
  const afterCommit = [...derivedInUse].filter((d) => d.rebuild);

  // One read transaction on SQLite: counts and rows come from the same snapshot.
  lite.exec('begin');
  try {
    const sourceCounts = new Map(ordered.map((p) => [p.name, (lite.prepare(`select count(*) as n from ${qi(p.name)}`).get() as { n: number }).n]));
    const indexCounts = new Map([...derivedInUse].map((d) => [d, d.sourceCount(lite)]));
    const total = [...sourceCounts.values()].reduce((a, b) => a + b, 0) + inTrx.reduce((a, d) => a + (indexCounts.get(d) ?? 0), 0);

    const state = await targetState(tdb, allTarget, baseline);
    if (state.withData.length && !opts.forceEmpty) throw notEmpty(state.withData);

    const bar = progress('db copy', 'rows');
    let done = 0;
    bar.update(0, total);
    let result: CopyResult;
    try {
      result = await tdb.transaction().execute(async (trx) => {
        // Children first; DELETE rather than TRUNCATE, which would refuse a table referenced by one left alone.
        const emptied = deleteOrder.map((t) => t.name).filter((t) => state.nonEmpty.includes(t));
        for (const t of emptied) await trx.deleteFrom(t).execute();
        for (const p of ordered) {
          const before = done;
          done += await copyTable(lite, trx, p, opts.batchSize ?? 1000, (n) => bar.update(before + n, total));
        }
        const counts: TableCount[] = [];
        for (const p of ordered) {
          const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(p.name)}`.execute(trx);
          counts.push({ table: p.name, source: sourceCounts.get(p.name) ?? 0, target: Number(r.rows[0]?.n ?? 0) });
        }
        for (const d of inTrx) {
          const before = done;
          const n = await d.copy!(lite, trx, (k) => bar.update(before + k, total));
          done += indexCounts.get(d) ?? 0;
          counts.push({ table: `${d.name} (index)`, source: indexCounts.get(d) ?? 0, target: n });
        }
        const sequences = await resetSequences(trx, ordered.map((p) => p.name));
        if (counts.some((c) => c.source !== c.target)) throw new Mismatch(counts);
        return { counts, sequences, rebuilt: [], targetOnly, emptied: emptied.sort() };
      });
    } catch (err) {
      if (err instanceof Mismatch) {
        throw new CliError(EXIT.failure, 'row counts differ after the copy; it was rolled back and nothing was written to the target', countTable(err.counts));
      }
      throw err;
    } finally {
      bar.stop();
    }

    for (const d of afterCommit) {
      const source = indexCounts.get(d) ?? 0;
      // Nothing indexed on either side: the migrated, empty index already matches the source.
      if (source === 0 && (await d.targetCount(tdb)) === 0) continue;
      const rb = progress(`rebuild ${d.name}`, 'entries');
      try {
        const n = await d.rebuild!(target, (x, t) => rb.update(x, t));
        result.rebuilt.push({ name: d.name, source, target: n });
      } catch (err) {
        throw failure(`the records were copied and committed, but rebuilding the ${d.name} failed: ${(err as Error).message}`, [
          'the data on PostgreSQL is complete; the index is rebuilt when its module next reindexes',
        ]);
      } finally {
        rb.stop();
      }
    }
    return result;
  } finally {
    lite.exec('rollback');
  }
}

interface TargetSchema {
  tables: Map<string, { insertable: Set<string>; required: Set<string>; nullable: Set<string> }>;
  fks: { child: string; parent: string }[];
  selfRefs: Map<string, string[]>;
  primaryKeys: Map<string, string[]>;
}

/** What PostgreSQL has: tables and their columns, foreign keys, self-references, primary keys. */
async function readTargetSchema(db: Kysely<any>): Promise<TargetSchema> {
  const cols = await sql<{ table_name: string; column_name: string; is_generated: string; is_nullable: string; column_default: string | null; is_identity: string }>`
    select c.table_name, c.column_name, c.is_generated, c.is_nullable, c.column_default, c.is_identity
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = current_schema()`.execute(db);
  const tables: TargetSchema['tables'] = new Map();
  for (const r of cols.rows) {
    if (MIGRATION_TABLES.test(r.table_name)) continue;
    const t = tables.get(r.table_name) ?? { insertable: new Set<string>(), required: new Set<string>(), nullable: new Set<string>() };
    if (r.is_generated === 'NEVER') t.insertable.add(r.column_name);
    if (r.is_nullable === 'YES') t.nullable.add(r.column_name);
    else if (r.is_generated === 'NEVER' && r.column_default === null && r.is_identity !== 'YES') t.required.add(r.column_name);
    tables.set(r.table_name, t);
  }
  const fks = await sql<{ child: string; parent: string; column_name: string }>`
    select c1.relname as child, c2.relname as parent, a.attname as column_name
    from pg_constraint k
    join pg_class c1 on c1.oid = k.conrelid
    join pg_class c2 on c2.oid = k.confrelid
    join pg_namespace n on n.oid = c1.relnamespace
    join pg_attribute a on a.attrelid = c1.oid and a.attnum = any (k.conkey)
    where k.contype = 'f' and n.nspname = current_schema()`.execute(db);
  // A table that references itself (a merged company pointing at the one it became) may hold a row
  // whose parent comes later in rowid order: such nullable columns are inserted empty and set after.
  const selfRefs = new Map<string, string[]>();
  for (const f of fks.rows) if (f.child === f.parent) selfRefs.set(f.child, [...(selfRefs.get(f.child) ?? []), f.column_name]);
  const pks = await sql<{ table_name: string; column_name: string }>`
    select c.relname as table_name, a.attname as column_name
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = any (i.indkey)
    where i.indisprimary and n.nspname = current_schema()`.execute(db);
  const primaryKeys = new Map<string, string[]>();
  for (const p of pks.rows) primaryKeys.set(p.table_name, [...(primaryKeys.get(p.table_name) ?? []), p.column_name]);
  return { tables, fks: fks.rows.filter((f) => f.child !== f.parent).map(({ child, parent }) => ({ child, parent })), selfRefs, primaryKeys };
}

/** Parents before children; a table's own references are handled by `setAfter`. */
export function fkOrder<T extends { name: string }>(tables: T[], fks: { child: string; parent: string }[]): T[] {
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map(tables.map((t) => [t.name, new Set(fks.filter((f) => f.child === t.name && f.parent !== t.name && names.has(f.parent)).map((f) => f.parent))]));
  const out: T[] = [];
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

/** Copy one table in pages; returns the number of rows copied. */
async function copyTable(lite: Sqlite.Database, trx: Transaction<any>, p: TablePlan, batchSize: number, onRows: (n: number) => void): Promise<number> {
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
    if (!p.withoutRowid) after = rows[rows.length - 1]!.__kabuto_rowid as number;
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
  return copied;
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

