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
    if (epoch !== this.epoch || version - this.version > REPLAY_LIMIT || version < this.version) await this.reload(db, version, epoch);
    else await this.replay(db, version);
    this.epoch = epoch;
    this.version = version;
    return tokenizer;
  }

  private static columns = ['doc_no', 'organization', 'license_id', 'private', 'state', 'metadata_created', 'metadata_modified', 'tags', 'groups', 'res_formats'] as const;

  private async reload(db: Db, version: number, epoch: number): Promise<void> {
    const snap = await readSnapshot(db, epoch, version);
    if (snap) {
      this.install(snap.memory);
      this.version = snap.version;
      await this.replay(db, version);
      return;
    }
    const fresh = await SearchMemory.fromRows(db);
    this.install(fresh);
    this.version = version;
    // Stored for the next process; a failure (a busy database) only costs that process the slow load.
    await writeSnapshot(db, epoch, version, fresh).catch(() => undefined);
  }

  private install(fresh: SearchMemory): void {
    Object.assign(this, { capacity: fresh.capacity, end: fresh.end, alive: fresh.alive, state: fresh.state, priv: fresh.priv, single: fresh.single, modified: fresh.modified, created: fresh.created });
    for (const f of [...SINGLE_FIELDS, ...MULTI_FIELDS]) Object.assign(this.dicts[f], { values: fresh.dicts[f].values, codes: fresh.dicts[f].codes });
    for (const f of MULTI_FIELDS) {
      this.multi[f].offsets = fresh.multi[f].offsets;
      this.multi[f].data = fresh.multi[f].data;
      this.multi[f].override.clear();
    }
  }

  /** Every document's row decoded (the slow path: about 10 s for a million rows). */
  private static async fromRows(db: Db): Promise<SearchMemory> {
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
    return fresh;
  }

  /** The arrays as one blob: a JSON header (sizes, dictionaries), then each typed array 8-byte aligned. */
  toSnapshot(): Buffer {
    const n = this.end;
    const arrays: ArrayBufferView[] = [
      this.alive.subarray(0, n),
      this.state.subarray(0, n),
      this.priv.subarray(0, n),
      this.single.organization.subarray(0, n),
      this.single.license_id.subarray(0, n),
      this.modified.subarray(0, n),
      this.created.subarray(0, n),
      ...MULTI_FIELDS.flatMap((f) => [this.multi[f].offsets, this.multi[f].data]),
    ];
    const header = Buffer.from(
      JSON.stringify({
        format: SNAPSHOT_FORMAT,
        end: n,
        dicts: Object.fromEntries([...SINGLE_FIELDS, ...MULTI_FIELDS].map((f) => [f, this.dicts[f].values])),
        multi: Object.fromEntries(MULTI_FIELDS.map((f) => [f, [this.multi[f].offsets.length, this.multi[f].data.length]])),
      }),
    );
    const pad = (x: number) => (x + 7) & ~7;
    let size = pad(4 + header.length);
    for (const a of arrays) size += pad(a.byteLength);
    const out = Buffer.alloc(size);
    out.writeUInt32LE(header.length, 0);
    header.copy(out, 4);
    let at = pad(4 + header.length);
    for (const a of arrays) {
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
      at += pad(a.byteLength);
    }
    return out;
  }

  static fromSnapshot(buf: Uint8Array): SearchMemory | null {
    const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString()) as { format: number; end: number; dicts: Record<string, string[]>; multi: Record<string, [number, number]> };
    if (header.format !== SNAPSHOT_FORMAT) return null;
    const pad = (x: number) => (x + 7) & ~7;
    let at = pad(4 + headerLength);
    // Copies into fresh buffers: the blob's offset need not suit an Int32Array or a Float64Array.
    const take = <T>(Kind: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, count: number): T => {
      const len = count * Kind.BYTES_PER_ELEMENT;
      const copy = new Uint8Array(len);
      copy.set(bytes.subarray(at, at + len));
      at += pad(len);
      return new Kind(copy.buffer);
    };
    const n = header.end;
    const m = new SearchMemory();
    m.alive = take(Uint8Array, n);
    m.state = take(Uint8Array, n);
    m.priv = take(Uint8Array, n);
    m.single = { organization: take(Int32Array, n), license_id: take(Int32Array, n) };
    m.modified = take(Float64Array, n);
    m.created = take(Float64Array, n);
    for (const f of MULTI_FIELDS) {
      const [offsets, data] = header.multi[f]!;
      m.multi[f].offsets = take(Int32Array, offsets);
      m.multi[f].data = take(Int32Array, data);
    }
    m.capacity = n;
    m.end = n;
    for (const f of [...SINGLE_FIELDS, ...MULTI_FIELDS]) for (const v of header.dicts[f] ?? []) m.dicts[f].code(v);
    return m;
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

const SNAPSHOT_FORMAT = 1;
const SNAPSHOT_SLICE = 4 << 20;

/** The stored snapshot when it belongs to this epoch and is close enough behind `version` to replay from. */
async function readSnapshot(db: Db, epoch: number, version: number): Promise<{ memory: SearchMemory; version: number } | null> {
  try {
    const row = await db.selectFrom('catalog_search_snapshot').select(['version', sql<number>`length(data)`.as('size')]).where('id', '=', 1).where('epoch', '=', epoch).executeTakeFirst();
    if (!row || row.version > version || version - row.version > REPLAY_LIMIT) return null;
    if (row.version < version) {
      // Every version since must be in the change log (a bulk load that bumps the version without logging is not).
      const logged = await db.selectFrom('catalog_search_changes').select(sql<number>`count(*)`.as('n')).where('seq', '>', row.version).where('seq', '<=', version).executeTakeFirstOrThrow();
      if (Number(logged.n) !== version - row.version) return null;
    }
    // Read in slices: pg hands bytea over as hex text, and one 60 MB value took ~900 MB on the way.
    const data = Buffer.alloc(Number(row.size));
    for (let at = 0; at < data.length; at += SNAPSHOT_SLICE) {
      const part = await db
        .selectFrom('catalog_search_snapshot')
        .select(sql<Uint8Array>`substr(data, ${at + 1}, ${SNAPSHOT_SLICE})`.as('part'))
        .where('id', '=', 1)
        .where('epoch', '=', epoch)
        .where('version', '=', row.version)
        .executeTakeFirst();
      if (!part || at + part.part.length > data.length) return null; // replaced meanwhile
      data.set(part.part, at);
    }
    const memory = SearchMemory.fromSnapshot(data);
    return memory ? { memory, version: row.version } : null;
  } catch {
    return null; // the table is missing (not migrated) or the blob unreadable: decode the rows instead
  }
}

async function writeSnapshot(db: Db, epoch: number, version: number, m: SearchMemory): Promise<void> {
  const data = m.toSnapshot();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('catalog_search_snapshot').execute();
    await trx.insertInto('catalog_search_snapshot').values({ id: 1, epoch, version, data }).execute();
  });
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
