/**
 * The catalog's side of the contract with the search engine (src/catalog/search/index.ts, owned by
 * the search work). Every dataset write tokenizes its search document before the transaction opens
 * and writes it inside the transaction; package_search and the search pages read through
 * searchDatasets.
 */
import type { Db, Dialect, Trx } from '../core/db/index.js';
import {
  deleteSearchDoc,
  ensureSearchIndex,
  prepareSearchDoc,
  reindexAll,
  searchDatasets,
  SearchError,
  SearchQueryError,
  writeSearchDoc,
  writeSearchDocs,
  type DatasetSearchDoc,
  type PreparedSearchDoc,
  type SearchParams,
  type SearchResult,
} from './search/index.js';

export type { DatasetSearchDoc, PreparedSearchDoc, SearchParams, SearchResult };
export { SearchError, SearchQueryError };

export function prepareDoc(doc: DatasetSearchDoc): PreparedSearchDoc {
  return prepareSearchDoc(doc);
}

export async function writeDoc(trx: Trx, dialect: Dialect, doc: PreparedSearchDoc): Promise<void> {
  await writeSearchDoc(trx, dialect, doc);
}

/** Many documents in one go (batched writes: a harvest page, an import). */
export async function writeDocs(trx: Trx, dialect: Dialect, docs: PreparedSearchDoc[]): Promise<void> {
  await writeSearchDocs(trx, dialect, docs);
}

export async function deleteDoc(trx: Trx, dialect: Dialect, id: string): Promise<void> {
  await deleteSearchDoc(trx, dialect, id);
}

export function search(db: Db, dialect: Dialect, p: SearchParams): Promise<SearchResult> {
  return searchDatasets(db, dialect, p);
}

export function reindex(deps: { db: Db; dialect: Dialect }, onProgress?: (done: number, total: number) => void): Promise<number> {
  return reindexAll(deps, onProgress);
}

/** At start-up: rebuild the index when another tokenizer built it (the engine decides). */
export function ensureIndex(deps: { db: Db; dialect: Dialect }): Promise<boolean> {
  return ensureSearchIndex(deps);
}

export type SearchFailure = { kind: 'query' | 'search'; message: string };

/** Classify an error from the engine: a bad query (CKAN "Search Query Error") or a search failure ("Search Error"). */
export function searchFailure(err: unknown): SearchFailure | null {
  if (err instanceof SearchQueryError) return { kind: 'query', message: err.message };
  if (err instanceof SearchError) return { kind: 'search', message: err.message };
  return null;
}

/** A highlight is the engine's HTML: escaped text with <mark> around matches. Anything else is refused. */
export function safeHighlight(html: string | undefined): string | undefined {
  if (!html) return undefined;
  return /</.test(html.replace(/<\/?mark>/g, '')) ? undefined : html;
}
