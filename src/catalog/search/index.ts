/**
 * Japanese full-text search for the open data catalog: the contract the catalog calls.
 *
 * Writes: prepareSearchDoc tokenizes (before any transaction opens), writeSearchDoc/deleteSearchDoc
 * run inside the catalog's own transaction, so the index never drifts from the datasets.
 * Reads: searchDatasets parses CKAN's q/fq (query.ts), matches text in FTS5 or tsvector (fts.ts),
 * filters, counts facets and sorts over in-memory arrays refreshed by data version (memory.ts), and
 * highlights from the tokenizer's offsets (highlight.ts). See docs/catalog-search.md.
 */
import { sql } from 'kysely';
import type { Db, Dialect, Trx } from '../../core/db/index.js';
import { encodeToken, normalize } from '../../core/search/text.js';
import { TOKENIZER_ID } from './analyzer.js';
import { SearchError, SearchQueryError } from './errors.js';
import { RANK_WINDOW, isPureText, pgRank, pgTextIds, textIds, textMatches, textPlan, textTopScored } from './fts.js';
import { highlight } from './highlight.js';
import { STATE_CODE, memoryFor, type MultiField, type SearchMemory, type SingleField } from './memory.js';
import { parseQuery, type QueryNode } from './query.js';
import { addFieldTokens, type TokenSink, type WordStartFn } from './tokens.js';
import { catalogDocSource, type SearchDocSource } from './source.js';
import { DomainError } from '../../core/errors.js';
import { systemClock } from '../../core/clock.js';
import { withLease } from '../../core/lease.js';

export { SearchError, SearchQueryError } from './errors.js';
export { TOKENIZER_ID } from './analyzer.js';

export interface DatasetSearchDoc {
  id: string;
  name: string;
  title: string;
  notes: string;
  tags: string[];
  /** Organization name (slug). */
  organization: string | null;
  groups: string[];
  resFormats: string[];
  resNames: string[];
  resDescriptions: string[];
  licenseId: string | null;
  private: boolean;
  state: 'active' | 'draft' | 'deleted';
  metadataCreated: string;
  metadataModified: string;
  extras: Record<string, string>;
  author: string | null;
  maintainer: string | null;
}

/** Opaque to callers: the document with its tokens computed. */
export interface PreparedSearchDoc {
  readonly doc: DatasetSearchDoc;
  /** Encoded tokens, space-separated, per FTS5 column. */
  readonly title: string;
  readonly tags: string;
  readonly body: string;
  readonly ws: string;
  /** The same tokens as a PostgreSQL tsvector literal with weights and positions. */
  readonly tsv: string;
}

export interface SearchParams {
  q?: string;
  fq?: string;
  fqList?: string[];
  facetFields: string[];
  /** -1 = all */
  facetLimit: number;
  facetMinCount: number;
  rows: number;
  start: number;
  sort?: string;
  visibility: { includePrivate: boolean; orgs: 'all' | string[] };
  includeDrafts?: boolean;
  includeDeleted?: boolean;
}

export interface SearchResult {
  count: number;
  ids: string[];
  facets: Record<string, Record<string, number>>;
  highlights: Record<string, { title?: string; notes?: string }>;
}

// Token caps per column. PostgreSQL tsvector positions stop at 16,383; all four together stay below it.
const CAP = { title: 400, tags: 800, body: 11_000, ws: 4_000 } as const;
/** Stored text for highlights. */
const STORED_NOTES = 4_000;
/** PostgreSQL keeps at most 256 positions per lexeme. */
const MAX_POSITIONS = 255;

// ---------------------------------------------------------------------------------------------- write

/** Tokenize a document. Call it before the write transaction opens: the analyzer is not free. */
export function prepareSearchDoc(doc: DatasetSearchDoc): PreparedSearchDoc {
  return prepareWith(doc);
}

/** prepareSearchDoc with a word-start function of the caller's (the seed memoizes repeated sentences). */
export function prepareWith(doc: DatasetSearchDoc, starts?: WordStartFn): PreparedSearchDoc {
  const ws: string[] = [];
  const title: TokenSink = { plain: [], ws };
  const tags: TokenSink = { plain: [], ws };
  const body: TokenSink = { plain: [], ws };
  addFieldTokens(doc.title, title, starts);
  for (const t of doc.tags) addFieldTokens(t, tags, starts);
  const bodyTexts = [doc.notes, ...doc.resNames, ...doc.resDescriptions, doc.author ?? '', doc.maintainer ?? '', ...Object.values(doc.extras), doc.name, doc.organization ?? '', ...doc.groups];
  for (const t of bodyTexts) if (t) addFieldTokens(t, body, starts);
  const cols = {
    title: title.plain.slice(0, CAP.title),
    tags: tags.plain.slice(0, CAP.tags),
    body: body.plain.slice(0, CAP.body),
    ws: ws.slice(0, CAP.ws),
  };
  const enc = (xs: string[]) => xs.map(encodeCached);
  const e = { title: enc(cols.title), tags: enc(cols.tags), body: enc(cols.body), ws: enc(cols.ws) };
  let tsv: string | undefined;
  return {
    doc: { ...doc, tags: [...doc.tags], groups: [...doc.groups], resFormats: [...doc.resFormats], extras: { ...doc.extras } },
    title: e.title.join(' '),
    tags: e.tags.join(' '),
    body: e.body.join(' '),
    ws: e.ws.join(' '),
    // Built on first use: only PostgreSQL needs it.
    get tsv() {
      return (tsv ??= tsvectorLiteral([
        [e.title, 'A'],
        [e.tags, 'B'],
        [e.body, 'C'],
        [e.ws, 'D'],
      ]));
    },
  };
}

