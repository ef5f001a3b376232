import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, SESSION_COOKIE } from '../../src/app.js';
import { testConfig, type Config } from '../../src/core/config.js';
import { FixedClock } from '../../src/core/clock.js';
import { openDatabase } from '../../src/core/db/index.js';
import { systemActor } from '../../src/core/audit.js';
import { sha256, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '../../src/core/auth/service.js';
import { coreMessages } from '../../src/core/i18n/core-messages.js';
import type { Role } from '../../src/core/tables.js';
import { DIALECTS, skipFor, testApp, loginAs, signIn, tokenFor, freshDatabase, cookieHeader, csrfFrom, TEST_PASSWORD, type TestApp, type Session } from '../helpers.js';
import { probeModule, postForm, postLogin, loginForm, formBody, FORM, sessionCookieOf, assertProblem, isSignedIn, visibleText, errorSummary } from './support.js';
import { JAPANESE_SCRIPT } from '../../src/core/i18n/index.js';

let seq = 0;
const ja = coreMessages.ja;
const en = coreMessages.en;

for (const dialect of DIALECTS) {
  describe(`sign-in, sessions and API tokens [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp(dialect, { modules: [probeModule] });
    });
    after(async () => t?.close());

    async function newUser(role: Role = 'staff', password = TEST_PASSWORD) {
      const email = `auth${++seq}-${role}@example.jp`;
      const user = await t.app.kabuto.auth.createUser(systemActor('test'), {
        email,
        role,
        password,
        orgId: role === 'publisher' ? '130001' : null,
        companyId: role === 'member' ? 'c-1' : null,
      });
      return { id: user.id, email, role };
    }
    const sessionsOf = async (userId: number) => t.handle.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();
    const passwordHashOf = async (userId: number) => (await t.handle.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow()).password_hash;

    it('signs in with the right password: 303 to the next page and an HttpOnly, SameSite session cookie kept only as a hash', async () => {
      const u = await newUser();
      const res = await postLogin(t.app, u.email, TEST_PASSWORD, { next: '/account' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/account');
      const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
      assert.ok(cookie?.value, 'a session cookie is set');
      assert.equal(cookie.httpOnly, true);
      assert.match(String(cookie.sameSite), /^(lax|strict)$/i);
      assert.equal(cookie.path, '/');
      assert.equal(cookie.secure, undefined, 'not Secure when cookieSecure is off (plain-HTTP development)');
      const rows = await sessionsOf(u.id);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.id_hash, sha256(cookie.value), 'the database keeps the hash of the cookie');
      assert.ok(!JSON.stringify(rows).includes(cookie.value), 'the clear cookie value is not stored');
      const account = await t.app.inject({ url: '/account', headers: { cookie: `${SESSION_COOKIE}=${cookie.value}` } });
      assert.equal(account.statusCode, 200);
      assert.ok(account.body.includes(u.email));
    });

    it('signs in whatever the case of the email and the spaces around it', async () => {
      const u = await newUser();
      const res = await postLogin(t.app, `  ${u.email.toUpperCase()} `, TEST_PASSWORD);
      assert.equal(res.statusCode, 303);
      assert.ok(sessionCookieOf(res));
    });

    it('touches a session in the database at most every few minutes, not on every request', async () => {
      const s = await loginAs(t.app, 'staff');
      const seen = async () => (await sessionsOf(s.user.id))[0]!.last_seen_at;
      const first = await seen();
      t.clock.advance(60_000);
      assert.equal(await isSignedIn(t.app, s.cookie), true);
      assert.equal(await seen(), first, 'a request a minute later writes nothing');
      t.clock.advance(5 * 60_000);
      assert.equal(await isSignedIn(t.app, s.cookie), true);
      assert.equal(await seen(), t.clock.now().toISOString(), 'after a few minutes the use is recorded');
    });

    it('sends the user back only to a local page after sign-in', async () => {
      const u = await newUser();
      for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
        const res = await postLogin(t.app, u.email, TEST_PASSWORD, { next });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, '/', `next=${next}`);
      }
    });

    it('refuses a wrong password with 401 and the form again, saying the same as for an unknown email', async () => {
      const u = await newUser();
      const wrong = await postLogin(t.app, u.email, 'not the password at all', { remoteAddress: '10.0.1.1' });
      const unknown = await postLogin(t.app, `nobody${seq}@example.jp`, 'not the password at all', { remoteAddress: '10.0.1.1' });
      for (const res of [wrong, unknown]) {
        assert.equal(res.statusCode, 401);
        assert.match(String(res.headers['content-type']), /^text\/html/);
        assert.equal(sessionCookieOf(res), undefined, 'no session cookie on failure');
        assert.ok(visibleText(res.body).includes(ja['login.failed']), 'the failure message is shown');
        assert.ok(res.body.includes('action="/login"'), 'the form is shown again');
        csrfFrom(res.body);
      }
      assert.ok(wrong.body.includes(`value="${u.email}"`), 'the email is kept in the form');
      const msg = (html: string) => /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1];
      assert.equal(msg(wrong.body), msg(unknown.body), 'an unknown email and a wrong password read the same');
      assert.equal((await sessionsOf(u.id)).length, 0);
    });

    it(`throttles an email after ${LOGIN_MAX_FAILURES} failed sign-ins with 429 and retry-after, even with the right password, until the window passes`, async () => {
      const u = await newUser();
      for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
        const res = await postLogin(t.app, u.email, `wrong password ${i}`, { remoteAddress: '10.0.2.1' });
        assert.equal(res.statusCode, 401, `failure ${i + 1}`);
      }
      // A different address: the email is throttled, not just the address.
      const blocked = await postLogin(t.app, u.email, TEST_PASSWORD, { remoteAddress: '10.0.2.2' });
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.headers['retry-after'], String(LOGIN_WINDOW_MS / 1000));
      assert.equal(sessionCookieOf(blocked), undefined);
      assert.ok(visibleText(blocked.body).includes(ja['login.throttled']));
      t.clock.advance(LOGIN_WINDOW_MS + 1000);
      const later = await postLogin(t.app, u.email, TEST_PASSWORD, { remoteAddress: '10.0.2.2' });
      assert.equal(later.statusCode, 303, 'the window has passed');
    });

    it('throttles a client address that fails on many different emails', async () => {
      const ip = '10.0.3.1';
      for (let i = 0; i < LOGIN_MAX_FAILURES * 4; i++) {
        const res = await postLogin(t.app, `spray${seq}-${i}@example.jp`, 'guess guess guess', { remoteAddress: ip });
        assert.equal(res.statusCode, 401, `failure ${i + 1}`);
      }
      const u = await newUser();
      assert.equal((await postLogin(t.app, u.email, TEST_PASSWORD, { remoteAddress: ip })).statusCode, 429);
      assert.equal((await postLogin(t.app, u.email, TEST_PASSWORD, { remoteAddress: '10.0.3.2' })).statusCode, 303);
    });

    it('counts failures against the connecting address, not one the client claims in X-Forwarded-For', async () => {
      const f = await loginForm(t.app);
      const res = await t.app.inject({
        method: 'POST',
        url: '/login',
        headers: { ...FORM, cookie: f.cookie, 'x-forwarded-for': '203.0.113.7' },
        payload: formBody({ email: `xff${++seq}@example.jp`, password: 'wrong wrong wrong', _csrf: f.csrf }),
        remoteAddress: '10.0.6.1',
      });
      assert.equal(res.statusCode, 401);
      const keys = (await t.handle.db.selectFrom('login_attempts').select('key').where('key', 'like', 'ip:%').execute()).map((r) => r.key);
      assert.ok(keys.includes('ip:10.0.6.1'));
      assert.ok(!keys.includes('ip:203.0.113.7'), 'a forged header would let a client spread its failures over made-up addresses');
    });

    it('refuses a deactivated user at sign-in and ends their sessions and API tokens', async () => {
      const u = await newUser();
      const s = await signIn(t.app, u);
      const { token } = await t.app.kabuto.auth.createToken(systemActor('test'), u.id, 'laptop', null);
      const bearer = { authorization: `Bearer ${token}`, accept: 'application/json' };
      assert.equal(await isSignedIn(t.app, s.cookie), true);
      assert.equal((await t.app.inject({ url: '/api/v1/_probe/whoami', headers: bearer })).statusCode, 200);

      await t.app.kabuto.auth.setActive(systemActor('test'), u.id, false);

      assert.equal(await isSignedIn(t.app, s.cookie), false, 'the session no longer signs in');
      assert.equal((await sessionsOf(u.id)).length, 0, 'the session rows are gone');
      assertProblem(await t.app.inject({ url: '/api/v1/_probe/whoami', headers: bearer }), 401, 'token-invalid');
      const login = await postLogin(t.app, u.email, TEST_PASSWORD, { remoteAddress: '10.0.4.1' });
      assert.equal(login.statusCode, 403);
      assert.equal(sessionCookieOf(login), undefined);
      assert.ok(visibleText(login.body).includes(ja['login.inactive']));

      // Reactivation lets the user sign in again but does not bring the revoked token back.
      await t.app.kabuto.auth.setActive(systemActor('test'), u.id, true);
      assertProblem(await t.app.inject({ url: '/api/v1/_probe/whoami', headers: bearer }), 401, 'token-invalid');
      assert.equal((await postLogin(t.app, u.email, TEST_PASSWORD, { remoteAddress: '10.0.4.1' })).statusCode, 303);
    });

    it('signs out: the session row is deleted, the cookie cleared and no longer accepted', async () => {
      const s = await loginAs(t.app, 'staff');
      assert.equal((await sessionsOf(s.user.id)).length, 1);
      const res = await postForm(t.app, '/logout', s, {});
      assert.equal(res.statusCode, 303);
      const cleared = res.cookies.find((c) => c.name === SESSION_COOKIE);
      assert.ok(cleared && (cleared.value === '' || (cleared.expires && cleared.expires.getTime() < Date.now())), 'the cookie is cleared');
      assert.equal((await sessionsOf(s.user.id)).length, 0);
      assert.equal(await isSignedIn(t.app, s.cookie), false);
    });

    it('refuses a password change with the wrong current password: 422, the form with a message, nothing changed', async () => {
      const s = await loginAs(t.app, 'staff');
      const hash = await passwordHashOf(s.user.id);
      const res = await postForm(t.app, '/account/password', s, { current_password: 'this is not it!', new_password: 'a brand new password', confirm_password: 'a brand new password' });
      assert.equal(res.statusCode, 422);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.ok(res.body.includes('action="/account/password"'), 'the form is shown again');
      assert.match(res.body, /class="error-summary"/);
      assert.match(res.body, /href="#f-current_password"/, 'the message points at the current password field');
      const input = /<input [^>]*id="f-current_password"[^>]*>/.exec(res.body)?.[0] ?? '';
      for (const attr of ['type="password"', 'aria-describedby="f-current_password-error"', 'aria-invalid="true"']) assert.ok(input.includes(attr), `the field is marked invalid and says why: ${attr} in ${input}`);
      assert.doesNotMatch(res.body, /this is not it!|a brand new password/, 'no password is written back into the page');
      assert.equal(await passwordHashOf(s.user.id), hash);
      assert.equal(await isSignedIn(t.app, s.cookie), true);
    });

    it('refuses a new password that is too short or not confirmed, with 422', async () => {
      const s = await loginAs(t.app, 'staff');
      const hash = await passwordHashOf(s.user.id);
      const short = await postForm(t.app, '/account/password', s, { current_password: TEST_PASSWORD, new_password: 'short', confirm_password: 'short' });
      assert.equal(short.statusCode, 422);
      assert.match(short.body, /href="#f-new_password"/);
      const mismatch = await postForm(t.app, '/account/password', s, { current_password: TEST_PASSWORD, new_password: 'a brand new password', confirm_password: 'another new password' });
      assert.equal(mismatch.statusCode, 422);
      assert.ok(visibleText(mismatch.body).includes(ja['account.mismatch']));
      assert.match(mismatch.body, /href="#f-confirm_password"/);
      assert.equal(await passwordHashOf(s.user.id), hash);
    });

    it('explains a refused password change in the reader’s language, linked to the field', async () => {
      const s = await loginAs(t.app, 'staff');
      const wrong = { current_password: 'this is not it!', new_password: 'a brand new password', confirm_password: 'a brand new password' };
      const short = { current_password: TEST_PASSWORD, new_password: 'short', confirm_password: 'short' };
      assert.deepEqual(errorSummary((await postForm(t.app, '/account/password', s, wrong)).body), [ja['account.wrongCurrent']]);
      assert.deepEqual(errorSummary((await postForm(t.app, '/account/password', s, short)).body), [ja['account.tooShort'].replace('{min}', '12')]);
      const english = { ...s, cookie: `${s.cookie}; lang=en` };
      const enWrong = errorSummary((await postForm(t.app, '/account/password', english, wrong)).body);
      assert.deepEqual(enWrong, [en['account.wrongCurrent']]);
      assert.ok(!JAPANESE_SCRIPT.test(enWrong.join(' ')));
    });

    it('changes the password: ends the other sessions, keeps the current one, and the old password stops working', async () => {
      const here = await loginAs(t.app, 'staff');
      const elsewhere = await signIn(t.app, here.user);
      assert.equal((await sessionsOf(here.user.id)).length, 2);
      const next = 'a brand new password 2';
      const res = await postForm(t.app, '/account/password', here, { current_password: TEST_PASSWORD, new_password: next, confirm_password: next });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/account?done=1');
      assert.equal(await isSignedIn(t.app, here.cookie), true, 'the session that changed the password stays');
      assert.equal(await isSignedIn(t.app, elsewhere.cookie), false, 'the other session has ended');
      assert.equal((await sessionsOf(here.user.id)).length, 1);
      assert.equal((await postLogin(t.app, here.user.email, TEST_PASSWORD, { remoteAddress: '10.0.5.1' })).statusCode, 401);
      assert.equal((await postLogin(t.app, here.user.email, next, { remoteAddress: '10.0.5.1' })).statusCode, 303);
      const audit = await t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.password-change').where('entity_id', '=', String(here.user.id)).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_id, here.user.id);
      assert.ok(!JSON.stringify(audit).includes('$argon2'), 'no password hash in the audit log');
    });

    describe('CSRF', () => {
      it('refuses the login form without a CSRF token (403) and signs nobody in', async () => {
        const u = await newUser();
        const f = await loginForm(t.app);
        const res = await t.app.inject({ method: 'POST', url: '/login', headers: { ...FORM, cookie: f.cookie }, payload: formBody({ email: u.email, password: TEST_PASSWORD }) });
        assert.equal(res.statusCode, 403);
        assert.equal(sessionCookieOf(res), undefined);
        assert.equal((await sessionsOf(u.id)).length, 0);
      });

      it('refuses a form post without _csrf, with a wrong one, or with another session’s (403) and changes nothing', async () => {
        const s = await loginAs(t.app, 'staff');
        const other = await loginAs(t.app, 'staff');
        const hash = await passwordHashOf(s.user.id);
        const fields = { current_password: TEST_PASSWORD, new_password: 'csrf would change this', confirm_password: 'csrf would change this' };
        for (const csrf of [null, 'not-a-token', `${s.csrf}x`, other.csrf]) {
          const res = await postForm(t.app, '/account/password', s, fields, { csrf });
          assert.equal(res.statusCode, 403, `csrf=${csrf}`);
          assert.ok(!res.body.includes('csrf would change this'));
        }
        const json = await t.app.inject({ method: 'POST', url: '/account/password', headers: { cookie: s.cookie, accept: 'application/json', 'content-type': 'application/json' }, payload: fields });
        assertProblem(json, 403, 'csrf-invalid');
        assert.equal(await passwordHashOf(s.user.id), hash, 'the password did not change');
        assert.equal(await isSignedIn(t.app, s.cookie), true);
        // The logout form is protected too: without the token the session survives.
        assert.equal((await postForm(t.app, '/logout', s, {}, { csrf: null })).statusCode, 403);
        assert.equal((await sessionsOf(s.user.id)).length, 1);
      });

      it('accepts a JSON write on a session only with the x-csrf-token header', async () => {
        const s = await loginAs(t.app, 'staff');
        const headers = { cookie: s.cookie, accept: 'application/json', 'content-type': 'application/json' };
        assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/_probe/echo', headers, payload: { a: 1 } }), 403, 'csrf-invalid');
        const ok = await t.app.inject({ method: 'POST', url: '/api/v1/_probe/echo', headers: { ...headers, 'x-csrf-token': s.csrf }, payload: { a: 1 } });
        assert.equal(ok.statusCode, 200);
        assert.deepEqual(ok.json(), { echo: { a: 1 }, via: 'session' });
      });
    });

    describe('API tokens', () => {
      it('accepts a bearer token for reads and writes without CSRF, and stores only its hash', async () => {
        const token = await tokenFor(t.app, 'staff');
        assert.match(token, /^kbt_/);
        const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
        const who = await t.app.inject({ url: '/api/v1/_probe/whoami', headers });
        assert.equal(who.statusCode, 200);
        assert.equal(who.json().via, 'token');
        assert.equal(who.json().role, 'staff');
        const write = await t.app.inject({ method: 'POST', url: '/api/v1/_probe/echo', headers, payload: { b: 2 } });
        assert.equal(write.statusCode, 200, 'token clients carry no cookie and need no CSRF token');
        const rows = await t.handle.db.selectFrom('api_tokens').selectAll().execute();
        const mine = rows.find((r) => r.token_hash === sha256(token));
        assert.ok(mine, 'the SHA-256 of the token is stored');
        assert.equal(mine.prefix, token.slice(0, 10));
        assert.ok(!JSON.stringify(rows).includes(token), 'the clear token is not in the database');
        const audit = await t.handle.db.selectFrom('audit_log').selectAll().execute();
        assert.ok(!JSON.stringify(audit).includes(token), 'nor in the audit log');
        assert.ok(mine.last_used_at, 'its use is recorded');
      });

      it('answers 401 problem+json token-invalid for an expired token', async () => {
        const u = await newUser();
        const expires = new Date(t.clock.now().getTime() + 3600_000).toISOString();
        const { token } = await t.app.kabuto.auth.createToken(systemActor('test'), u.id, 'short-lived', expires);
        const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
        assert.equal((await t.app.inject({ url: '/api/v1/_probe/whoami', headers })).statusCode, 200);
        t.clock.advance(3600_000);
        assertProblem(await t.app.inject({ url: '/api/v1/_probe/whoami', headers }), 401, 'token-invalid');
        assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/_probe/echo', headers, payload: {} }), 401, 'token-invalid');
      });

      it('answers 401 problem+json token-invalid for a revoked token', async () => {
        const u = await newUser();
        const { id, token } = await t.app.kabuto.auth.createToken(systemActor('test'), u.id, 'to revoke', null);
        const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
        assert.equal((await t.app.inject({ url: '/api/v1/_probe/whoami', headers })).statusCode, 200);
        await t.app.kabuto.auth.revokeToken(systemActor('test'), id);
        assertProblem(await t.app.inject({ url: '/api/v1/_probe/whoami', headers }), 401, 'token-invalid');
      });

      it('answers 401 token-invalid for an unknown token even on a public route, rather than treating the caller as anonymous', async () => {
        const headers = { authorization: 'Bearer kbt_not-a-real-token', accept: 'application/json' };
        assertProblem(await t.app.inject({ url: '/api/v1/_probe/whoami', headers }), 401, 'token-invalid');
        assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/_probe/public-echo', headers, payload: {} }), 401, 'token-invalid');
      });

      it('refuses a token expiry in the past', async () => {
        const u = await newUser();
        await assert.rejects(t.app.kabuto.auth.createToken(systemActor('test'), u.id, 'old', '2000-01-01T00:00:00Z'), (e: Error & { code?: string }) => e.code === 'validation-failed');
      });
    });

    /** A second app on the same database with another configuration: no new database, no migrations to run. */
    async function sibling(config: Partial<Config>): Promise<FastifyInstance> {
      const app = await buildApp(testConfig({ ...t.config, ...config }), { clock: t.clock, handle: t.handle });
      await app.ready();
      return app;
    }

    describe('with secure cookies', () => {
      let app: FastifyInstance;
      before(async () => {
        app = await sibling({ cookieSecure: true });
      });
      after(async () => app?.close());

      it('marks the session, CSRF and language cookies Secure when cookieSecure is on', async () => {
        const s = await loginAs(app, 'staff');
        const res = await postLogin(app, s.user.email, TEST_PASSWORD);
        assert.equal(res.statusCode, 303);
        const session = res.cookies.find((c) => c.name === SESSION_COOKIE);
        assert.equal(session?.secure, true);
        assert.equal(session?.httpOnly, true);
        const form = await app.inject({ url: '/login?lang=en' });
        assert.ok(form.cookies.length >= 2);
        for (const c of form.cookies) assert.equal(c.secure, true, `cookie ${c.name}`);
      });
    });

    describe('behind a trusted proxy', () => {
      let app: FastifyInstance;
      before(async () => {
        app = await sibling({ trustProxy: '10.0.8.1' });
      });
      after(async () => app?.close());

      it('takes the client address from X-Forwarded-For only when the request comes through the named proxy', async () => {
        for (const [remoteAddress, xff] of [
          ['10.0.8.1', '198.51.100.1'],
          ['10.0.8.2', '198.51.100.2'],
        ] as const) {
          const f = await loginForm(app);
          const res = await app.inject({
            method: 'POST',
            url: '/login',
            headers: { ...FORM, cookie: f.cookie, 'x-forwarded-for': xff },
            payload: formBody({ email: `proxy${++seq}@example.jp`, password: 'wrong wrong wrong', _csrf: f.csrf }),
            remoteAddress,
          });
          assert.equal(res.statusCode, 401);
        }
        const keys = (await t.handle.db.selectFrom('login_attempts').select('key').where('key', 'like', 'ip:%').execute()).map((r) => r.key);
        assert.deepEqual(keys.filter((k) => /^ip:(10\.0\.8\.|198\.51\.100\.)/.test(k)).sort(), ['ip:10.0.8.2', 'ip:198.51.100.1']);
      });
    });

    it(`ends a session left unused for longer than the configured days`, async () => {
      const s = await loginAs(t.app, 'member');
      t.clock.advance((t.config.sessionDays - 1) * 86400_000);
      assert.equal(await isSignedIn(t.app, s.cookie), true, 'used within the window: the session slides on');
      t.clock.advance((t.config.sessionDays - 1) * 86400_000);
      assert.equal(await isSignedIn(t.app, s.cookie), true, 'it was touched on the last use');
      t.clock.advance(t.config.sessionDays * 86400_000 + 1000);
      assert.equal(await isSignedIn(t.app, s.cookie), false);
    });
  });

  describe(`sessions shared through the database [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let dir: string | undefined;
    let url: string;
    let drop: () => Promise<void> = async () => undefined;
    const apps: FastifyInstance[] = [];
    const handles: Array<{ close(): Promise<void> }> = [];

    before(async () => {
      if (dialect === 'sqlite') {
        dir = mkdtempSync(join(tmpdir(), 'kabuto-shared-'));
        url = `sqlite:${join(dir, 'kabuto.db')}`;
      } else {
        const tdb = await freshDatabase('postgres');
        url = tdb.url;
        drop = tdb.drop;
      }
      const clock = new FixedClock(new Date('2019-06-15T03:00:00Z'));
      for (let i = 0; i < 2; i++) {
        // Two processes: each its own connection (pool), the same database and secret.
        const handle = openDatabase(url);
        handles.push(handle);
        const app = await buildApp(testConfig({ databaseUrl: url }), { clock, handle, modules: [probeModule] });
        await app.ready();
        apps.push(app);
      }
    });
    after(async () => {
      for (const a of apps) await a.close();
      for (const h of handles) await h.close();
      await drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('accepts on a second app instance the session cookie issued by the first, and a sign-out on either ends it on both', async () => {
      const [first, second] = apps as [FastifyInstance, FastifyInstance];
      const s: Session = await loginAs(first, 'staff');
      const who = await second.inject({ url: '/api/v1/_probe/whoami', headers: { cookie: s.cookie, accept: 'application/json' } });
      assert.equal(who.statusCode, 200);
      assert.equal(who.json().id, s.user.id);
      const account = await second.inject({ url: '/account', headers: { cookie: s.cookie } });
      assert.equal(account.statusCode, 200);
      assert.ok(account.body.includes(s.user.email));
      // A form rendered by the second instance posts fine there (the CSRF key is shared configuration).
      const out = await postForm(second, '/logout', { ...s, csrf: csrfFrom(account.body) }, {});
      assert.equal(out.statusCode, 303);
      assert.equal(await isSignedIn(first, s.cookie), false);
    });

    it('shares the login throttle between instances', async () => {
      const [first, second] = apps as [FastifyInstance, FastifyInstance];
      const s = await loginAs(first, 'staff');
      for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
        const app = i % 2 === 0 ? first : second;
        assert.equal((await postLogin(app, s.user.email, 'wrong wrong wrong', { remoteAddress: `10.9.0.${i}` })).statusCode, 401);
      }
      assert.equal((await postLogin(second, s.user.email, TEST_PASSWORD, { remoteAddress: '10.9.1.1' })).statusCode, 429);
      assert.equal((await postLogin(first, s.user.email, TEST_PASSWORD, { remoteAddress: '10.9.1.1' })).statusCode, 429);
    });

    it('keeps nothing but the hash: a cookie value written into the database by hand does not sign in', async () => {
      const [first] = apps as [FastifyInstance];
      const s = await loginAs(first, 'staff');
      const row = await first.kabuto.db.selectFrom('sessions').select('id_hash').where('user_id', '=', s.user.id).executeTakeFirstOrThrow();
      assert.equal(await isSignedIn(first, cookieHeader({ [SESSION_COOKIE]: row.id_hash })), false);
    });
  });
}
