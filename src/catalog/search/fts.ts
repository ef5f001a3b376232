/**
 * Text leaves of the query AST compiled to FTS5 MATCH text or a tsquery literal. Every token is
 * encoded (core/search/text.ts encodeToken) before it is placed, so the query language of FTS5 or
 * tsquery only ever sees alphanumeric words that this module wrote.
 */
import { sql, type RawBuilder } from 'kysely';
import { encodeToken } from '../../core/search/text.js';
import type { Db, Dialect } from '../../core/db/index.js';
import type { QueryNode, TextColumn } from './query.js';
import { chunkQuery } from './tokens.js';

/** Column weights: title and tags weigh more than the description; word-start tokens least. */
export const BM25_WEIGHTS = [10, 5, 1, 0.5] as const;
/** ts_rank weights in PostgreSQL's order {D, C, B, A} = {word starts, body, tags, title}. */
export const TS_RANK_WEIGHTS = '{0.05, 0.2, 0.5, 1.0}';

const FTS5_COLUMN: Record<TextColumn, string> = { any: '', title: 'title : ', body: 'body : ' };
const TS_WEIGHT: Record<TextColumn, string> = { any: '', title: ':A', body: ':C' };

/** Whether a subtree is text only, in a shape both FTS5 and tsquery can express (NOT only beside a positive term). */
export function isPureText(n: QueryNode): boolean {
  switch (n.kind) {
    case 'text':
      return true;
    case 'or':
      return n.items.every(isPureText);
    case 'and':
      return n.items.some((i) => i.kind !== 'not') && n.items.every((i) => (i.kind === 'not' ? isPureText(i.item) : isPureText(i)));
    default:
      return false;
  }
}

type TextNode = Extract<QueryNode, { kind: 'text' }>;

function textParts(n: TextNode): Array<{ phrase: string[]; start: string; prefix: boolean }> {
  if (!n.phrase) return n.chunks.map(chunkQuery);
  // A quoted phrase: the chunks' tokens in one run, starting at a word start.
  const tokens = n.chunks.flatMap((c) => (c.length === 1 ? [c[0]!] : chunkQuery(c).phrase));
  const first = chunkQuery(n.chunks[0]!);
  return [{ phrase: tokens, start: first.start, prefix: first.prefix }];
}

export function fts5Expression(n: QueryNode): string {
  switch (n.kind) {
    case 'text': {
      const col = FTS5_COLUMN[n.column];
      return textParts(n)
        .map((p) => {
          const start = p.prefix ? `ws : ${encodeToken(p.start)}*` : `ws : ${encodeToken(p.start)}`;
          return p.phrase.length ? `(${col}"${p.phrase.map(encodeToken).join(' ')}" AND ${start})` : `(${start})`;
        })
        .join(' AND ');
    }
    case 'or':
      return n.items.map((i) => `(${fts5Expression(i)})`).join(' OR ');
    case 'and': {
      const pos = n.items.filter((i) => i.kind !== 'not').map((i) => `(${fts5Expression(i)})`);
      const neg = n.items.filter((i): i is Extract<QueryNode, { kind: 'not' }> => i.kind === 'not').map((i) => ` NOT (${fts5Expression(i.item)})`);
      return `(${pos.join(' AND ')})${neg.join('')}`;
    }
    default:
      throw new Error(`not a text node: ${n.kind}`);
  }
}

/**
 * The tsquery of a text subtree. `forRank` leaves out the word-start tokens: they sit after the
 * text in the tsvector, and ts_rank would score their distance from the words it matched.
 */