/** Encoded tokens by token: the vocabulary of bigrams is small, and hex-encoding each one is most of a document's cost. */
const encoded = new Map<string, string>();
function encodeCached(token: string): string {
  let e = encoded.get(token);
  if (e === undefined) {
    if (encoded.size >= 200_000) encoded.clear();
    encoded.set(token, (e = encodeToken(token)));
  }
  return e;
}

function tsvectorLiteral(columns: Array<[string[], string]>): string {
  const positions = new Map<string, string[]>();
  let pos = 0;
  for (const [tokens, weight] of columns) {
    for (const t of tokens) {
      pos += 1;
      let list = positions.get(t);
      if (!list) positions.set(t, (list = []));
      if (list.length < MAX_POSITIONS) list.push(`${pos}${weight}`);
    }
    pos += 1; // a gap, so a phrase never runs from one column into the next
  }
  return [...positions].map(([t, ps]) => `'${t}':${ps.join(',')}`).join(' ');
}

/** The row of catalog_search_docs for a prepared document (the seed bulk-loads these). */
export function docRow(p: PreparedSearchDoc, docNo: number, dialect: Dialect) {
  const d = p.doc;
  return {
    doc_no: docNo,
    id: d.id,
    name: d.name,
    title: d.title,
    notes: d.notes.slice(0, STORED_NOTES),
    title_sort: normalize(d.title),
    organization: d.organization,
    license_id: d.licenseId,
    private: d.private ? 1 : 0,
    state: d.state,
    metadata_created: d.metadataCreated,
    metadata_modified: d.metadataModified,
    tags: JSON.stringify(d.tags),
    groups: JSON.stringify(d.groups),
    res_formats: JSON.stringify(d.resFormats),
    ...(dialect === 'postgres' ? { tsv: p.tsv } : {}),
  };
}

const tokenizerRecorded = new WeakSet<object>();

/** Bump the data version by n (serializing writers on PostgreSQL: the row stays locked until commit); the last of the n. */
async function bumpVersion(trx: Trx, n = 1): Promise<number> {
  const row = await trx.updateTable('catalog_search_meta').set({ num: sql`num + ${n}` }).where('key', '=', 'version').returning('num').executeTakeFirstOrThrow();
  return Number(row.num);
}

/** Log which documents changed at which versions (seq = first, first+1, …), with their ids for a reindex running meanwhile. */
async function logChanges(trx: Trx, firstSeq: number, changed: Array<{ docNo: number; id: string }>): Promise<void> {
  for (const part of slices(changed.map(({ docNo, id }, k) => ({ seq: firstSeq + k, doc_no: docNo, id })), 1000)) await trx.insertInto('catalog_search_changes').values(part).execute();
  // Keep the change log short; a process further behind than this reloads instead of replaying.
  const last = firstSeq + changed.length - 1;
  if (Math.floor(last / 1000) !== Math.floor((firstSeq - 1) / 1000)) await trx.deleteFrom('catalog_search_changes').where('seq', '<=', last - CHANGES_KEPT).execute();
}
const CHANGES_KEPT = 50_000;

function slices<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** The live index's tables, or the shadow ones a reindex builds into before it swaps the names. */
interface IndexTables {
  docs: 'catalog_search_docs';
  extras: 'catalog_search_extras';
  fts: string;
}
const LIVE: IndexTables = { docs: 'catalog_search_docs', extras: 'catalog_search_extras', fts: 'catalog_search_fts' };
// Same columns as the live tables: typed as them.
const NEXT: IndexTables = { docs: 'catalog_search_docs_next' as 'catalog_search_docs', extras: 'catalog_search_extras_next' as 'catalog_search_extras', fts: 'catalog_search_fts_next' };

/** Write (insert or replace) a dataset's index entry, inside the caller's transaction. */
export async function writeSearchDoc(trx: Trx, dialect: Dialect, p: PreparedSearchDoc): Promise<void> {
  await writeSearchDocs(trx, dialect, [p]);
}

/**
 * Write (insert or replace) many datasets' index entries in a few statements, inside the caller's
 * transaction (a harvest page, a reindex batch). A document listed twice keeps its last version.
 */
export async function writeSearchDocs(trx: Trx, dialect: Dialect, docs: PreparedSearchDoc[]): Promise<void> {
  const list = lastById(docs);
  if (!list.length) return;
  const version = await bumpVersion(trx, list.length);
  if (!tokenizerRecorded.has(trx as object)) {
    // An empty index takes the current tokenizer's name; a non-empty one keeps what built it (reindexAll changes it).
    await trx.updateTable('catalog_search_meta').set({ value: TOKENIZER_ID }).where('key', '=', 'tokenizer').where('value', '=', '').execute();
    tokenizerRecorded.add(trx as object);
  }
  const numbered = await writeDocsInto(trx, dialect, list, LIVE);
  await logChanges(trx, version - list.length + 1, numbered.map(({ p, docNo }) => ({ docNo, id: p.doc.id })));
}

function lastById(docs: PreparedSearchDoc[]): PreparedSearchDoc[] {
  const byId = new Map<string, PreparedSearchDoc>();
  for (const p of docs) byId.set(p.doc.id, p);
  return [...byId.values()];
}

