/**
 * Harvesting another CKAN through its Action API (ckan/logic/action/get.py: package_search,
 * package_list; the envelope {help, success, result} and {success: false, error}).
 *
 * - Changed datasets: package_search with fq=metadata_modified:[SINCE TO *], sort=metadata_modified
 *   asc, paged with rows/start. Each next page moves the lower bound to the newest time seen and
 *   skips the records already seen at that time, so a dataset edited while the run pages moves to
 *   the end (and is read there) instead of shifting an unread one into a page already read.
 * - Everything the source holds: package_list (names of public, active datasets) with limit/offset,
 *   every run. A dataset no longer listed was deleted or made private at the source.
 * - Dicts are read defensively: optional fields missing or null, extras as {key, value} lists with
 *   values of any JSON type, resources without a format, private/draft/deleted datasets.
 */
import type { DataDict } from '../validate.js';
import { asText, cleanEmail, cleanTags, isoTime, type GatherResult, type Gatherer, type RemoteRecord } from './model.js';
import { FetchError, type HarvestHttp } from './http.js';

const LIST_PAGE = 1000;

function actionUrl(base: string, action: string, params: Record<string, string | number>): string {
  const u = new URL(`${base.replace(/\/+$/, '')}/api/3/action/${action}`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  return u.toString();
}

/** The `result` of an action, or a FetchError naming what the source said. */
async function call(http: HarvestHttp, url: string): Promise<unknown> {
  const res = await http.get(url, 'application/json');
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    throw new FetchError(url, 'the answer is not JSON', false);
  }
  const b = body as { success?: unknown; result?: unknown; error?: { message?: unknown } };
  if (!b || typeof b !== 'object' || b.success !== true) {
    const msg = b && typeof b === 'object' && b.error && typeof b.error.message === 'string' ? b.error.message : 'success is not true';
    throw new FetchError(url, `the source refused: ${msg}`, false);
  }
  return b.result;
}

/** A Solr date for an fq range (millisecond precision, as Solr stores it). */
const solrTime = (iso: string) => iso;

export class CkanGatherer implements Gatherer {
  constructor(
    private readonly http: HarvestHttp,
    private readonly base: string,
    private readonly opts: { since: string | null; pageSize: number },
  ) {}

