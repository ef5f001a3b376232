/**
 * A CKAN-compatible source for tests and the benchmark: node:http on 127.0.0.1, answering
 * package_search and package_list with CKAN's shapes.
 *
 * Shapes follow ckan/ckan at 2dbe2c18f65ec75798c3667dd412c2320ac44ab0:
 * - ckan/logic/action/get.py (package_search: q, fq, sort, rows, start, include_private,
 *   include_deleted → {count, facets, results, sort, search_facets}; package_list: limit, offset →
 *   names of public active datasets in name order), wrapped by ckan/views/api.py in
 *   {help, success, result};
 * - ckan/lib/dictization/model_dictize.py (package_dictize: extras as [{key, value}], tags and groups
 *   as dicts, organization as a dict, resources with position, format possibly empty, times as
 *   ISO 8601 without a zone and with microseconds).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CkanPackage = Record<string, unknown> & { id: string; name: string; metadata_modified: string; private: boolean; state: string };

const ORG = {
  id: '0b9c2b6a-7d1e-4a53-9a4e-1d1b0f3c5a01',
  name: 'meguro-city',
  title: '目黒区',
  type: 'organization',
  description: '',
  image_url: '',
  created: '2020-04-01T00:00:00.000000',
  is_organization: true,
  approval_status: 'approved',
  state: 'active',
};

/** CKAN's timestamp: UTC, no zone, microseconds (model_dictize). */
export function ckanTimestamp(d: Date): string {
  return d.toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$1000');
}

function uuid(n: number, salt: string): string {
  const h = (n * 2654435761 + salt.length * 97).toString(16).padStart(8, '0').slice(-8);
  const tail = n.toString(16).padStart(12, '0').slice(-12);
  return `${h}-${salt.padEnd(4, '0').slice(0, 4)}-4000-8000-${tail}`;
}

/** A package dict as package_show returns it; `over` replaces fields (undefined removes one). */
export function ckanPackage(i: number, modified: Date, over: Record<string, unknown> = {}): CkanPackage {
  const id = uuid(i, 'aaaa');
  const name = `dataset-${String(i).padStart(5, '0')}`;
  const ts = ckanTimestamp(modified);
  const p: Record<string, unknown> = {
    author: null,
    author_email: null,
    creator_user_id: 'f0b3c4d5-0000-4000-8000-000000000001',
    id,
    isopen: true,
    license_id: 'cc-by-4.0',
    license_title: 'Creative Commons Attribution 4.0',
    license_url: 'https://creativecommons.org/licenses/by/4.0/',
    maintainer: '総務部 情報政策課',
    maintainer_email: null,
    metadata_created: '2021-04-01T00:00:00.000000',
    metadata_modified: ts,
    name,
    notes: `目黒区の統計データ ${i}。人口と世帯数を町丁目別に集計したものです。`,
    num_resources: 2,
    num_tags: 2,
    organization: ORG,
    owner_org: ORG.id,
    private: false,
    state: 'active',
    title: `目黒区 町丁別人口 ${i}`,
    type: 'dataset',
    url: '',
    version: null,
    extras: [
      { key: 'frequency', value: '月次' },
      { key: 'spatial', value: '{"type":"Point","coordinates":[139.69,35.64]}' },
    ],
    groups: [],
    tags: [
      { display_name: '人口', id: uuid(1, 'tag0'), name: '人口', state: 'active', vocabulary_id: null },
      { display_name: 'statistics', id: uuid(2, 'tag0'), name: 'statistics', state: 'active', vocabulary_id: null },
    ],
    resources: [
      {
        cache_last_updated: null,
        cache_url: null,
        created: '2021-04-01T00:00:00.000000',
        datastore_active: false,
        description: '町丁別の人口（CSV）',
        format: 'CSV',
        hash: '',
        id: uuid(i, 'r001'),
        last_modified: null,
        metadata_modified: ts,
        mimetype: 'text/csv',
        mimetype_inner: null,
        name: '人口.csv',
        package_id: id,
        position: 0,
        resource_type: null,
        size: 2048,
        state: 'active',
        url: `https://example.org/meguro/${name}/population.csv`,
        url_type: null,
      },
      {
        cache_last_updated: null,
        cache_url: null,
        created: '2021-04-01T00:00:00.000000',
        datastore_active: false,
        description: '',
        // A resource without a format: CKAN keeps ''.
        format: '',
        hash: '',
        id: uuid(i, 'r002'),
        last_modified: null,
        metadata_modified: ts,
        mimetype: null,
        mimetype_inner: null,
        name: 'data',
        package_id: id,
        position: 1,
        resource_type: null,
        size: null,
        state: 'active',
        url: `https://example.org/meguro/${name}/data`,
        url_type: null,
      },
    ],
    relationships_as_object: [],
    relationships_as_subject: [],
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete p[k];
    else p[k] = v;
  }
  return p as CkanPackage;
}

