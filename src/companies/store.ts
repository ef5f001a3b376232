import { sql, type Insertable, type Updateable } from 'kysely';
import type { DbOrTrx, Dialect } from '../core/db/index.js';
import { matchPredicate, tsQuery } from '../core/search/fts.js';
import type { CompaniesTable, CompanyContactsTable } from './tables.js';

export type CompanyRow = CompaniesTable & { id: number };

export interface SearchFilters {
  phrases?: string[][];
  /** Exact name key: rows whose key equals it come first. */
  exactKey?: string | null;
  corporateNumber?: string;
  /** Leading digits of a corporate number. */
  corporateNumberPrefix?: string;
  jsicMajor?: string;
  jsicDivision?: string;
  country?: string;
  registeredInTokyo?: boolean;
  limit: number;
  offset: number;
}

/** Above this many matches a name search is not ordered by relevance (see searchText). */
export const RANK_AT_MOST = 1000;

/** Kysely queries of the companies domain. The service owns transactions and rules. */
export const companiesStore = {
  byId: (db: DbOrTrx, id: number) => db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst() as Promise<CompanyRow | undefined>,
  byIds: (db: DbOrTrx, ids: number[]) => (ids.length ? (db.selectFrom('companies').selectAll().where('id', 'in', ids).execute() as Promise<CompanyRow[]>) : Promise.resolve([] as CompanyRow[])),
  byCorporateNumber: (db: DbOrTrx, n: string) => db.selectFrom('companies').selectAll().where('corporate_number', '=', n).executeTakeFirst() as Promise<CompanyRow | undefined>,
  byCorporateNumbers: (db: DbOrTrx, ns: string[]) => (ns.length ? (db.selectFrom('companies').selectAll().where('corporate_number', 'in', ns).execute() as Promise<CompanyRow[]>) : Promise.resolve([] as CompanyRow[])),

  /** Live companies (not merged away) whose Japanese or English name key is one of keys. */
  async nearDuplicates(db: DbOrTrx, keys: string[], excludeId?: number): Promise<CompanyRow[]> {
    if (!keys.length) return [];
    const ids = (await companiesStore.idsByNameKeys(db, keys, 200)).filter((id) => id !== excludeId).slice(0, 20);
    return ids.length ? ((await db.selectFrom('companies').selectAll().where('id', 'in', ids as never[]).orderBy('id').execute()) as CompanyRow[]) : [];
  },

  /**
   * For each name key some company has, the lowest such live company (the import's warnings). The
   * keys are grouped on their indexes alone (no row reads); only the winners are read, to skip
   * merged-away ones and to name them.
   */
  async firstByNameKeys(db: DbOrTrx, keys: string[]): Promise<Map<string, { id: number; name: string }>> {
    const out = new Map<string, { id: number; name: string }>();
    for (let i = 0; i < keys.length; i += 500) {
      const part = keys.slice(i, i + 500);
      const firsts = await sql<{ k: string; id: number }>`
        select name_key_ja as k, min(id) as id from companies where name_key_ja in (${sql.join(part)}) group by name_key_ja
        union all
        select name_key_en as k, min(id) as id from companies where name_key_en in (${sql.join(part)}) group by name_key_en`.execute(db);
      if (!firsts.rows.length) continue;
      const ids = [...new Set(firsts.rows.map((r) => Number(r.id)))];
      const named = await db.selectFrom('companies').select(['id', 'name_ja', 'name_en', 'merged_into']).where('id', 'in', ids as never[]).execute();
      const live = new Map(named.filter((r) => r.merged_into === null).map((r) => [Number(r.id), r.name_ja ?? r.name_en ?? '']));
      for (const r of firsts.rows) {
        const name = live.get(Number(r.id));
        const prev = out.get(r.k);
        if (name !== undefined && (!prev || Number(r.id) < prev.id)) out.set(r.k, { id: Number(r.id), name });
      }
    }
    return out;
  },

  /**
   * Ids of live companies with one of the name keys, lowest first. Two lookups joined by UNION so
   * each uses its own index (with OR and an ORDER BY, SQLite walks a whole other index instead).
   */
  async idsByNameKeys(db: DbOrTrx, keys: string[], limit: number): Promise<number[]> {
    const rows = await db
      .selectFrom('companies')
      .select('id')
      .where('name_key_ja', 'in', keys)
      .where('merged_into', 'is', null)
      .union(db.selectFrom('companies').select('id').where('name_key_en', 'in', keys).where('merged_into', 'is', null))
      .execute();
    return rows
      .map((r) => Number(r.id))
      .sort((a, b) => a - b)
      .slice(0, limit);
  },

  insert: (db: DbOrTrx, row: Insertable<CompaniesTable>) => db.insertInto('companies').values(row).returningAll().executeTakeFirstOrThrow() as Promise<CompanyRow>,
  update: (db: DbOrTrx, id: number, set: Updateable<CompaniesTable>) => db.updateTable('companies').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as Promise<CompanyRow>,

  /** Write (or rewrite) a company's search document; `doc` is encoded tokens separated by spaces. */
  async writeSearch(db: DbOrTrx, dialect: Dialect, id: number, doc: string): Promise<void> {
    if (dialect === 'sqlite') {
      await sql`delete from company_search where rowid = ${id}`.execute(db);
      await sql`insert into company_search (rowid, doc) values (${id}, ${doc})`.execute(db);
    } else {
      await sql`insert into company_search (company_id, doc) values (${id}, to_tsvector('simple', ${doc}))
        on conflict (company_id) do update set doc = excluded.doc`.execute(db);
    }
  },

  /** Search documents of new companies (none has one yet), a few rows per statement. */
  async insertSearchMany(db: DbOrTrx, dialect: Dialect, docs: { id: number; doc: string }[]): Promise<void> {
    if (!docs.length) return;
    const rows = sql.join(docs.map((d) => (dialect === 'sqlite' ? sql`(${d.id}, ${d.doc})` : sql`(${d.id}, to_tsvector('simple', ${d.doc}))`)));
    if (dialect === 'sqlite') await sql`insert into company_search (rowid, doc) values ${rows}`.execute(db);
    else await sql`insert into company_search (company_id, doc) values ${rows}`.execute(db);
  },

  async deleteSearch(db: DbOrTrx, dialect: Dialect, id: number): Promise<void> {
    if (dialect === 'sqlite') await sql`delete from company_search where rowid = ${id}`.execute(db);
    else await sql`delete from company_search where company_id = ${id}`.execute(db);
  },

  /** One page of live companies matching the filters, and the total. */
  async search(db: DbOrTrx, dialect: Dialect, f: SearchFilters): Promise<{ total: number; rows: CompanyRow[] }> {
    const text = !!f.phrases?.length;
    const onlyText = text && !f.corporateNumber && !f.corporateNumberPrefix && !f.jsicMajor && !f.jsicDivision && !f.country && f.registeredInTokyo === undefined;
    if (onlyText) return companiesStore.searchText(db, dialect, f.phrases!, f.exactKey ?? null, f.limit, f.offset);
    const join = text ? (dialect === 'sqlite' ? sql`join company_search on company_search.rowid = c.id` : sql`join company_search on company_search.company_id = c.id`) : sql``;
    const conds = [sql`c.merged_into is null`];
    if (text) conds.push(matchPredicate(dialect, 'company_search', 'doc', f.phrases!));
    if (f.corporateNumber) conds.push(sql`c.corporate_number = ${f.corporateNumber}`);
    // A range over the unique index: '9' < ':' in every collation we use.
    if (f.corporateNumberPrefix) conds.push(sql`c.corporate_number >= ${f.corporateNumberPrefix} and c.corporate_number < ${f.corporateNumberPrefix + ':'}`);
    if (f.jsicMajor) conds.push(sql`c.jsic_major = ${f.jsicMajor}`);
    if (f.jsicDivision) conds.push(sql`c.jsic_division = ${f.jsicDivision}`);
    if (f.country) conds.push(sql`c.country = ${f.country}`);
    if (f.registeredInTokyo !== undefined) conds.push(sql`c.registered_in_tokyo = ${f.registeredInTokyo ? 1 : 0}`);
    const where = sql.join(conds, sql` and `);
    const count = await sql<{ n: number }>`select count(*) as n from companies c ${join} where ${where}`.execute(db);
    const total = Number(count.rows[0]?.n ?? 0);
    if (total === 0 || f.offset >= total) return { total, rows: [] };
    // Order: an exact name match first, then the index's relevance, then the listing order.
    const order: ReturnType<typeof sql>[] = [];
    if (f.exactKey) order.push(sql`case when c.name_key_ja = ${f.exactKey} or c.name_key_en = ${f.exactKey} then 0 else 1 end`);
    if (text) order.push(dialect === 'sqlite' ? sql`company_search.rank` : sql`ts_rank(company_search.doc, to_tsquery('simple', ${tsQuery(f.phrases!)})) desc`);
    order.push(sql`c.sort_key`, sql`c.id`);
    const rows = await sql<CompanyRow>`select c.* from companies c ${join} where ${where} order by ${sql.join(order, sql`, `)} limit ${f.limit} offset ${f.offset}`.execute(db);
    return { total, rows: rows.rows };
  },

  /**
   * A name search without other filters, answered from the index alone: a merged-away company has
   * no search entry, so the count needs no join (joining every match to companies costs ten times
   * the search on a broad query). Order: exact name-key matches first, then relevance (FTS5 rank,
   * ts_rank); only the page's rows are read from companies.
   */
  async searchText(db: DbOrTrx, dialect: Dialect, phrases: string[][], exactKey: string | null, limit: number, offset: number): Promise<{ total: number; rows: CompanyRow[] }> {
    const lite = dialect === 'sqlite';
    const match = matchPredicate(dialect, 'company_search', 'doc', phrases);
    const idCol = lite ? sql.ref('rowid') : sql.ref('company_id');
    const count = await sql<{ n: number }>`select count(*) as n from company_search where ${match}`.execute(db);
    const total = Number(count.rows[0]?.n ?? 0);
    if (total === 0 || offset >= total) return { total, rows: [] };
    let exact: number[] = [];
    if (exactKey) {
      const ids = await companiesStore.idsByNameKeys(db, [exactKey], 50);
      if (ids.length) {
        const hit = await sql<{ id: number }>`select ${idCol} as id from company_search where ${match} and ${idCol} in (${sql.join(ids)})`.execute(db);
        const inIndex = new Set(hit.rows.map((r) => Number(r.id)));
        exact = ids.filter((id) => inIndex.has(id));
      }
    }
    const page: number[] = exact.slice(offset, offset + limit);
    if (page.length < limit) {
      const skip = Math.max(0, offset - exact.length);
      const not = exact.length ? sql` and ${idCol} not in (${sql.join(exact)})` : sql``;
      // Relevance costs a few microseconds per match (bm25 reads each match's length and positions).
      // A broad query (a fragment found in thousands of names) lists newest registrations first
      // instead: its first page by relevance is a near-random pick among equally short names anyway.
      const order = total > RANK_AT_MOST ? sql`${idCol} desc` : lite ? sql`rank, rowid` : sql`ts_rank(doc, to_tsquery('simple', ${tsQuery(phrases)})) desc, company_id`;
      const ranked = await sql<{ id: number }>`select ${idCol} as id from company_search where ${match}${not} order by ${order} limit ${limit - page.length} offset ${skip}`.execute(db);
      page.push(...ranked.rows.map((r) => Number(r.id)));
    }
    const rows = page.length ? ((await db.selectFrom('companies').selectAll().where('id', 'in', page).execute()) as CompanyRow[]) : [];
    const byId = new Map<number, CompanyRow>(rows.map((r) => [Number(r.id), r]));
    return { total, rows: page.map((id) => byId.get(id)).filter((r): r is CompanyRow => !!r) };
  },

  /** The naive scan the benchmark compares against: LIKE '%…%' over names and kana. */
  async likeScan(db: DbOrTrx, needle: string, limit: number): Promise<{ total: number; rows: CompanyRow[] }> {
    const pat = `%${needle.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    const where = sql`c.merged_into is null and (c.name_ja like ${pat} escape '\\' or c.name_en like ${pat} escape '\\' or c.kana like ${pat} escape '\\')`;
    const count = await sql<{ n: number }>`select count(*) as n from companies c where ${where}`.execute(db);
    const rows = await sql<CompanyRow>`select c.* from companies c where ${where} order by c.sort_key, c.id limit ${limit}`.execute(db);
    return { total: Number(count.rows[0]?.n ?? 0), rows: rows.rows };
  },

  /** Companies merged into `id` (directly; chains are flattened on merge). */
  mergedInto: (db: DbOrTrx, id: number) => db.selectFrom('companies').select(['id']).where('merged_into', '=', id).execute(),

  contacts: (db: DbOrTrx, companyId: number) => db.selectFrom('company_contacts').selectAll().where('company_id', '=', companyId).orderBy('id').execute(),
  contact: (db: DbOrTrx, id: number) => db.selectFrom('company_contacts').selectAll().where('id', '=', id).executeTakeFirst(),
  insertContact: (db: DbOrTrx, row: Insertable<CompanyContactsTable>) => db.insertInto('company_contacts').values(row).returningAll().executeTakeFirstOrThrow(),
  updateContact: (db: DbOrTrx, id: number, set: Updateable<CompanyContactsTable>) => db.updateTable('company_contacts').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  deleteContact: (db: DbOrTrx, id: number) => db.deleteFrom('company_contacts').where('id', '=', id).execute(),
};
