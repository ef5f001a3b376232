import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../db/index.js';
import { encodeToken } from './text.js';

/**
 * Query builders over encoded tokens (see text.ts). Every token is encoded before it is placed in the
 * query, so the query language of FTS5 or tsquery only ever sees alphanumeric words.
 */

/** FTS5 MATCH expression: each phrase a quoted run of tokens, all phrases required. */
export function fts5Match(phrases: string[][], mode: 'and' | 'or' = 'and'): string {
  return phrases
    .filter((p) => p.length)
    .map((p) => `"${p.map(encodeToken).join(' ')}"`)
    .join(mode === 'and' ? ' AND ' : ' OR ');
}

/** tsquery text: each phrase tokens joined by <-> (followed by), phrases joined by & or |. */
export function tsQuery(phrases: string[][], mode: 'and' | 'or' = 'and'): string {
  return phrases
    .filter((p) => p.length)
    .map((p) => `(${p.map(encodeToken).join(' <-> ')})`)
    .join(mode === 'and' ? ' & ' : ' | ');
}

/** A predicate that the document column matches all phrases, for either dialect. */
export function matchPredicate(dialect: Dialect, table: string, column: string, phrases: string[][], mode: 'and' | 'or' = 'and'): RawBuilder<boolean> {
  if (dialect === 'sqlite') return sql<boolean>`${sql.ref(table)} match ${fts5Match(phrases, mode)}`;
  return sql<boolean>`${sql.ref(`${table}.${column}`)} @@ to_tsquery('simple', ${tsQuery(phrases, mode)})`;
}