export interface FakeCkanOptions {
  /** Private datasets appear in package_search when asked (a sysadmin's view). */
  showPrivate?: boolean;
  /** Deleted datasets appear in package_search with include_deleted (ckan.search.remove_deleted_packages = false). */
  showDeleted?: boolean;
}

export interface RequestLog {
  action: string;
  params: URLSearchParams;
}

/** A CKAN source; tests change `packages` between runs and read `log`. */
export class FakeCkan {
  readonly packages = new Map<string, CkanPackage>();
  readonly log: RequestLog[] = [];
  /** Answer 500 to matching requests. */
  failWhen: ((r: RequestLog) => boolean) | null = null;
  /** Never answer matching requests (the harvester's timeout must fire). */
  hangWhen: ((r: RequestLog) => boolean) | null = null;
  private server: Server | null = null;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  constructor(readonly opts: FakeCkanOptions = {}) {}

  put(...pkgs: CkanPackage[]): void {
    for (const p of pkgs) this.packages.set(p.id, p);
  }

  /** Datasets (in package_search results) served since the log was last cleared. */
  served(): number {
    return this.log.reduce((n, r) => n + ((r as RequestLog & { served?: number }).served ?? 0), 0);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private send(res: ServerResponse, action: string, status: number, body: unknown): void {
    const env = status === 200 ? { help: `${this.url}/api/3/action/help_show?name=${action}`, success: true, result: body } : body;
    const json = JSON.stringify(env);
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', this.url);
    const m = /^\/api\/3\/action\/([a-z_]+)$/.exec(u.pathname);
    const entry: RequestLog & { served?: number } = { action: m?.[1] ?? u.pathname, params: u.searchParams };
    this.log.push(entry);
    if (this.hangWhen?.(entry)) {
      this.hanging.add(res);
      return;
    }
    if (this.failWhen?.(entry)) {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body><h1>Internal Server Error</h1></body></html>');
      return;
    }
    if (!m) return this.send(res, 'unknown', 404, { help: '', success: false, error: { message: 'Not found', __type: 'Not Found Error' } });
    const p = u.searchParams;
    if (m[1] === 'package_list') {
      const names = [...this.packages.values()].filter((x) => x.state === 'active' && !x.private).map((x) => x.name).sort();
      const limit = Number(p.get('limit') ?? 0);
      const offset = Number(p.get('offset') ?? 0);
      return this.send(res, 'package_list', 200, limit ? names.slice(offset, offset + limit) : names.slice(offset));
    }
    if (m[1] === 'package_search') {
      let list = [...this.packages.values()];
      list = list.filter((x) => (x.state === 'active' || (x.state === 'deleted' && this.opts.showDeleted && p.get('include_deleted') === 'true')) && (!x.private || (this.opts.showPrivate && p.get('include_private') === 'true')));
      const fq = p.get('fq') ?? '';
      const range = /metadata_modified:\[(\S+) TO \*\]/.exec(fq);
      if (fq && !range) return this.send(res, 'package_search', 409, { help: '', success: false, error: { message: 'Search Query Error', __type: 'Search Query Error' } });
      if (range) {
        const from = Date.parse(range[1]!);
        // Solr compares at millisecond precision, inclusive.
        list = list.filter((x) => Date.parse(`${x.metadata_modified.slice(0, 23)}Z`) >= from);
      }
      if ((p.get('sort') ?? '').startsWith('metadata_modified asc')) list.sort((a, b) => (a.metadata_modified < b.metadata_modified ? -1 : a.metadata_modified > b.metadata_modified ? 1 : a.id < b.id ? -1 : 1));
      const rows = Math.min(Number(p.get('rows') ?? 10), 1000);
      const start = Number(p.get('start') ?? 0);
      const results = list.slice(start, start + rows);
      entry.served = results.length;
      return this.send(res, 'package_search', 200, { count: list.length, facets: {}, results, sort: p.get('sort') ?? 'score desc, metadata_modified desc', search_facets: {} });
    }
    return this.send(res, m[1]!, 400, { help: '', success: false, error: { message: `Action name not known: ${m[1]}`, __type: 'Bad request' } });
  }
}