export function tsQueryExpression(n: QueryNode, forRank = false): string {
  switch (n.kind) {
    case 'text': {
      const w = TS_WEIGHT[n.column];
      return textParts(n)
        .map((p) => {
          const start = p.prefix ? `'${encodeToken(p.start)}':*` : `'${encodeToken(p.start)}'`;
          if (!p.phrase.length) return `(${start})`;
          const phrase = `(${p.phrase.map((t) => `'${encodeToken(t)}'${w}`).join(' <-> ')})`;
          return forRank ? phrase : `(${phrase} & ${start})`;
        })
        .join(' & ');
    }
    case 'or':
      return n.items.map((i) => `(${tsQueryExpression(i, forRank)})`).join(' | ');
    case 'and': {
      const parts = n.items.map((i) => (i.kind === 'not' ? `!(${tsQueryExpression(i.item, forRank)})` : `(${tsQueryExpression(i, forRank)})`));
      return `(${parts.join(' & ')})`;
    }
    default:
      throw new Error(`not a text node: ${n.kind}`);
  }
}

/** The full-text match of a text subtree: every matching doc_no with a score (higher is better). */
export function textMatchQuery(dialect: Dialect, n: QueryNode): RawBuilder<{ d: number; s: number }> {
  if (dialect === 'sqlite') {
    const [t, g, b, w] = BM25_WEIGHTS;
    return sql<{ d: number; s: number }>`select rowid as d, -bm25(catalog_search_fts, ${sql.lit(t)}, ${sql.lit(g)}, ${sql.lit(b)}, ${sql.lit(w)}) as s from catalog_search_fts where catalog_search_fts match ${fts5Expression(n)}`;
  }
  return sql<{ d: number; s: number }>`select doc_no as d, ts_rank(${TS_RANK_WEIGHTS}::float4[], tsv, r) as s from catalog_search_docs, cast(${tsQueryExpression(n)} as tsquery) q, cast(${tsQueryExpression(n, true)} as tsquery) r where tsv @@ q`;
}

/**
 * PostgreSQL ranks at most this many matches by relevance: the newest (highest doc_no) that passed
 * the filters. ts_rank reads each document's tsvector from TOAST (~20 µs apiece), which made
 * ranking every match of a frequent word cost seconds at a million documents. Below this many hits
 * the order is exact; above it, relevance is approximate (early termination, as large Solr and
 * Elasticsearch setups do): the best of the newest RANK_WINDOW matches come first.
 */
export const RANK_WINDOW = 1000;

/** The floor the benchmark compares against: the same match, ordered by relevance, top `limit`, nothing else. */
export function textTopQuery(dialect: Dialect, n: QueryNode, limit: number): RawBuilder<{ d: number }> {
  if (dialect === 'sqlite') {
    const [t, g, b, w] = BM25_WEIGHTS;
    return sql<{ d: number }>`select rowid as d from catalog_search_fts where catalog_search_fts match ${fts5Expression(n)} order by bm25(catalog_search_fts, ${sql.lit(t)}, ${sql.lit(g)}, ${sql.lit(b)}, ${sql.lit(w)}) limit ${limit}`;
  }
  // The same ordering as a search: relevance among the newest RANK_WINDOW matches.
  return sql<{ d: number }>`select d from (select doc_no as d, tsv from catalog_search_docs where tsv @@ cast(${tsQueryExpression(n)} as tsquery) order by doc_no desc limit ${Math.max(RANK_WINDOW, 2 * limit)}) m, cast(${tsQueryExpression(n, true)} as tsquery) r order by ts_rank(${TS_RANK_WEIGHTS}::float4[], tsv, r) desc, d desc limit ${limit}`;
}

/** The benchmark's floor, run as a search runs it (on PostgreSQL under textPlan). */
export async function textTop(db: Db, dialect: Dialect, n: QueryNode, limit: number): Promise<number[]> {
  const run = async (x: Db) => (await textTopQuery(dialect, n, limit).execute(x)).rows.map((r) => r.d);
  return dialect === 'postgres' ? textPlan(db, run) : run(db);
}

/**
 * PostgreSQL: run full-text statements with sequential scans and JIT off and room for an exact
 * bitmap. Every tsvector read is a TOAST fetch and a decompression (~20 µs), so what counts is how
 * many rows are read: the planner prices `@@` as cheap and picks a sequential scan once a word is
 * frequent (500 ms against 30–90 ms through the GIN bitmap for 20,000 of 40,000 documents), and
 * with the default work_mem the bitmap of 550,000 hits in a million documents turns lossy, so
 * every row of those pages is rechecked (15 s against 0.7–1 s exact; EXPLAIN ANALYZE, BUFFERS).
 */
