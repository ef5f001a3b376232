import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { RouteInfo } from '../../src/app.js';
import type { KabutoModule } from '../../src/core/context.js';
import { ROLES, type Role } from '../../src/core/tables.js';
import { DIALECTS, skipFor, testApp, loginAs, type TestApp, type Session } from '../helpers.js';

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Write routes we know of: the enumeration must find at least these, so the test cannot pass on an empty list. */
const KNOWN_WRITES: Array<[string, string, RouteInfo['auth'] | 'public']> = [
  ['POST', '/login', 'public'],
  ['POST', '/logout', 'signed-in'],
  ['POST', '/account/password', 'signed-in'],
  ['POST', '/admin/users/:id/role', ['admin']],
  ['POST', '/admin/users/:id/active', ['admin']],
  ['POST', '/admin/tokens', ['admin']],
  ['POST', '/admin/tokens/:id/revoke', ['admin']],
];

/**
 * Write routes anyone may call. Adding one is a security decision: name it here, with the reason.
 * Compatibility APIs (config.compat) keep their own access rules and are checked by their own tests.
 */
const PUBLIC_WRITES = new Map<string, string>([['POST /login', 'signing in is what an anonymous caller does; CSRF and throttling protect it']]);

/** A plausible value for a route parameter, so the request reaches the route rather than a 404. */
function fillParams(url: string): string {
  return url
    .replace(/:(\w+)(\([^)]*\))?/g, (_m, name: string, pattern: string | undefined) => {
      if (/year|fy/i.test(name)) return '2020';
      if (/id$/i.test(name) || (pattern && /\\d/.test(pattern))) return '1';
      return 'x';
    })
    .replace(/\*/g, 'x');
}

interface Finding {
  route: string;
  problem: string;
}

/**
 * Call every non-public write route anonymously (expect 401) and, for a role list, as a signed-in
 * user of a role outside the list with a valid CSRF token (expect 403 for the role, not for CSRF).
 */
async function checkWriteRoutes(app: FastifyInstance, sessions: Record<Role, Session>): Promise<{ checked: string[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  const checked: string[] = [];
  const writes = app.routeInfo.filter((r) => WRITE.has(r.method));
  for (const r of writes) {
    const route = `${r.method} ${r.url}`;
    if (r.public) {
      if (!PUBLIC_WRITES.has(route) && !r.compat) findings.push({ route, problem: 'is public but not on the list of public write routes' });
      continue;
    }
    if (!r.auth) {
      findings.push({ route, problem: 'declares no auth' });
      continue;
    }
    checked.push(route);
    const url = fillParams(r.url);
    const payload = r.method === 'DELETE' ? undefined : {};
    const anon = await app.inject({ method: r.method as 'POST', url, headers: { accept: 'application/json', 'content-type': 'application/json' }, payload });
    if (anon.statusCode !== 401) findings.push({ route, problem: `anonymous caller got ${anon.statusCode}, not 401` });
    else if (!r.compat && !/"code":"unauthenticated"/.test(anon.body)) findings.push({ route, problem: `anonymous 401 is not problem+json unauthenticated: ${anon.body.slice(0, 120)}` });

    if (r.auth === 'signed-in') continue;
    // Every role outside the list (none when the list names every role: the same as signed-in).
    for (const outsider of ROLES.filter((role) => !(r.auth as readonly string[]).includes(role))) {
      const s = sessions[outsider];
      const wrong = await app.inject({
        method: r.method as 'POST',
        url,
        headers: { accept: 'application/json', 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
        payload,
      });
      if (wrong.statusCode !== 403) findings.push({ route, problem: `${outsider} got ${wrong.statusCode}, not 403` });
      else if (!r.compat && !/"code":"forbidden"/.test(wrong.body)) findings.push({ route, problem: `${outsider} was refused, but not for the role: ${wrong.body.slice(0, 120)}` });
    }
  }
  return { checked, findings };
}

async function signInEveryRole(app: FastifyInstance): Promise<Record<Role, Session>> {
  const out = {} as Record<Role, Session>;
  for (const role of ROLES) out[role] = await loginAs(app, role);
  return out;
}

for (const dialect of DIALECTS) {
  describe(`route security [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let sessions: Record<Role, Session>;
    before(async () => {
      t = await testApp(dialect); // every domain module, as in production
      sessions = await signInEveryRole(t.app);
    });
    after(async () => t?.close());

    it('refuses every write route to an anonymous caller (401) and to a signed-in caller of the wrong role (403)', async () => {
      const info = t.app.routeInfo;
      for (const [method, url, auth] of KNOWN_WRITES) {
        const r = info.find((x) => x.method === method && x.url === url);
        assert.ok(r, `${method} ${url} is registered and enumerated`);
        if (auth === 'public') assert.equal(r.public, true, `${method} ${url} is public`);
        else assert.deepEqual(r.auth, auth, `${method} ${url} declares ${JSON.stringify(auth)}`);
      }
      const { checked, findings } = await checkWriteRoutes(t.app, sessions);
      assert.ok(checked.length >= KNOWN_WRITES.length - 1, `checked ${checked.length} write routes`);
      assert.deepEqual(findings, [], findings.map((f) => `${f.route} ${f.problem}`).join('\n'));
    });

    it('enumerates every route Fastify registered, reads included', async () => {
      const info = t.app.routeInfo;
      for (const [method, url] of [
        ['GET', '/'],
        ['GET', '/login'],
        ['GET', '/account'],
        ['GET', '/admin'],
        ['GET', '/admin/audit'],
        ['GET', '/healthz'],
      ] as const) {
        assert.ok(info.some((r) => r.method === method && r.url === url), `${method} ${url}`);
      }
      for (const r of info) assert.ok(t.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url} exists in the router`);
    });
  });
}