/** Replace the documents' rows in one set of tables (live or shadow); returns their doc_nos. */
async function writeDocsInto(trx: Trx, dialect: Dialect, list: PreparedSearchDoc[], t: IndexTables): Promise<Array<{ p: PreparedSearchDoc; docNo: number }>> {
  const existing = new Map<string, number>();
  for (const part of slices(list.map((p) => p.doc.id), 500)) {
    for (const r of await trx.selectFrom(t.docs).select(['id', 'doc_no']).where('id', 'in', part).execute()) existing.set(r.id, r.doc_no);
  }
  await removeDocNos(trx, dialect, [...existing.values()], t);
  let next = 0;
  if (existing.size < list.length) {
    const max = await trx.selectFrom(t.docs).select(sql<number>`coalesce(max(doc_no), 0)`.as('m')).executeTakeFirstOrThrow();
    next = Number(max.m);
  }
  const numbered = list.map((p) => ({ p, docNo: existing.get(p.doc.id) ?? ++next }));
  // Rows of ~16 columns: 60 a statement stays far below both dialects' parameter limits.
  for (const part of slices(numbered, 60)) await trx.insertInto(t.docs).values(part.map(({ p, docNo }) => docRow(p, docNo, dialect))).execute();
  if (dialect === 'sqlite') {
    for (const part of slices(numbered, 200)) {
      await sql`insert into ${sql.table(t.fts)} (rowid, title, tags, body, ws) values ${sql.join(part.map(({ p, docNo }) => sql`(${docNo}, ${p.title}, ${p.tags}, ${p.body}, ${p.ws})`))}`.execute(trx);
    }
  }
  const extras = numbered.flatMap(({ p, docNo }) => Object.entries(p.doc.extras).map(([key, value]) => ({ doc_no: docNo, key, value })));
  for (const part of slices(extras, 300)) await trx.insertInto(t.extras).values(part).execute();
  return numbered;
}

async function removeDocNos(trx: Trx, dialect: Dialect, docNos: number[], t: IndexTables): Promise<void> {
  for (const part of slices(docNos, 500)) {
    await trx.deleteFrom(t.extras).where('doc_no', 'in', part).execute();
    if (dialect === 'sqlite') await sql`delete from ${sql.table(t.fts)} where rowid in (${sql.join(part)})`.execute(trx);
    await trx.deleteFrom(t.docs).where('doc_no', 'in', part).execute();
  }
}

/** Remove a dataset's index entry (a purge; a soft delete is a write with state 'deleted'). */
export async function deleteSearchDoc(trx: Trx, dialect: Dialect, id: string): Promise<void> {
  const existing = await trx.selectFrom('catalog_search_docs').select('doc_no').where('id', '=', id).executeTakeFirst();
  if (!existing) {
    // Not in the live index, but in a rebuild under way: log the purge (doc_no -1) so the reindex drops it too.
    const building = await trx.selectFrom(NEXT.docs).select('doc_no').where('id', '=', id).executeTakeFirst();
    if (building) await logChanges(trx, await bumpVersion(trx), [{ docNo: -1, id }]);
    return;
  }
  const version = await bumpVersion(trx);
  await removeDocNos(trx, dialect, [existing.doc_no], LIVE);
  await logChanges(trx, version, [{ docNo: existing.doc_no, id }]);
}

// ---------------------------------------------------------------------------------------------- search

type Pred = (d: number) => boolean;

interface Compiled {
  pred: Pred;
  /** Score added by the text leaves of a mixed clause. */
  score?: (d: number) => number;
}

const SORT_FIELDS = new Set(['score', 'metadata_modified', 'metadata_created', 'name', 'title_string']);

export function parseSort(sort: string | undefined): Array<{ field: string; desc: boolean }> {
  const text = (sort ?? '').trim() || 'score desc, metadata_modified desc';
  return text.split(',').map((part) => {
    const m = /^\s*([a-z_]+)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m || !SORT_FIELDS.has(m[1]!.toLowerCase())) throw new SearchQueryError(`Cannot sort by ${part.trim()}`);
    return { field: m[1]!.toLowerCase(), desc: (m[2] ?? (m[1] === 'score' ? 'desc' : 'asc')).toLowerCase() === 'desc' };
  });
}

/** Flatten top-level ANDs into one list of clauses. */
function clauses(n: QueryNode | null, out: QueryNode[] = []): QueryNode[] {
  if (!n) return out;
  if (n.kind === 'and') for (const i of n.items) clauses(i, out);
  else if (n.kind !== 'all') out.push(n);
  return out;
}

function collectTextLeaves(n: QueryNode, out: QueryNode[]): void {
  if (n.kind === 'text') out.push(n);
  else if (n.kind === 'and' || n.kind === 'or') n.items.forEach((i) => collectTextLeaves(i, out));
  else if (n.kind === 'not') collectTextLeaves(n.item, out);
}

function collectSqlTerms(n: QueryNode, out: Array<Extract<QueryNode, { kind: 'term' }>>): void {
  if (n.kind === 'term' && (n.field === 'name' || n.field === 'id' || n.field.startsWith('extras_'))) out.push(n);
  else if (n.kind === 'and' || n.kind === 'or') n.items.forEach((i) => collectSqlTerms(i, out));
  else if (n.kind === 'not') collectSqlTerms(n.item, out);
}

const likePrefix = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';

async function sqlTermSet(db: Db, t: Extract<QueryNode, { kind: 'term' }>): Promise<Set<number>> {
  if (t.field === 'name' || t.field === 'id') {
    let q = db.selectFrom('catalog_search_docs').select('doc_no');
    q = t.match === 'exact' ? q.where(t.field, '=', t.value) : t.match === 'prefix' ? q.where(sql<boolean>`${sql.ref(t.field)} like ${likePrefix(t.value)} escape '\\'`) : q;
    return new Set((await q.execute()).map((r) => r.doc_no));
  }
  const key = t.field.slice('extras_'.length);
  let q = db.selectFrom('catalog_search_extras').select('doc_no').where('key', '=', key);
  if (t.match === 'exact') q = q.where('value', '=', t.value);
  else if (t.match === 'prefix') q = q.where(sql<boolean>`value like ${likePrefix(t.value)} escape '\\'`);
  return new Set((await q.execute()).map((r) => r.doc_no));
}

