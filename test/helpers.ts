import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, SESSION_COOKIE, type BuildOptions } from '../src/app.js';
import { testConfig, type Config } from '../src/core/config.js';
import { FixedClock } from '../src/core/clock.js';
import { openDatabase, type DatabaseHandle, type Dialect } from '../src/core/db/index.js';
import type { Role } from '../src/core/tables.js';
import { systemActor } from '../src/core/audit.js';

/** Where the test PostgreSQL lives; override with KABUTO_TEST_PG (a server URL without a database name). */
export const PG_SERVER = process.env.KABUTO_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
export const IN_CI = process.env.CI === 'true';

async function checkPg(): Promise<string | null> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgProblem = await checkPg();

/** Dialects to run on: SQLite always, PostgreSQL when reachable (and always under CI, where its absence fails). */
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/**
 * `skip` option for a PostgreSQL suite: a reason outside CI when the server is unreachable; under CI
 * never skip (the suite then fails on connect, which is what we want).
 */
export function skipFor(dialect: Dialect): string | false {
  if (dialect !== 'postgres' || !pgProblem || IN_CI) return false;
  return `PostgreSQL at ${PG_SERVER} is unreachable (${pgProblem}); skipping PostgreSQL tests outside CI`;
}

export interface TestDatabase {
  dialect: Dialect;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database: in-memory SQLite, or a new PostgreSQL database dropped afterwards. */
export async function freshDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') return { dialect, url: 'sqlite::memory:', drop: async () => undefined };
  const name = `kabuto_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    dialect,
    url: `${PG_SERVER}/${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  clock: FixedClock;
  handle: DatabaseHandle;
  config: Config;
  close(): Promise<void>;
}

/** Build the app on a fresh database of the dialect. The clock stands on 2019-06-15 (FY2019) unless told. */
export async function testApp(dialect: Dialect, opts: BuildOptions & { config?: Partial<Config>; now?: string } = {}): Promise<TestApp> {
  const tdb = await freshDatabase(dialect);
  const config = testConfig({ databaseUrl: tdb.url, ...opts.config });
  const handle = openDatabase(tdb.url);
  const clock = opts.clock instanceof FixedClock ? opts.clock : new FixedClock(new Date(opts.now ?? '2019-06-15T03:00:00Z'));
  const app = await buildApp(config, { ...opts, clock, handle });
  await app.ready();
  return {
    app,
    clock,
    handle,
    config,
    close: async () => {
      await app.close();
      await handle.close();
      await tdb.drop();
    },
  };
}

export interface Session {
  user: { id: number; email: string; role: Role };
  /** Cookie header to send. */
  cookie: string;
  /** A CSRF token valid for this session (send as _csrf in forms or x-csrf-token on JSON). */
  csrf: string;
}

function cookiesOf(res: LightMyRequestResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of res.cookies) out[c.name] = c.value;
  return out;
}

export function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** The CSRF token in a page's hidden _csrf field. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field on the page');
  return m[1]!;
}

let userSeq = 0;
export const TEST_PASSWORD = 'correct horse battery staple';

/** Create a user of the role (scoped where the role needs it) and sign in through the real login form. */
export async function loginAs(app: FastifyInstance, role: Role, opts: { email?: string; orgId?: string; companyId?: string } = {}): Promise<Session> {
  const email = opts.email ?? `${role}${++userSeq}@example.jp`;
  const user = await app.kabuto.auth.createUser(systemActor('test'), {
    email,
    role,
    password: TEST_PASSWORD,
    orgId: role === 'publisher' ? (opts.orgId ?? '130001') : null,
    companyId: role === 'member' ? (opts.companyId ?? 'c-test') : null,
  });
  return signIn(app, { id: user.id, email, role });
}

export async function signIn(app: FastifyInstance, user: Session['user'], password = TEST_PASSWORD): Promise<Session> {
  const form = await app.inject({ method: 'GET', url: '/login' });
  const jar = cookiesOf(form);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email: user.email, password, _csrf: csrfFrom(form.body), next: '/' }).toString(),
  });
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
  Object.assign(jar, cookiesOf(res));
  if (!jar[SESSION_COOKIE]) throw new Error('no session cookie after login');
  const account = await app.inject({ method: 'GET', url: '/account', headers: { cookie: cookieHeader(jar) } });
  return { user, cookie: cookieHeader(jar), csrf: csrfFrom(account.body) };
}

/** An API token for a new user of the role. */
export async function tokenFor(app: FastifyInstance, role: Role): Promise<string> {
  const email = `${role}-token${++userSeq}@example.jp`;
  const user = await app.kabuto.auth.createUser(systemActor('test'), {
    email,
    role,
    password: TEST_PASSWORD,
    orgId: role === 'publisher' ? '130001' : null,
    companyId: role === 'member' ? 'c-test' : null,
  });
  const { token } = await app.kabuto.auth.createToken(systemActor('test'), user.id, 'test', null);
  return token;
}