  async gather(batch: (records: RemoteRecord[], expected: number | null) => Promise<void>): Promise<GatherResult> {
    const pages: GatherResult['pages'] = [];
    let bound = this.opts.since;
    let start = 0;
    let highWater = this.opts.since;
    const seen = new Set<string>();
    let expected: number | null = null;
    let complete = false;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const params: Record<string, string | number> = { q: '*:*', sort: 'metadata_modified asc', rows: this.opts.pageSize, start, include_private: 'true', include_deleted: 'true' };
      if (bound) params.fq = `metadata_modified:[${solrTime(bound)} TO *]`;
      const url = actionUrl(this.base, 'package_search', params);
      let result: { count?: unknown; results?: unknown };
      try {
        result = (await call(this.http, url)) as typeof result;
        if (!result || typeof result !== 'object' || !Array.isArray(result.results)) throw new FetchError(url, 'package_search answered without a results list', false);
      } catch (err) {
        pages.push({ url, reason: (err as Error).message });
        break;
      }
      const results = result.results as unknown[];
      if (expected === null && typeof result.count === 'number') expected = result.count;
      const records: RemoteRecord[] = [];
      let newest: string | null = null;
      let atNewest = 0;
      for (const raw of results) {
        const rec = mapCkanPackage(raw, this.base);
        const t = rec.ok ? rec.modified : null;
        if (t) {
          if (newest === null || t > newest) {
            newest = t;
            atNewest = 1;
          } else if (t === newest) atNewest++;
        }
        // A record read on an earlier page (the bound is inclusive) is not read twice.
        if (seen.has(rec.remoteId)) continue;
        seen.add(rec.remoteId);
        records.push(rec);
      }
      if (records.length) await batch(records, expected);
      if (newest && (!highWater || newest > highWater)) highWater = newest;
      if (results.length < this.opts.pageSize) {
        complete = true;
        break;
      }
      if (newest && newest !== bound) {
        bound = newest;
        start = atNewest;
      } else start += results.length;
    }
    const present = complete ? await this.listAll(pages) : null;
    return { complete, present, highWater: complete ? highWater : this.opts.since, pages };
  }

  /** Names of everything public and active at the source (package_list, paged), or null when a page failed. */
  private async listAll(pages: GatherResult['pages']): Promise<GatherResult['present']> {
    const values = new Set<string>();
    for (let offset = 0; ; offset += LIST_PAGE) {
      const url = actionUrl(this.base, 'package_list', { limit: LIST_PAGE, offset });
      try {
        const r = await call(this.http, url);
        if (!Array.isArray(r)) throw new FetchError(url, 'package_list answered without a list', false);
        for (const n of r) if (typeof n === 'string') values.add(n);
        if (r.length < LIST_PAGE) return { by: 'name', values };
      } catch (err) {
        pages.push({ url, reason: (err as Error).message });
        return null;
      }
    }
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** A CKAN package dict (package_show / package_search result) as a RemoteRecord. */
export function mapCkanPackage(raw: unknown, base: string): RemoteRecord {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, remoteId: '', remoteName: '', reason: 'the record is not a JSON object' };
  const p = raw as Record<string, unknown>;
  const remoteId = str(p.id) ?? '';
  const remoteName = str(p.name) ?? '';
  if (!remoteId) return { ok: false, remoteId, remoteName, reason: 'the record has no id' };
  if (!remoteName) return { ok: false, remoteId, remoteName, reason: 'the record has no name' };
  const modified = isoTime(p.metadata_modified);
  const created = isoTime(p.metadata_created) ?? modified;
  const state = str(p.state) ?? 'active';
  const priv = p.private === true || p.private === 'true' || p.private === 'True';
  const withdrawn = state === 'deleted' ? 'deleted' : state === 'draft' ? 'draft' : priv ? 'private' : undefined;
  const org = p.organization && typeof p.organization === 'object' ? (p.organization as Record<string, unknown>) : null;

  const extras: Record<string, string> = {};
  if (Array.isArray(p.extras)) {
    for (const e of p.extras) {
      if (!e || typeof e !== 'object') continue;
      const { key, value } = e as { key?: unknown; value?: unknown };
      if (typeof key !== 'string' || !key || key.length > 200) continue;
      extras[key] = asText(value).slice(0, 10_000);
    }
  }
  const licenseId = str(p.license_id);
  const tags = Array.isArray(p.tags) ? p.tags.map((t) => (t && typeof t === 'object' ? (t as { name?: unknown }).name : t)) : [];
  const groups = Array.isArray(p.groups) ? p.groups.map((g) => (g && typeof g === 'object' ? (g as { name?: unknown }).name : g)).filter((g): g is string => typeof g === 'string') : [];
  const resources: DataDict[] = [];
  if (Array.isArray(p.resources)) {
    for (const [i, r] of p.resources.entries()) {
      if (!r || typeof r !== 'object') return { ok: false, remoteId, remoteName, reason: `resource ${i + 1} is not a JSON object` };
      const x = r as Record<string, unknown>;
      if (x.state === 'deleted') continue;
      const size = typeof x.size === 'number' ? x.size : typeof x.size === 'string' && /^\d+$/.test(x.size.trim()) ? Number(x.size) : null;
      resources.push({
        remote_id: str(x.id) ?? `#${i}`,
        url: str(x.url) ?? '',
        name: str(x.name),
        description: str(x.description),
        format: str(x.format) ?? '',
        mimetype: str(x.mimetype),
        size: size !== null && Number.isSafeInteger(size) && size >= 0 ? size : null,
        hash: str(x.hash) ?? '',
        resource_type: str(x.resource_type),
        created: isoTime(x.created),
        last_modified: isoTime(x.last_modified),
      });
    }
  }
  const dict: DataDict = {
    title: str(p.title) ?? remoteName,
    notes: str(p.notes) ?? '',
    license_id: licenseId,
    license_title: str(p.license_title),
    author: str(p.author),
    author_email: cleanEmail(p.author_email),
    maintainer: str(p.maintainer),
    maintainer_email: cleanEmail(p.maintainer_email),
    url: str(p.url),
    version: str(p.version)?.slice(0, 100) ?? null,
    tags: cleanTags(tags),
    extras,
    groups,
    resources,
  };
  const site = base.replace(/\/+$/, '');
  return { ok: true, remoteId, remoteName, modified, created, withdrawn, remoteOrg: org ? (str(org.name) ?? null) : null, dict, sourceUrl: `${site}/dataset/${encodeURIComponent(remoteName)}` };
}
