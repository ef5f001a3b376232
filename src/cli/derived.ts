import type Sqlite from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseHandle, DbOrTrx } from '../core/db/index.js';
import { companiesStore } from '../companies/store.js';
import { matchingStore } from '../matching/store.js';
import { reindex } from '../catalog/search-port.js';

/**
 * Search indexes whose tables differ between the dialects (an FTS5 virtual table on SQLite, a
 * tsvector table on PostgreSQL), so `db copy` cannot move their rows as they are. Each says which
 * tables it owns and how to fill them on PostgreSQL: inside the copy's transaction when the source
 * index can be read back, else rebuilt from the copied records after COMMIT.
 *
 * A table that is neither copyable nor claimed here stops `db copy` before it writes anything.
 */
export interface DerivedIndex {
  name: string;
  owns(table: string): boolean;
  /** Entries in the SQLite index. */
  sourceCount(lite: Sqlite.Database): number;
  /** Entries in the PostgreSQL index (a --force-empty target may hold an old one). */
  targetCount(db: Kysely<any>): Promise<number>;
  /** Copy the entries inside the copy's transaction; returns how many the target then holds. */
  copy?(lite: Sqlite.Database, trx: Transaction<any>, onRows: (n: number) => void): Promise<number>;
  /** Rebuild on the target after COMMIT; returns how many entries were written. */
  rebuild?(target: DatabaseHandle, onProgress: (done: number, total: number) => void): Promise<number>;
}

const tableExists = (lite: Sqlite.Database, name: string) => !!lite.prepare(`select 1 from sqlite_master where name = ?`).get(name);
const pgCount = async (db: Kysely<any>, table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]?.n ?? 0);
const countOf = (lite: Sqlite.Database, table: string) => (tableExists(lite, table) ? (lite.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n : 0);


/** Copy an FTS5 index with content (rowid = record id, one `doc` column) row by row through the owner's writer. */
function readBackFts(table: string, write: (trx: DbOrTrx, id: number, doc: string) => Promise<void>): NonNullable<DerivedIndex['copy']> {
  return async (lite, trx, onRows) => {
    if (!tableExists(lite, table)) return 0;
    const page = lite.prepare(`select rowid as id, doc from "${table}" where rowid > ? order by rowid limit 500`);
    let after = Number.MIN_SAFE_INTEGER;
    let n = 0;
    for (;;) {
      const rows = page.all(after) as { id: number; doc: string }[];
      if (!rows.length) break;
      for (const r of rows) await write(trx as unknown as DbOrTrx, r.id, r.doc);
      n += rows.length;
      after = rows[rows.length - 1]!.id;
      onRows(n);
    }
    return pgCount(trx, table);
  };
}

export const DERIVED_INDEXES: DerivedIndex[] = [
  {
    // FTS5 with content: the encoded bigram document of each company can be read back (rowid = company id).
    name: 'company name index',
    owns: (t) => t === 'company_search' || t.startsWith('company_search_'),
    sourceCount: (lite) => countOf(lite, 'company_search'),
    targetCount: (db) => pgCount(db, 'company_search'),
    copy: readBackFts('company_search', (trx, id, doc) => companiesStore.writeSearch(trx, 'postgres', id, doc)),
  },
  {
    // FTS5 with content: each marketplace card's encoded bigram document reads back (rowid = card id).
    name: 'matching card index',
    owns: (t) => t === 'matching_card_search' || t.startsWith('matching_card_search_'),
    sourceCount: (lite) => countOf(lite, 'matching_card_search'),
    targetCount: (db) => pgCount(db, 'matching_card_search'),
    copy: readBackFts('matching_card_search', (trx, id, doc) => matchingStore.writeSearch(trx, 'postgres', id, doc)),
  },
  {
    // Contentless FTS5: the tokens cannot be read back, so the index is rebuilt from the catalog's tables.
    name: 'catalog search index',
    owns: (t) => t.startsWith('catalog_search_'),
    sourceCount: (lite) => countOf(lite, 'catalog_search_docs'),
    targetCount: (db) => pgCount(db, 'catalog_search_docs'),
    async rebuild(target, onProgress) {
      return reindex({ db: target.db, dialect: target.dialect }, onProgress);
    },
  },
];

export const derivedIndexOf = (table: string) => DERIVED_INDEXES.find((d) => d.owns(table));
