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

/** The floor the benchmark compares against: the same match, ordered by relevance, top `limit`, nothing else. */
export function textTopQuery(dialect: Dialect, n: QueryNode, limit: number): RawBuilder<{ d: number }> {
  if (dialect === 'sqlite') {
    const [t, g, b, w] = BM25_WEIGHTS;
    return sql<{ d: number }>`select rowid as d from catalog_search_fts where catalog_search_fts match ${fts5Expression(n)} order by bm25(catalog_search_fts, ${sql.lit(t)}, ${sql.lit(g)}, ${sql.lit(b)}, ${sql.lit(w)}) limit ${limit}`;
  }
  return sql<{ d: number }>`select doc_no as d from catalog_search_docs, cast(${tsQueryExpression(n)} as tsquery) q, cast(${tsQueryExpression(n, true)} as tsquery) r where tsv @@ q order by ts_rank(${TS_RANK_WEIGHTS}::float4[], tsv, r) desc limit ${limit}`;
}

export async function textMatches(db: Db, dialect: Dialect, n: QueryNode): Promise<{ docs: Int32Array; scores: Float64Array }> {
  const rows = (await textMatchQuery(dialect, n).execute(db)).rows;
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
  const rows = (await sql<{ d: number }>`select rowid as d from catalog_search_fts where catalog_search_fts match ${fts5Expression(n)}`.execute(db)).rows;
  return Int32Array.from(rows, (r) => r.d);
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
