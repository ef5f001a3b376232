/**
 * The in-process copy of what filters, facets and sorting need, as compact arrays indexed by doc_no:
 * one Int32 code per single-valued field, a CSR list per multi-valued field, the dates as numbers.
 * Counting four facets over 50,000 hits is then a loop over typed arrays instead of four GROUP BY
 * queries. The copy is refreshed by the index's data version: a search reads the version (one row)
 * and replays the documents changed since (catalog_search_changes), or reloads everything when the
 * index was cleared or the process is too far behind.
 */
import { sql } from 'kysely';
import type { Db } from '../../core/db/index.js';

export const SINGLE_FIELDS = ['organization', 'license_id'] as const;
export const MULTI_FIELDS = ['tags', 'groups', 'res_format'] as const;
export type SingleField = (typeof SINGLE_FIELDS)[number];
export type MultiField = (typeof MULTI_FIELDS)[number];
export const STATE_CODE = { active: 1, draft: 2, deleted: 3 } as const;

export class Dict {
  readonly values: string[] = [];
  readonly codes = new Map<string, number>();
  code(v: string): number {
    let c = this.codes.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(v);
      this.codes.set(v, c);
    }
    return c;
  }
}

/** Multi-valued codes: a compact CSR built on full load, plus per-document overrides written since. */
class MultiCodes {
  offsets: Int32Array = new Int32Array(1);
  data: Int32Array = new Int32Array(0);
  readonly override = new Map<number, Int32Array>();
  get(d: number): Int32Array {
    const o = this.override.get(d);
    if (o) return o;
    if (d + 1 >= this.offsets.length) return EMPTY;
    return this.data.subarray(this.offsets[d]!, this.offsets[d + 1]!);
  }
}
const EMPTY: Int32Array = new Int32Array(0);

interface DocRow {
  doc_no: number;
  organization: string | null;
  license_id: string | null;
  private: number;
  state: string;
  metadata_created: string;
  metadata_modified: string;
  tags: string;
  groups: string;
  res_formats: string;
}

/** Replaying more changes than this is slower than reloading. */
const REPLAY_LIMIT = 20_000;
const PAGE = 20_000;

export class SearchMemory {
  epoch = -1;
  version = -1;
  capacity = 0;
  /** One past the largest doc_no seen. */
  end = 0;
  alive = new Uint8Array(0);
  state = new Uint8Array(0);
  priv = new Uint8Array(0);
  single: Record<SingleField, Int32Array> = { organization: new Int32Array(0), license_id: new Int32Array(0) };
  modified = new Float64Array(0);
  created = new Float64Array(0);
  readonly dicts: Record<SingleField | MultiField, Dict> = { organization: new Dict(), license_id: new Dict(), tags: new Dict(), groups: new Dict(), res_format: new Dict() };
  readonly multi: Record<MultiField, MultiCodes> = { tags: new MultiCodes(), groups: new MultiCodes(), res_format: new MultiCodes() };
  /** Memo of facet counts for queries without text or filters, valid for one version. */
  readonly emptyQueryMemo = new Map<string, unknown>();

