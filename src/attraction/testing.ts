/** Helpers shared by the attraction tests (not a test file itself). */
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../test/helpers.js';
import { TEST_PASSWORD } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import type { Role } from '../core/tables.js';

export interface Caller {
  id: number;
  token: string;
}

let seq = 0;

/** A user of the role with an API token. */
export async function caller(t: TestApp, role: Role, displayName?: string): Promise<Caller> {
  const n = ++seq;
  const user = await t.app.kabuto.auth.createUser(systemActor('test'), {
    email: `${role}-attr${n}-${process.pid}@example.jp`,
    displayName: displayName ?? `${role} ${n}`,
    role,
    password: TEST_PASSWORD,
    orgId: role === 'publisher' ? '130001' : null,
    companyId: role === 'member' ? 'c-test' : null,
  });
  const { token } = await t.app.kabuto.auth.createToken(systemActor('test'), user.id, 'test', null);
  return { id: user.id, token };
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export function api(t: TestApp, who: Caller | null) {
  const call = (method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    t.app.inject({ method, url: `/api/v1/attraction${url}`, headers: who ? { authorization: `Bearer ${who.token}` } : {}, payload: payload as object | undefined });
  return {
    call,
    get: (url: string) => call('GET', url),
    post: (url: string, payload: unknown) => call('POST', url, payload),
    patch: (url: string, payload: unknown) => call('PATCH', url, payload),
    del: (url: string) => call('DELETE', url),
  };
}

let companySeq = 0;

/** A lead for a new foreign company, created through the API; returns its detail. */
export async function newLead(t: TestApp, who: Caller, over: Record<string, unknown> = {}): Promise<any> {
  const n = ++companySeq;
  const res = await api(t, who).post('/leads', {
    company: { nameEn: `Example Holdings ${n} ${Math.random().toString(36).slice(2, 8)}`, country: 'GB' },
    sector: 'fintech',
    origin: 'event',
    ...over,
  });
  if (res.statusCode !== 201) throw new Error(`creating a lead answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Walk a lead along the path to a stage, with valid fields for each step. */
export async function advance(t: TestApp, who: Caller, id: number, to: 'contacted' | 'consulting' | 'decided' | 'established', dates: { contact?: string; consult?: string; decided?: string; established?: string } = {}): Promise<any> {
  const a = api(t, who);
  const order = ['contacted', 'consulting', 'decided', 'established'] as const;
  let last: any;
  for (const step of order.slice(0, order.indexOf(to) + 1)) {
    const current = (await a.get(`/leads/${id}`)).json();
    if (order.indexOf(current.stage) >= order.indexOf(step)) continue;
    if (step === 'consulting' && current.consultations.length === 0) {
      const c = await a.post(`/leads/${id}/consultations`, { date: dates.consult ?? dates.contact ?? '2019-05-10', topic: 'Business plan review' });
      if (c.statusCode !== 201) throw new Error(`consultation answered ${c.statusCode}: ${c.body}`);
    }
    const body =
      step === 'contacted'
        ? { to: step, firstContactDate: dates.contact ?? '2019-05-01', contactChannel: 'meeting' }
        : step === 'consulting'
          ? { to: step }
          : step === 'decided'
            ? { to: step, decisionDate: dates.decided ?? dates.established ?? '2019-05-20', plannedEntityType: 'kabushiki-kaisha' }
            : { to: step, establishedDate: dates.established ?? '2019-06-01', officeAddress: '1-1 Marunouchi, Chiyoda-ku, Tokyo', entityType: 'kabushiki-kaisha', staffCount: 5 };
    const res = await a.post(`/leads/${id}/moves`, body);
    if (res.statusCode !== 200) throw new Error(`move to ${step} answered ${res.statusCode}: ${res.body}`);
    last = res.json();
  }
  return last ?? (await a.get(`/leads/${id}`)).json();
}

/** Rows in a table (to prove that a refused write stored nothing). */
export async function count(t: TestApp, table: 'attraction_leads' | 'attraction_stage_history' | 'attraction_consultations' | 'attraction_tasks' | 'attraction_other_establishments' | 'audit_log' | 'companies'): Promise<number> {
  const r = await (t.handle.db as any).selectFrom(table).select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

const TABLES = ['attraction_leads', 'attraction_stage_history', 'attraction_consultations', 'attraction_tasks', 'attraction_other_establishments', 'audit_log', 'companies'] as const;

/** Every row count the module writes, and the audit log, at once. */
export async function snapshot(t: TestApp): Promise<Record<(typeof TABLES)[number], number>> {
  const out = {} as Record<(typeof TABLES)[number], number>;
  for (const table of TABLES) out[table] = await count(t, table);
  return out;
}