function codeSet(values: string[], t: Extract<QueryNode, { kind: 'term' }>): Uint8Array {
  const set = new Uint8Array(values.length);
  values.forEach((v, i) => {
    if (t.match === 'exists' || (t.match === 'exact' ? v === t.value : v.startsWith(t.value))) set[i] = 1;
  });
  return set;
}

function compile(n: QueryNode, mem: SearchMemory, texts: Map<QueryNode, Map<number, number>>, sqlSets: Map<QueryNode, Set<number>>): Compiled {
  switch (n.kind) {
    case 'all':
      return { pred: () => true };
    case 'none':
      return { pred: () => false };
    case 'text': {
      const m = texts.get(n)!;
      return { pred: (d) => m.has(d), score: (d) => m.get(d) ?? 0 };
    }
    case 'range': {
      const arr = n.field === 'metadata_modified' ? mem.modified : mem.created;
      const lo = n.from ?? -Infinity;
      const hi = n.to ?? Infinity;
      return { pred: (d) => (n.fromInclusive ? arr[d]! >= lo : arr[d]! > lo) && (n.toInclusive ? arr[d]! <= hi : arr[d]! < hi) };
    }
    case 'term':
      return { pred: termPred(n, mem, sqlSets) };
    case 'not': {
      const inner = compile(n.item, mem, texts, sqlSets);
      return { pred: (d) => !inner.pred(d) };
    }
    case 'and': {
      const items = n.items.map((i) => compile(i, mem, texts, sqlSets));
      const scored = items.filter((i) => i.score);
      return { pred: (d) => items.every((i) => i.pred(d)), score: scored.length ? (d) => scored.reduce((s, i) => s + i.score!(d), 0) : undefined };
    }
    case 'or': {
      const items = n.items.map((i) => compile(i, mem, texts, sqlSets));
      const scored = items.filter((i) => i.score);
      return { pred: (d) => items.some((i) => i.pred(d)), score: scored.length ? (d) => scored.reduce((s, i) => s + i.score!(d), 0) : undefined };
    }
  }
}

const FIELD_OF: Record<string, SingleField | MultiField> = { organization: 'organization', license_id: 'license_id', tags: 'tags', groups: 'groups', res_format: 'res_format' };

function termPred(t: Extract<QueryNode, { kind: 'term' }>, mem: SearchMemory, sqlSets: Map<QueryNode, Set<number>>): Pred {
  const set = sqlSets.get(t);
  if (set) return (d) => set.has(d);
  switch (t.field) {
    case 'site_id':
      return () => true;
    case 'dataset_type':
    case 'type':
      return () => t.match !== 'exact' || t.value === 'dataset';
    case 'capacity':
      return t.match === 'exact' ? (t.value === 'private' ? (d) => mem.priv[d] === 1 : t.value === 'public' ? (d) => mem.priv[d] === 0 : () => false) : () => true;
    case 'state': {
      const code = STATE_CODE[t.value as keyof typeof STATE_CODE];
      return t.match === 'exact' ? (d) => mem.state[d] === code : () => true;
    }
  }
  const field = FIELD_OF[t.field];
  if (!field) return () => false;
  const codes = codeSet(mem.dicts[field].values, t);
  if (field === 'organization' || field === 'license_id') {
    const arr = mem.single[field];
    return (d) => arr[d]! >= 0 && codes[arr[d]!] === 1;
  }
  const multi = mem.multi[field];
  return (d) => {
    const cs = multi.get(d);
    for (let i = 0; i < cs.length; i++) if (codes[cs[i]!] === 1) return true;
    return false;
  };
}

/** Free-text words of q in order, for the phrase bonus and highlights. */
function positiveTextChunks(n: QueryNode | null, out: string[][] = []): string[][] {
  if (!n) return out;
  if (n.kind === 'text') out.push(...n.chunks);
  else if (n.kind === 'and' || n.kind === 'or') n.items.forEach((i) => positiveTextChunks(i, out));
  return out;
}

/** q's free text as one phrase when it has two words or more: documents holding the phrase rank first. */
function phraseOf(q: QueryNode | null): QueryNode | null {
  const items = q?.kind === 'and' ? q.items : q ? [q] : [];
  if (!items.length || !items.every((i) => i.kind === 'text' && !i.phrase && i.column === 'any')) return null;
  const chunks = items.flatMap((i) => (i.kind === 'text' ? i.chunks : []));
  return chunks.length > 1 ? { kind: 'text', column: 'any', chunks, phrase: true } : null;
}

const PHRASE_BOOST = 2;