  private grow(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, Math.ceil(this.capacity * 1.5), 1024);
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap).fill(-1);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.alive = g8(this.alive);
    this.state = g8(this.state);
    this.priv = g8(this.priv);
    this.single = { organization: g32(this.single.organization), license_id: g32(this.single.license_id) };
    this.modified = g64(this.modified);
    this.created = g64(this.created);
    this.capacity = cap;
  }

  private setSingle(r: DocRow): void {
    const d = r.doc_no;
    this.grow(d + 1);
    if (d + 1 > this.end) this.end = d + 1;
    this.alive[d] = 1;
    this.state[d] = STATE_CODE[r.state as keyof typeof STATE_CODE] ?? 0;
    this.priv[d] = r.private ? 1 : 0;
    this.single.organization[d] = r.organization === null ? -1 : this.dicts.organization.code(r.organization);
    this.single.license_id[d] = r.license_id === null ? -1 : this.dicts.license_id.code(r.license_id);
    this.modified[d] = Date.parse(r.metadata_modified);
    this.created[d] = Date.parse(r.metadata_created);
  }

  private setRow(r: DocRow): { tags: Int32Array; groups: Int32Array; res_format: Int32Array } {
    this.setSingle(r);
    const codes = (json: string, dict: Dict) => Int32Array.from(JSON.parse(json) as string[], (v) => dict.code(v));
    return { tags: codes(r.tags, this.dicts.tags), groups: codes(r.groups, this.dicts.groups), res_format: codes(r.res_formats, this.dicts.res_format) };
  }

  private remove(d: number): void {
    if (d < this.capacity) this.alive[d] = 0;
    for (const f of MULTI_FIELDS) if (this.multi[f].override.has(d)) this.multi[f].override.set(d, EMPTY);
  }

  /** Bring the copy up to the database's version. Returns the stored tokenizer id. */
  async refresh(db: Db): Promise<string> {
    const meta = await db.selectFrom('catalog_search_meta').select(['key', 'num', 'value']).execute();
    const num = (k: string) => meta.find((m) => m.key === k)?.num ?? 0;
    const tokenizer = meta.find((m) => m.key === 'tokenizer')?.value ?? '';
    const epoch = num('epoch');
    const version = num('version');
    if (epoch === this.epoch && version === this.version) return tokenizer;
    this.emptyQueryMemo.clear();
    if (epoch !== this.epoch || version - this.version > REPLAY_LIMIT || version < this.version) await this.reload(db, version);
    else await this.replay(db, version);
    this.epoch = epoch;
    this.version = version;
    return tokenizer;
  }

  private static columns = ['doc_no', 'organization', 'license_id', 'private', 'state', 'metadata_created', 'metadata_modified', 'tags', 'groups', 'res_formats'] as const;

  private async reload(db: Db, version: number): Promise<void> {
    const fresh = new SearchMemory();
    const maxRow = await db.selectFrom('catalog_search_docs').select(sql<number>`coalesce(max(doc_no), -1)`.as('m')).executeTakeFirst();
    const size = (maxRow?.m ?? -1) + 1;
    fresh.grow(size);
    // The CSR lists are built while the pages stream in (rows come in doc_no order), so a reload
    // of a million documents never holds a million small arrays.
    const csr = Object.fromEntries(MULTI_FIELDS.map((f) => [f, { offsets: new Int32Array(size + 1), data: new Int32Array(Math.max(1024, size * 2)), at: 0, next: 0 }])) as Record<
      MultiField,
      { offsets: Int32Array; data: Int32Array; at: number; next: number }
    >;
    const column: Record<MultiField, 'tags' | 'groups' | 'res_formats'> = { tags: 'tags', groups: 'groups', res_format: 'res_formats' };
    let after = -1;
    for (;;) {
      const rows = (await db.selectFrom('catalog_search_docs').select([...SearchMemory.columns]).where('doc_no', '>', after).orderBy('doc_no').limit(PAGE).execute()) as DocRow[];
      for (const r of rows) {
        fresh.setSingle(r);
        for (const f of MULTI_FIELDS) {
          const c = csr[f];
          while (c.next <= r.doc_no) c.offsets[c.next++] = c.at;
          for (const v of JSON.parse(r[column[f]]) as string[]) {
            if (c.at === c.data.length) {
              const bigger = new Int32Array(c.data.length * 2);
              bigger.set(c.data);
              c.data = bigger;
            }
            c.data[c.at++] = fresh.dicts[f].code(v);
          }
        }
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.doc_no;
    }
    for (const f of MULTI_FIELDS) {
      const c = csr[f];
      while (c.next <= size) c.offsets[c.next++] = c.at;
      fresh.multi[f].offsets = c.offsets;
      fresh.multi[f].data = c.data.slice(0, c.at);
    }
    Object.assign(this, { capacity: fresh.capacity, end: fresh.end, alive: fresh.alive, state: fresh.state, priv: fresh.priv, single: fresh.single, modified: fresh.modified, created: fresh.created });
    for (const f of [...SINGLE_FIELDS, ...MULTI_FIELDS]) Object.assign(this.dicts[f], { values: fresh.dicts[f].values, codes: fresh.dicts[f].codes });
    for (const f of MULTI_FIELDS) {
      this.multi[f].offsets = fresh.multi[f].offsets;
      this.multi[f].data = fresh.multi[f].data;
      this.multi[f].override.clear();
    }
    this.version = version;
  }

  private async replay(db: Db, version: number): Promise<void> {
    const changed = await db.selectFrom('catalog_search_changes').select('doc_no').where('seq', '>', this.version).where('seq', '<=', version).execute();
    // doc_no -1: a purge logged for a rebuild under way (the live index never held the dataset).
    const docNos = [...new Set(changed.map((c) => c.doc_no))].filter((d) => d >= 0);
    for (let i = 0; i < docNos.length; i += 500) {
      const slice = docNos.slice(i, i + 500);
      const rows = (await db.selectFrom('catalog_search_docs').select([...SearchMemory.columns]).where('doc_no', 'in', slice).execute()) as DocRow[];
      const seen = new Set<number>();
      for (const r of rows) {
        seen.add(r.doc_no);
        const c = this.setRow(r);
        for (const f of MULTI_FIELDS) this.multi[f].override.set(r.doc_no, c[f]);
      }
      for (const d of slice) if (!seen.has(d)) this.remove(d);
    }
  }
}

const memories = new WeakMap<Db, SearchMemory>();

/** The process's copy for this database handle. */
export function memoryFor(db: Db): SearchMemory {
  let m = memories.get(db);
  if (!m) {
    m = new SearchMemory();
    memories.set(db, m);
  }
  return m;
}
