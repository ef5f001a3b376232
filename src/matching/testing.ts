/** Helpers shared by the matching tests (not a test file itself). */
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../test/helpers.js';
import { TEST_PASSWORD } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import type { Role } from '../core/tables.js';
import { companiesService } from '../companies/index.js';

export interface Caller {
  id: number;
  token: string;
  email: string;
  companyId: number | null;
}

let seq = 0;

/** A user of the role with an API token; a member acts for `companyId`. */
export async function caller(t: TestApp, role: Role, companyId?: number): Promise<Caller> {
  const n = ++seq;
  const email = `${role}-match${n}-${process.pid}@example.jp`;
  const user = await t.app.kabuto.auth.createUser(systemActor('test'), {
    email,
    displayName: `${role} ${n}`,
    role,
    password: TEST_PASSWORD,
    orgId: role === 'publisher' ? '130001' : null,
    companyId: role === 'member' ? String(companyId ?? 999_999) : null,
  });
  const { token } = await t.app.kabuto.auth.createToken(systemActor('test'), user.id, 'test', null);
  return { id: user.id, token, email, companyId: role === 'member' ? (companyId ?? null) : null };
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export function api(t: TestApp, who: Caller | null) {
  const call = (method: Method, url: string, payload?: unknown, lang?: 'ja' | 'en'): Promise<LightMyRequestResponse> =>
    t.app.inject({
      method,
      url: `/api/v1/matching${url}`,
      headers: { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...(lang ? { 'accept-language': lang } : {}) },
      payload: payload as object | undefined,
    });
  return {
    call,
    get: (url: string, lang?: 'ja' | 'en') => call('GET', url, undefined, lang),
    post: (url: string, payload: unknown = {}) => call('POST', url, payload),
    patch: (url: string, payload: unknown) => call('PATCH', url, payload),
    put: (url: string, payload: unknown) => call('PUT', url, payload),
    del: (url: string) => call('DELETE', url),
  };
}

/** The JSON body of a response that must have the status (the body is shown when it does not). */
export function ok<T = any>(res: LightMyRequestResponse, status = 200): T {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body.slice(0, 600)}`);
  return res.json() as T;
}

let companySeq = 0;

/** A company in the registry: foreign (country ≠ JP, not in Tokyo), Tokyo (JP, Chiyoda-ku), or Japanese outside Tokyo. */
export async function company(t: TestApp, where: 'foreign' | 'tokyo' | 'osaka', over: { nameEn?: string; nameJa?: string; jsic?: string; country?: string } = {}): Promise<number> {
  const n = ++companySeq;
  const { company: c } = await companiesService(t.app.kabuto).create(systemActor('test'), {
    nameEn: over.nameEn ?? `${where === 'foreign' ? 'Overseas' : 'Local'} Test Company ${n} ${Math.random().toString(36).slice(2, 7)}`,
    nameJa: over.nameJa ?? null,
    country: where === 'foreign' ? (over.country ?? 'GB') : 'JP',
    lgCode: where === 'tokyo' ? '131016' : where === 'osaka' ? '271004' : null,
    jsicMajor: over.jsic ?? 'G',
  });
  return c.id;
}

/** Rows in a table (to prove that a refused write stored nothing). */
export async function count(t: TestApp, table: string, where?: [string, string, unknown]): Promise<number> {
  let q = (t.handle.db as any).selectFrom(table).select((eb: any) => eb.fn.countAll().as('n'));
  if (where) q = q.where(...where);
  const r = await q.executeTakeFirstOrThrow();
  return Number(r.n);
}

const TABLES = ['matching_profiles', 'matching_cards', 'matching_requests', 'matching_meetings', 'matching_ratings', 'matching_followups', 'matching_fairs', 'matching_fair_participants', 'matching_fair_unavailable', 'audit_log', 'mail_outbox'] as const;

/** Every row count the module writes, the audit log and the outbox, at once. */
export async function snapshot(t: TestApp): Promise<Record<(typeof TABLES)[number], number>> {
  const out = {} as Record<(typeof TABLES)[number], number>;
  for (const table of TABLES) out[table] = await count(t, table);
  return out;
}

/** A card posted by a member and approved by staff: public in the marketplace. */
export async function publicCard(t: TestApp, owner: Caller, staff: Caller, body: Record<string, unknown>): Promise<any> {
  const card = ok(await api(t, owner).post('/cards', body), 201);
  return ok(await api(t, staff).post(`/cards/${card.id}/review`, { decision: 'approved' }));
}