export async function searchDatasets(db: Db, dialect: Dialect, p: SearchParams): Promise<SearchResult> {
  const now = Date.now();
  const qNode = parseQuery(p.q ?? '', { mode: 'q', now });
  const fqNodes = [p.fq ?? '', ...(p.fqList ?? [])].map((f) => parseQuery(f, { mode: 'fq', now }));
  const sort = parseSort(p.sort);
  const rows = Math.max(0, Math.min(1000, Math.floor(p.rows)));
  const start = Math.max(0, Math.floor(p.start));

  const mem = memoryFor(db);
  const storedTokenizer = await mem.refresh(db);
  if (storedTokenizer && storedTokenizer !== TOKENIZER_ID) {
    throw new SearchError(`The search index was built by ${storedTokenizer}, this server tokenizes with ${TOKENIZER_ID}: rebuild it (reindex)`);
  }

  const all = [...clauses(qNode), ...fqNodes.flatMap((f) => clauses(f))];
  const textClauses = all.filter(isPureText);
  const others = all.filter((c) => !isPureText(c));

  // Text leaves inside mixed clauses, and SQL-only terms (name, id, extras_*), are fetched as sets first.
  const texts = new Map<QueryNode, Map<number, number>>();
  const sqlSets = new Map<QueryNode, Set<number>>();
  for (const c of others) {
    const leaves: QueryNode[] = [];
    collectTextLeaves(c, leaves);
    for (const leaf of leaves) {
      const m = await textMatches(db, dialect, leaf);
      const map = new Map<number, number>();
      m.docs.forEach((d, i) => map.set(d, m.scores[i]!));
      texts.set(leaf, map);
    }
    const terms: Array<Extract<QueryNode, { kind: 'term' }>> = [];
    collectSqlTerms(c, terms);
    for (const t of terms) sqlSets.set(t, await sqlTermSet(db, t));
  }
  const compiled = others.map((c) => compile(c, mem, texts, sqlSets));
  const preds = compiled.map((c) => c.pred);
  const scorers = compiled.filter((c) => c.score).map((c) => c.score!);

  // Visibility: states the caller may see, and private datasets of the organizations they may see.
  const states = new Uint8Array(4);
  states[STATE_CODE.active] = 1;
  if (p.includeDrafts) states[STATE_CODE.draft] = 1;
  if (p.includeDeleted) states[STATE_CODE.deleted] = 1;
  const orgs = p.visibility.orgs;
  const privOrg = new Uint8Array(mem.dicts.organization.values.length);
  if (orgs !== 'all') for (const o of orgs) {
    const c = mem.dicts.organization.codes.get(o);
    if (c !== undefined) privOrg[c] = 1;
  }
  const includePrivate = p.visibility.includePrivate;
  const orgArr = mem.single.organization;
  const visible = (d: number) =>
    mem.alive[d] === 1 && states[mem.state[d]!] === 1 && (mem.priv[d] === 0 || (includePrivate && (orgs === 'all' || (orgArr[d]! >= 0 && privOrg[orgArr[d]!] === 1))));

  // Candidates: the full-text match of the pure-text clauses (one query), or every document.
  let candDocs: Int32Array | null = null;
  let candScores: Float64Array | null = null;
  const textNode: QueryNode | null = textClauses.length ? (textClauses.length === 1 ? textClauses[0]! : { kind: 'and', items: textClauses }) : null;
  const phrase = textNode ? phraseOf(qNode) : null;
  const scoreFirst = sort[0]!.field === 'score';
  // On SQLite, ranked by relevance: match ids only here, and let FTS5 order the best few later.
  const twoPhase = dialect === 'sqlite' && textNode !== null && scoreFirst && sort[0]!.desc && scorers.length === 0;
  // On PostgreSQL, ranked by relevance: match ids only here, and rank a window of the survivors later.
  const pgRanked = dialect === 'postgres' && textNode !== null && scoreFirst && sort[0]!.desc && scorers.length === 0;
  // SQLite, by relevance: FTS5's own best `topLimit` first; when it returns fewer, that is every
  // match with its score (one query); otherwise every matching id apart, unscored.
  const k = start + rows;
  const topLimit = others.length === 0 ? k + 100 : Math.max(4 * k, k + 200);
  let top: Array<{ d: number; s: number }> | null = null;
  let topComplete = false;
  if (textNode && twoPhase) {
    if (rows > 0) top = await textTopScored(db, textNode, phrase, topLimit);
    if (top && top.length < topLimit) {
      topComplete = true;
      candDocs = Int32Array.from(top, (r) => r.d);
      candScores = Float64Array.from(top, (r) => r.s);
    } else candDocs = await textIds(db, textNode);
  } else if (textNode && (pgRanked || !sort.some((s) => s.field === 'score'))) {
    // Only the ids: PostgreSQL ranks the page's window later; other orders need no score.
    candDocs = dialect === 'sqlite' ? await textIds(db, textNode) : await textPlan(db, (x) => pgTextIds(x, textNode));
    candScores = new Float64Array(candDocs.length);
  } else if (textNode) {
    const m = await textMatches(db, dialect, textNode);
    candDocs = m.docs;
    candScores = m.scores;
    if (phrase && m.docs.length) {
      const ph = await textMatches(db, dialect, phrase);
      const inPhrase = new Set(ph.docs);
      for (let i = 0; i < candDocs.length; i++) if (inPhrase.has(candDocs[i]!)) candScores[i]! *= PHRASE_BOOST;
    }
  }

  const n = candDocs ? candDocs.length : mem.end;
  const hitDocs = new Int32Array(n);
  const hitScores = new Float64Array(n);
  let count = 0;
  outer: for (let i = 0; i < n; i++) {
    const d = candDocs ? candDocs[i]! : i;
    if (!visible(d)) continue;
    for (const pr of preds) if (!pr(d)) continue outer;
    let s = candScores ? candScores[i]! : 0;
    for (const sc of scorers) s += sc(d);
    hitDocs[count] = d;
    hitScores[count] = s;
    count++;
  }

  const facets = countFacets(mem, hitDocs, count, p, all.length === 0 ? `${includePrivate}|${orgs === 'all' ? '*' : orgs.join(',')}|${p.includeDrafts}|${p.includeDeleted}` : null);
  let page: number[] | null = null;
  if (twoPhase && textNode && !topComplete) {
    page = await topByFts(mem, top ?? [], topLimit, hitDocs, count, sort, start, rows);
    // Too many of FTS5's best were filtered out: look further once, then score every surviving match.
    if (page === null && rows > 0) {
      const further = Math.max(4_000, 8 * topLimit);
      page = await topByFts(mem, await textTopScored(db, textNode, phrase, further), further, hitDocs, count, sort, start, rows);
    }
  }
  if (pgRanked && textNode) page = await rankWindow(db, mem, textNode, phrase, hitDocs, count, sort, start, rows);
  if (page === null) {
    if (twoPhase && textNode && !topComplete) {
      // Too many of FTS5's best were filtered out: score every surviving match instead.
      const m = await textMatches(db, dialect, textNode);
      const inPhrase = phrase ? new Set((await textMatches(db, dialect, phrase)).docs) : null;
      const score = new Map<number, number>();
      m.docs.forEach((d, i) => score.set(d, m.scores[i]! * (inPhrase?.has(d) ? PHRASE_BOOST : 1)));
      for (let i = 0; i < count; i++) hitScores[i] = score.get(hitDocs[i]!) ?? 0;
    }
    page = await topDocs(db, mem, hitDocs, hitScores, count, sort, start, rows);
  }
  const info = page.length
    ? await db.selectFrom('catalog_search_docs').select(['doc_no', 'id', 'title', 'notes']).where('doc_no', 'in', page).execute()
    : [];
  const byNo = new Map(info.map((r) => [r.doc_no, r]));
  const ids = page.map((d) => byNo.get(d)?.id).filter((x): x is string => typeof x === 'string');
  const needles = positiveTextChunks(qNode).map((c) => c.join(''));
  const highlights: SearchResult['highlights'] = {};
  if (needles.length) {
    for (const d of page) {
      const r = byNo.get(d);
      if (!r) continue;
      const title = highlight(r.title, needles);
      const notes = highlight(r.notes, needles, 200);
      if (title || notes) highlights[r.id] = { ...(title ? { title } : {}), ...(notes ? { notes } : {}) };
    }
  }
  return { count, ids, facets, highlights };
}