describe('route security check', () => {
  // A module with the mistakes the check must catch. Its routes are deliberately wrong.
  const broken: KabutoModule = {
    name: 'broken',
    async routes(app) {
      // A write left open to everyone.
      app.post('/broken/open', { config: { public: true } }, async () => ({ ok: true }));
      // A write whose scope turns every error into a success, so neither refusal reaches the caller.
      await app.register(async (scope) => {
        scope.setErrorHandler((_err, _req, reply) => reply.status(200).send({ ok: true }));
        scope.post('/broken/swallowed', { config: { auth: ['admin'] } }, async () => ({ ok: true }));
      });
      // A write that hides itself behind 404 instead of refusing.
      await app.register(async (scope) => {
        scope.setErrorHandler((_err, _req, reply) => reply.status(404).send({ code: 'not-found' }));
        scope.post('/broken/hidden', { config: { auth: ['admin', 'staff'] } }, async () => ({ ok: true }));
      });
    },
  };
  let t: TestApp;
  before(async () => {
    t = await testApp('sqlite', { modules: [broken] });
  });
  after(async () => t?.close());

  it('reports a public write route, a swallowed refusal and a wrong-role refusal with the wrong status', async () => {
    const { findings } = await checkWriteRoutes(t.app, await signInEveryRole(t.app));
    const about = (route: string) => findings.filter((f) => f.route === route).map((f) => f.problem);
    assert.equal(about('POST /broken/open').length, 1);
    assert.match(about('POST /broken/open')[0]!, /public/);
    assert.deepEqual(about('POST /broken/swallowed'), ['anonymous caller got 200, not 401', 'staff got 200, not 403', 'publisher got 200, not 403', 'member got 200, not 403']);
    assert.deepEqual(about('POST /broken/hidden'), ['anonymous caller got 404, not 401', 'publisher got 404, not 403', 'member got 404, not 403']);
    assert.ok(!findings.some((f) => !f.route.startsWith('POST /broken/')), 'the real routes pass');
  });

  it('refuses to build an app with a write route that declares neither auth nor public', async () => {
    const undeclared: KabutoModule = { name: 'undeclared', routes: (app) => void app.post('/undeclared', async () => ({})) };
    await assert.rejects(testApp('sqlite', { modules: [undeclared] }), /POST \/undeclared declares neither config\.auth nor config\.public/);
  });
});