export async function textPlan<T>(db: Db, fn: (db: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`.execute(trx);
    return fn(trx as unknown as Db);
  });
}

/** PostgreSQL: every matching doc_no, unscored (one row: a row object per match costs more than the ints). */
export async function pgTextIds(db: Db, n: QueryNode): Promise<Int32Array> {
  const rows = (await sql<{ ids: string | null }>`select string_agg(doc_no::text, ',') as ids from catalog_search_docs where tsv @@ cast(${tsQueryExpression(n)} as tsquery)`.execute(db)).rows;
  return parseIds(rows[0]?.ids ?? '');
}

/** PostgreSQL: ts_rank of the given documents, those holding `phrase` counting double. */
export async function pgRank(db: Db, n: QueryNode, phrase: QueryNode | null, docNos: ArrayLike<number>): Promise<Array<{ d: number; s: number }>> {
  if (!docNos.length) return [];
  const rank = sql`ts_rank(${TS_RANK_WEIGHTS}::float4[], tsv, cast(${tsQueryExpression(n, true)} as tsquery))`;
  const score = phrase ? sql`${rank} * (case when tsv @@ cast(${tsQueryExpression(phrase)} as tsquery) then 2 else 1 end)` : rank;
  const list = `{${Array.from(docNos).join(',')}}`;
  return (await sql<{ d: number; s: number }>`select doc_no as d, ${score} as s from catalog_search_docs where doc_no = any(cast(${list} as int[]))`.execute(db)).rows;
}

export async function textMatches(db: Db, dialect: Dialect, n: QueryNode): Promise<{ docs: Int32Array; scores: Float64Array }> {
  const run = async (x: Db) => (await textMatchQuery(dialect, n).execute(x)).rows;
  const rows = dialect === 'postgres' ? await textPlan(db, run) : await run(db);
  const docs = new Int32Array(rows.length);
  const scores = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    docs[i] = rows[i]!.d;
    scores[i] = rows[i]!.s;
  }
  return { docs, scores };
}

/** SQLite: every matching doc_no without scoring (scoring all matches costs 2–3× the ordered top-k). */
export async function textIds(db: Db, n: QueryNode): Promise<Int32Array> {
  // One row holding every id as text: a row object per match cost 3–4× the match itself.
  const rows = (await sql<{ ids: string | null }>`select group_concat(rowid) as ids from catalog_search_fts where catalog_search_fts match ${fts5Expression(n)}`.execute(db)).rows;
  return parseIds(rows[0]?.ids ?? '');
}

/** "12,7,300" → Int32Array [12, 7, 300]. */
export function parseIds(text: string): Int32Array {
  if (!text) return new Int32Array(0);
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44) n++;
  const out = new Int32Array(n);
  let v = 0;
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44) {
      out[k++] = v;
      v = 0;
    } else v = v * 10 + (c - 48);
  }
  out[k] = v;
  return out;
}

/**
 * SQLite: the best `limit` matches with their scores, documents holding `phrase` counting double,
 * ordered by FTS5 itself (the same work as the benchmark's floor, plus the phrase set).
 */
export async function textTopScored(db: Db, n: QueryNode, phrase: QueryNode | null, limit: number): Promise<Array<{ d: number; s: number }>> {
  const [t, g, b, w] = BM25_WEIGHTS;
  const bm25 = sql`-bm25(catalog_search_fts, ${sql.lit(t)}, ${sql.lit(g)}, ${sql.lit(b)}, ${sql.lit(w)})`;
  const score = phrase
    ? sql`${bm25} * (case when rowid in (select rowid from catalog_search_fts where catalog_search_fts match ${fts5Expression(phrase)}) then 2 else 1 end)`
    : bm25;
  return (await sql<{ d: number; s: number }>`select rowid as d, ${score} as s from catalog_search_fts where catalog_search_fts match ${fts5Expression(n)} order by s desc limit ${limit}`.execute(db)).rows;
}