const FACETABLE = new Set(['organization', 'license_id', 'tags', 'groups', 'res_format', 'capacity', 'state']);

function countFacets(mem: SearchMemory, docs: Int32Array, count: number, p: SearchParams, memoKey: string | null): Record<string, Record<string, number>> {
  const key = memoKey === null ? null : `${memoKey}|${p.facetFields.join(',')}|${p.facetLimit}|${p.facetMinCount}`;
  if (key !== null && mem.emptyQueryMemo.has(key)) return mem.emptyQueryMemo.get(key) as Record<string, Record<string, number>>;
  const out: Record<string, Record<string, number>> = {};
  for (const field of p.facetFields) {
    if (!FACETABLE.has(field)) {
      out[field] = {};
      continue;
    }
    let names: string[];
    let counts: Int32Array;
    if (field === 'capacity' || field === 'state') {
      names = field === 'capacity' ? ['public', 'private'] : ['', 'active', 'draft', 'deleted'];
      counts = new Int32Array(names.length);
      const arr = field === 'capacity' ? mem.priv : mem.state;
      for (let i = 0; i < count; i++) counts[arr[docs[i]!]!]!++;
    } else if (field === 'organization' || field === 'license_id') {
      names = mem.dicts[field].values;
      counts = new Int32Array(names.length);
      const arr = mem.single[field];
      for (let i = 0; i < count; i++) {
        const c = arr[docs[i]!]!;
        if (c >= 0) counts[c]!++;
      }
    } else {
      const f = field as MultiField;
      names = mem.dicts[f].values;
      counts = new Int32Array(names.length);
      const multi = mem.multi[f];
      const { offsets, data, override } = multi;
      const hasOverride = override.size > 0;
      for (let i = 0; i < count; i++) {
        const d = docs[i]!;
        if (hasOverride && override.has(d)) {
          for (const c of override.get(d)!) counts[c]!++;
        } else if (d + 1 < offsets.length) {
          for (let k = offsets[d]!; k < offsets[d + 1]!; k++) counts[data[k]!]!++;
        }
      }
    }
    const min = Math.max(p.facetMinCount, 0);
    const entries: Array<[string, number]> = [];
    for (let c = 0; c < names.length; c++) if (names[c] && counts[c]! >= min && (counts[c]! > 0 || min === 0)) entries.push([names[c]!, counts[c]!]);
    entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    out[field] = Object.fromEntries(p.facetLimit < 0 ? entries : entries.slice(0, p.facetLimit));
  }
  if (key !== null) mem.emptyQueryMemo.set(key, out);
  return out;
}


