/** Helpers for the catalog's tests (not a test file itself). */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { systemActor } from '../core/audit.js';
import type { Role } from '../core/tables.js';
import type { Dialect } from '../core/db/index.js';
import { testApp, type TestApp } from '../../test/helpers.js';
import type { BuildOptions } from '../app.js';
import type { Config } from '../core/config.js';
import { seedReferenceData } from './seed.js';

let seq = 0;

/** The app on a fresh database with the catalog's reference data (organizations, categories, licences). */
export async function catalogApp(dialect: Dialect, opts: BuildOptions & { config?: Partial<Config>; now?: string } = {}): Promise<TestApp> {
  const t = await testApp(dialect, opts);
  await seedReferenceData({ db: t.handle.db, clock: t.clock });
  return t;
}

/** An API token of a new user of the role; publishers belong to `org` (an organization id, default the TMG). */
export async function token(app: FastifyInstance, role: Role, org = '130001'): Promise<string> {
  const email = `catalog-${role}-${++seq}@example.jp`;
  const user = await app.kabuto.auth.createUser(systemActor('test'), {
    email,
    role,
    password: 'correct horse battery staple',
    orgId: role === 'publisher' ? org : null,
    companyId: role === 'member' ? 'c-test' : null,
  });
  return (await app.kabuto.auth.createToken(systemActor('test'), user.id, 'test', null)).token;
}

export type TokenHeader = 'authorization' | 'bearer' | 'x-ckan-api-key';

export function authHeaders(tok: string | undefined, form: TokenHeader = 'authorization'): Record<string, string> {
  if (!tok) return {};
  if (form === 'bearer') return { authorization: `Bearer ${tok}` };
  if (form === 'x-ckan-api-key') return { 'x-ckan-api-key': tok };
  return { authorization: tok };
}

export interface Envelope {
  help: string;
  success: boolean;
  result?: any;
  error?: { __type: string; message?: string; [field: string]: unknown };
}

/** Call an action: POST with a JSON body, or GET with query parameters. */
export async function act(app: FastifyInstance, action: string, data: Record<string, unknown> = {}, opts: { token?: string; header?: TokenHeader; method?: 'GET' | 'POST'; prefix?: string } = {}): Promise<{ status: number; body: Envelope; res: LightMyRequestResponse }> {
  const prefix = opts.prefix ?? '/api/3/action';
  const method = opts.method ?? 'POST';
  const headers = authHeaders(opts.token, opts.header);
  const res =
    method === 'GET'
      ? await app.inject({ method, url: `${prefix}/${encodeURIComponent(action)}?${new URLSearchParams(Object.entries(data).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, asParam(x)]) : [[k, asParam(v)]]))).toString()}`, headers })
      : await app.inject({ method, url: `${prefix}/${encodeURIComponent(action)}`, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(data) });
  let body: Envelope;
  try {
    body = JSON.parse(res.body) as Envelope;
  } catch {
    throw new Error(`${action}: not JSON (${res.statusCode}): ${res.body.slice(0, 300)}`);
  }
  return { status: res.statusCode, body, res };
}

const asParam = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** A minimal valid dataset of an organization. */
export function dataset(name: string, org = 'tokyo', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    title: `データセット ${name}`,
    notes: '東京都のオープンデータ',
    owner_org: org,
    license_id: 'cc-by-4.0',
    tags: [{ name: 'テスト' }, { name: 'open-data' }],
    extras: [{ key: 'frequency', value: '毎月' }],
    groups: [{ name: 'town-planning' }],
    resources: [{ url: 'https://example.jp/data.csv', name: 'データ', format: 'CSV' }],
    ...extra,
  };
}

/** Row counts of the catalog's tables (to show a failed write stored nothing). */
export async function counts(app: FastifyInstance): Promise<Record<string, number>> {
  const db = app.kabuto.db;
  const out: Record<string, number> = {};
  for (const t of ['catalog_datasets', 'catalog_resources', 'catalog_dataset_tags', 'catalog_dataset_extras', 'catalog_dataset_groups', 'catalog_activities', 'catalog_name_redirects', 'catalog_organizations', 'audit_log'] as const) {
    const r = await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}
