import type { DataDict } from '../validate.js';

/** One dataset as a source describes it, mapped to the catalog's package fields (no id, name or organization yet). */
export interface RemoteDataset {
  ok: true;
  /** The key at the source: CKAN's package id, a DCAT dataset's IRI (or dct:identifier). */
  remoteId: string;
  /** CKAN: the package name; DCAT: a name made from the IRI. Used for the local name and CKAN's package_list. */
  remoteName: string;
  /** ISO UTC, when the source says. */
  modified: string | null;
  created: string | null;
  /** Private, deleted or draft at the source: withdrawn here. */
  withdrawn?: 'private' | 'deleted' | 'draft';
  /** CKAN: the source's organization name (for orgMap). */
  remoteOrg: string | null;
  /** title, notes, tags, extras, resources, …; groups by name. */
  dict: DataDict;
  /** The source's page of the dataset (shown on its page here). */
  sourceUrl: string | null;
}

/** A record the source sent that could not be read; reported and skipped. */
export interface BadRecord {
  ok: false;
  remoteId: string;
  remoteName: string;
  reason: string;
}

export type RemoteRecord = RemoteDataset | BadRecord;

export interface PageProblem {
  url: string;
  reason: string;
}

export interface GatherResult {
  /** Every changed record was fetched: the high-water mark may advance. */
  complete: boolean;
  /** Everything the source holds now (CKAN names from package_list, DCAT ids), when fully listed; deletions are taken from it. */
  present: { by: 'name' | 'id'; values: Set<string> } | null;
  /** CKAN: the newest metadata_modified seen. */
  highWater: string | null;
  pages: PageProblem[];
}

export interface Gatherer {
  /** Calls `batch` with each page's records in order; resolves when the source is exhausted or a page failed. */
  gather(batch: (records: RemoteRecord[], expected: number | null) => Promise<void>): Promise<GatherResult>;
}

// Kabuto's tag rule (validate.ts): a tag the catalog would refuse is dropped rather than failing the dataset.
const TAG = /^[\p{L}\p{N}\p{M}\p{Pc} .-]{2,100}$/u;
export function cleanTags(tags: unknown[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    if (typeof t !== 'string') continue;
    const s = t.trim().replace(/[/,、，・]+/g, ' ').replace(/\s+/g, ' ').trim();
    if (TAG.test(s) && !out.includes(s)) out.push(s);
  }
  return out.slice(0, 200);
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
/** An address the catalog accepts, or null (sources hold "n/a", names, several addresses…). */
export function cleanEmail(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().replace(/^mailto:/i, '');
  return EMAIL.test(s) && !s.startsWith('.') && !s.includes('..') ? s : null;
}

/** A source's timestamp as ISO UTC; CKAN's carry no zone and are UTC. Null when unreadable. */
export function isoTime(v: unknown): string | null {
  if (typeof v !== 'string' || !v.trim()) return null;
  let s = v.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z';
  else if (/T\d{2}:\d{2}/.test(s) && !/(Z|[+-]\d{2}:?\d{2})$/.test(s)) s += 'Z';
  const d = new Date(s.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Text for the catalog: strings kept, numbers and booleans written out, anything else JSON. */
export function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === null || v === undefined ? '' : JSON.stringify(v);
}