/** The doc_nos of the requested page, in order. */
async function topDocs(db: Db, mem: SearchMemory, docs: Int32Array, scores: Float64Array, count: number, sort: Array<{ field: string; desc: boolean }>, start: number, rows: number): Promise<number[]> {
  const k = start + rows;
  if (rows === 0 || count === 0 || start >= count) return [];
  const first = sort[0]!.field;
  if (first === 'name' || first === 'title_string') return sortedByText(db, docs, count, first === 'name' ? 'name' : 'title_sort', sort[0]!.desc, start, rows);
  const keys = sort.map((s) => ({ desc: s.desc, get: s.field === 'score' ? (i: number) => scores[i]! : s.field === 'metadata_modified' ? (i: number) => mem.modified[docs[i]!]! : s.field === 'metadata_created' ? (i: number) => mem.created[docs[i]!]! : () => 0 }));
  const cmp = (a: number, b: number) => {
    for (const key of keys) {
      const x = key.get(a);
      const y = key.get(b);
      if (x !== y) return key.desc ? y - x : x - y;
    }
    return docs[a]! - docs[b]!;
  };
  // A bounded sorted list: each candidate is compared with the worst kept one first.
  const top: number[] = [];
  for (let i = 0; i < count; i++) {
    if (top.length === k && cmp(i, top[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(top[mid]!, i) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, i);
    if (top.length > k) top.pop();
  }
  return top.slice(start, k).map((i) => docs[i]!);
}

/**
 * The page from FTS5's own top list (enough rows that the hits filtered out still leave a full
 * page), re-sorted with freshness as the tie-break. Null when the list runs short.
 */
async function topByFts(mem: SearchMemory, top: Array<{ d: number; s: number }>, limit: number, docs: Int32Array, count: number, sort: Array<{ field: string; desc: boolean }>, start: number, rows: number): Promise<number[] | null> {
  const k = start + rows;
  if (rows === 0 || count === 0 || start >= count) return [];
  const passing = new Uint8Array(mem.end + 1);
  for (let i = 0; i < count; i++) passing[docs[i]!] = 1;
  const kept = top.filter((r) => passing[r.d] === 1);
  // Short only when FTS5 had more matches than it returned and the filters dropped too many.
  if (kept.length < Math.min(k, count) && top.length === limit) return null;
  const second = sort[1];
  const fresh = second?.field === 'metadata_created' ? mem.created : mem.modified;
  const freshDesc = second ? second.desc : true;
  kept.sort((a, b) => (a.s !== b.s ? b.s - a.s : fresh[a.d] !== fresh[b.d] ? (freshDesc ? fresh[b.d]! - fresh[a.d]! : fresh[a.d]! - fresh[b.d]!) : a.d - b.d));
  return kept.slice(start, k).map((r) => r.d);
}

/**
 * PostgreSQL: ts_rank over the newest max(RANK_WINDOW, 2k) surviving matches (all of them when
 * fewer), then the page with freshness breaking ties. See RANK_WINDOW.
 */
async function rankWindow(db: Db, mem: SearchMemory, node: QueryNode, phrase: QueryNode | null, docs: Int32Array, count: number, sort: Array<{ field: string; desc: boolean }>, start: number, rows: number): Promise<number[]> {
  const k = start + rows;
  if (rows === 0 || count === 0 || start >= count) return [];
  const window = Math.max(RANK_WINDOW, 2 * k);
  let pick: Int32Array = docs.subarray(0, count);
  if (count > window) {
    // The newest `window` by doc_no: mark the survivors, walk down from the top (no sort of 500,000 ids).
    const mark = new Uint8Array(mem.end + 1);
    for (let i = 0; i < count; i++) mark[docs[i]!] = 1;
    pick = new Int32Array(window);
    let n = 0;
    for (let d = mark.length - 1; d >= 0 && n < window; d--) if (mark[d] === 1) pick[n++] = d;
  }
  const ranked = await pgRank(db, node, phrase, pick);
  const d = Int32Array.from(ranked, (r) => r.d);
  const s = Float64Array.from(ranked, (r) => r.s);
  return topDocs(db, mem, d, s, d.length, sort, start, rows);
}

async function sortedByText(db: Db, docs: Int32Array, count: number, column: 'name' | 'title_sort', desc: boolean, start: number, rows: number): Promise<number[]> {
  const wanted = new Set<number>();
  for (let i = 0; i < count; i++) wanted.add(docs[i]!);
  const out: number[] = [];
  let skipped = 0;
  // Walk the column's index in pages and keep the hits; bounded by the index size.
  const PAGE = 5000;
  for (let offset = 0; ; offset += PAGE) {
    const page = await db.selectFrom('catalog_search_docs').select('doc_no').orderBy(column, desc ? 'desc' : 'asc').orderBy('doc_no').limit(PAGE).offset(offset).execute();
    for (const r of page) {
      if (!wanted.has(r.doc_no)) continue;
      if (skipped < start) skipped++;
      else out.push(r.doc_no);
      if (out.length === rows) return out;
    }
    if (page.length < PAGE) return out;
  }
}

// ---------------------------------------------------------------------------------------------- rebuild

let docSource: SearchDocSource | null = null;

/** Let the catalog hand reindexAll its documents (otherwise they are read from the catalog's tables). */
export function setSearchDocSource(source: SearchDocSource | null): void {
  docSource = source;
}
export type { SearchDocSource } from './source.js';

/** Empty the index (every dataset, the change log) and mark it as built by nobody. */
export async function clearSearchIndex(deps: { db: Db; dialect: Dialect }): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await emptyTables(trx, deps.dialect, LIVE);
    await trx.deleteFrom('catalog_search_changes').execute();
    await trx.updateTable('catalog_search_meta').set({ num: sql`num + 1` }).where('key', '=', 'epoch').execute();
    await trx.updateTable('catalog_search_meta').set({ value: '' }).where('key', '=', 'tokenizer').execute();
  });
}

async function emptyTables(trx: Trx, dialect: Dialect, t: IndexTables): Promise<void> {
  if (dialect === 'postgres' && t === NEXT) {
    // Nobody searches the shadow tables: truncating them is instant where a delete would write every row.
    await sql`truncate ${sql.table(t.docs)}, ${sql.table(t.extras)}`.execute(trx);
    return;
  }
  if (dialect === 'sqlite') await sql`insert into ${sql.table(t.fts)} (${sql.table(t.fts)}) values ('delete-all')`.execute(trx);
  await trx.deleteFrom(t.extras).execute();
  await trx.deleteFrom(t.docs).execute();
}

async function currentVersion(db: Db | Trx): Promise<number> {
  const r = await db.selectFrom('catalog_search_meta').select('num').where('key', '=', 'version').executeTakeFirst();
  return Number(r?.num ?? 0);
}

/** The documents of `ids` as the source has them now (absent ones were purged). */
async function sourceDocs(source: SearchDocSource, db: Db, ids: string[]): Promise<DatasetSearchDoc[]> {
  if (source.byIds) return source.byIds(db, ids);
  const wanted = new Set(ids);
  const out: DatasetSearchDoc[] = [];
  for await (const batch of source.batches(db, 500)) for (const d of batch) if (wanted.has(d.id)) out.push(d);
  return out;
}

/**
 * Rebuild the whole index from the catalog's datasets. Returns the number of datasets indexed.
 *
 * Atomic for readers: the documents are written into the shadow tables (catalog_search_*_next)
 * while searches keep reading the live index; then one transaction takes the writers' lock (the
 * version row), carries over the datasets written or purged since the rebuild began (the change
 * log names them; they are read again from the source), swaps the tables' names and bumps the
 * epoch. A search sees the old complete index until that commit and the new one after it.
 */
export async function reindexAll(deps: { db: Db; dialect: Dialect }, onProgress?: (done: number, total: number) => void): Promise<number> {
  // One rebuild at a time, across processes: two would share the shadow tables.
  const r = await withLease(deps.db, systemClock, REINDEX_LEASE, REINDEX_LEASE_MS, () => rebuild(deps, onProgress));
  if (!r.held) throw new ReindexBusy();
  return r.value;
}

const REINDEX_LEASE = 'catalog-search-reindex';
const REINDEX_LEASE_MS = 60_000;

/** Another process is rebuilding the search index. */
export class ReindexBusy extends DomainError {
  constructor() {
    super('conflict', 'The catalog search index is already being rebuilt by another process');
  }
}

async function rebuild(deps: { db: Db; dialect: Dialect }, onProgress?: (done: number, total: number) => void): Promise<number> {
  const { db, dialect } = deps;
  const source = docSource ?? catalogDocSource;
  for (let attempt = 0; ; attempt++) {
    const total = await source.count(db);
    const since = await currentVersion(db);
    await db.transaction().execute((trx) => emptyTables(trx, dialect, NEXT));
    let done = 0;
    for await (const batch of source.batches(db, 200)) {
      const prepared = lastById(batch.map(prepareSearchDoc)); // before the transaction opens
      await db.transaction().execute((trx) => writeDocsInto(trx, dialect, prepared, NEXT));
      done += batch.length;
      onProgress?.(done, total);
    }
    const swapped = await db.transaction().execute(async (trx) => {
      // Bumping the version takes the writers' lock until commit (PostgreSQL: the row; SQLite: the database).
      const now = (await bumpVersion(trx)) - 1;
      if (now > since) {
        const log = await trx.selectFrom('catalog_search_changes').select(['seq', 'id']).where('seq', '>', since).orderBy('seq').execute();
        // Writers went further than the change log keeps: it no longer names them all; build again.
        if (!log.length || log[0]!.seq !== since + 1 || log.some((r) => r.id == null)) return false;
        const ids = [...new Set(log.map((r) => r.id!))];
        for (const part of slices(ids, 200)) {
          const docs = await sourceDocs(source, trx as unknown as Db, part);
          const present = new Set(docs.map((d) => d.id));
          const gone = await trx.selectFrom(NEXT.docs).select('doc_no').where('id', 'in', part.filter((id) => !present.has(id))).execute();
          await removeDocNos(trx, dialect, gone.map((r) => r.doc_no), NEXT);
          await writeDocsInto(trx, dialect, lastById(docs.map(prepareSearchDoc)), NEXT);
        }
      }
      for (const [a, b] of [[LIVE.docs, NEXT.docs], [LIVE.extras, NEXT.extras], ...(dialect === 'sqlite' ? [[LIVE.fts, NEXT.fts]] : [])] as Array<[string, string]>) {
        await sql`alter table ${sql.table(a)} rename to ${sql.table(`${a}_old`)}`.execute(trx);
        await sql`alter table ${sql.table(b)} rename to ${sql.table(a)}`.execute(trx);
        await sql`alter table ${sql.table(`${a}_old`)} rename to ${sql.table(b)}`.execute(trx);
      }
      await trx.deleteFrom('catalog_search_changes').execute();
      await trx.updateTable('catalog_search_meta').set({ num: sql`num + 1` }).where('key', '=', 'epoch').execute();
      await trx.updateTable('catalog_search_meta').set({ value: TOKENIZER_ID }).where('key', '=', 'tokenizer').execute();
      return true;
    });
    if (!swapped && attempt < 2) continue;
    if (!swapped) throw new SearchError('The catalog changed faster than the search index could be rebuilt; reindex again');
    // The previous index is now in the shadow tables: free its space.
    await db.transaction().execute((trx) => emptyTables(trx, dialect, NEXT));
    const n = await db.selectFrom('catalog_search_docs').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(n.n);
  }
}

export interface SearchIndexStatus {
  tokenizer: string;
  current: string;
  documents: number;
  stale: boolean;
}

export async function searchIndexStatus(db: Db): Promise<SearchIndexStatus> {
  const meta = await db.selectFrom('catalog_search_meta').select('value').where('key', '=', 'tokenizer').executeTakeFirst();
  const docs = await db.selectFrom('catalog_search_docs').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const tokenizer = meta?.value ?? '';
  const documents = Number(docs.n);
  return { tokenizer, current: TOKENIZER_ID, documents, stale: documents > 0 && tokenizer !== TOKENIZER_ID };
}

/** At start-up: rebuild the index when another tokenizer (or dictionary version) built it. */
export async function ensureSearchIndex(deps: { db: Db; dialect: Dialect }, onProgress?: (done: number, total: number) => void): Promise<boolean> {
  const status = await searchIndexStatus(deps.db);
  if (!status.stale) return false;
  try {
    await reindexAll(deps, onProgress);
  } catch (err) {
    // Another process (a second server starting, the CLI) is already rebuilding it.
    if (err instanceof ReindexBusy) return false;
    throw err;
  }
  return true;
}
