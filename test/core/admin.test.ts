import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { systemActor, redact, registerPersonalKeys, audit } from '../../src/core/audit.js';
import { FixedClock } from '../../src/core/clock.js';
import { sha256 } from '../../src/core/auth/service.js';
import type { Selectable } from 'kysely';
import type { AuditLogTable, Role } from '../../src/core/tables.js';
import { DIALECTS, skipFor, testApp, loginAs, TEST_PASSWORD, type TestApp, type Session } from '../helpers.js';
import { probeModule, postForm, assertProblem, visibleText, errorSummary } from './support.js';
import { coreMessages } from '../../src/core/i18n/core-messages.js';
import { JAPANESE_SCRIPT } from '../../src/core/i18n/index.js';

const ja = coreMessages.ja;
const en = coreMessages.en;

type AuditRow = Selectable<AuditLogTable>;

let seq = 0;

for (const dialect of DIALECTS) {
  describe(`admin pages [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let admin: Session;
    before(async () => {
      t = await testApp(dialect, { modules: [probeModule] });
      admin = await loginAs(t.app, 'admin');
    });
    after(async () => t?.close());

    async function newUser(role: Role = 'member') {
      const email = `admin-test${++seq}@example.jp`;
      const u = await t.app.kabuto.auth.createUser(systemActor('test'), {
        email,
        role,
        password: TEST_PASSWORD,
        orgId: role === 'publisher' ? '130001' : null,
        companyId: role === 'member' ? 'c-1' : null,
      });
      return { ...u, email };
    }
    const userRow = (id: number) => t.handle.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const auditSince = async (id: number): Promise<AuditRow[]> => t.handle.db.selectFrom('audit_log').selectAll().where('id', '>', id).orderBy('id').execute();
    const lastAuditId = async () => Number((await t.handle.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0);

    /** The audit row of one route write: the admin as actor, the request id, and before/after as parsed JSON. */
    function assertAudited(rows: AuditRow[], action: string, entityId: number | string) {
      const row = rows.find((r) => r.action === action && r.entity_id === String(entityId));
      assert.ok(row, `an audit row ${action} for ${entityId} (got ${rows.map((r) => r.action).join(', ') || 'none'})`);
      assert.equal(row.actor_id, admin.user.id, 'who: the signed-in admin');
      assert.ok(row.actor_label, 'who, readable');
      assert.ok(row.request_id, 'the request id ties the entry to the log');
      assert.ok(!Number.isNaN(Date.parse(row.at)), 'when');
      assert.equal(row.at, t.clock.now().toISOString(), 'when: the app clock');
      return { row, before: row.before_json ? JSON.parse(row.before_json) : null, after: row.after_json ? JSON.parse(row.after_json) : null };
    }

    it('lists the users with their role and status', async () => {
      const u = await newUser('publisher');
      const res = await t.app.inject({ url: '/admin', headers: { cookie: admin.cookie } });
      assert.equal(res.statusCode, 200);
      const text = visibleText(res.body);
      assert.ok(text.includes(u.email));
      assert.ok(text.includes(admin.user.email));
      assert.ok(text.includes('130001'), 'the publisher’s organization is shown');
      assert.ok(res.body.includes(`action="/admin/users/${u.id}/role"`));
      assert.ok(res.body.includes(`action="/admin/users/${u.id}/active"`));
    });

    it('changes a role and audits who did it, before and after', async () => {
      const u = await newUser('member');
      const mark = await lastAuditId();
      const res = await postForm(t.app, `/admin/users/${u.id}/role`, admin, { role: 'staff', scope: '' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin?done=1');
      const row = await userRow(u.id);
      assert.equal(row.role, 'staff');
      assert.equal(row.company_id, null, 'a member’s company scope goes with the role');
      const a = assertAudited(await auditSince(mark), 'user.role-change', u.id);
      assert.equal(a.before.role, 'member');
      assert.equal(a.before.company_id, 'c-1');
      assert.equal(a.after.role, 'staff');
      assert.equal(a.after.company_id, null);
    });

    it('applies a role change on the user’s next request, without a new sign-in', async () => {
      const other = await loginAs(t.app, 'admin');
      assert.equal((await t.app.inject({ url: '/admin', headers: { cookie: other.cookie } })).statusCode, 200);
      assert.equal((await postForm(t.app, `/admin/users/${other.user.id}/role`, admin, { role: 'staff', scope: '' })).statusCode, 303);
      assert.equal((await t.app.inject({ url: '/admin', headers: { cookie: other.cookie } })).statusCode, 403);
    });

    it('refuses an admin form without a valid CSRF token (403), changing and auditing nothing', async () => {
      const u = await newUser('member');
      const mark = await lastAuditId();
      for (const csrf of [null, 'forged']) {
        assert.equal((await postForm(t.app, `/admin/users/${u.id}/role`, admin, { role: 'admin', scope: '' }, { csrf })).statusCode, 403);
        assert.equal((await postForm(t.app, `/admin/users/${u.id}/active`, admin, { active: '0' }, { csrf })).statusCode, 403);
        assert.equal((await postForm(t.app, '/admin/tokens', admin, { user_id: u.id, name: 'csrf', expires_at: '' }, { csrf })).statusCode, 403);
      }
      const row = await userRow(u.id);
      assert.equal(row.role, 'member');
      assert.equal(row.active, 1);
      assert.equal((await t.handle.db.selectFrom('api_tokens').select('id').where('user_id', '=', u.id).execute()).length, 0);
      assert.equal((await auditSince(mark)).length, 0);
    });

    it('makes a user a publisher only with an organization: without one the form comes back with 422', async () => {
      const u = await newUser('staff');
      const mark = await lastAuditId();
      const res = await postForm(t.app, `/admin/users/${u.id}/role`, admin, { role: 'publisher', scope: '' });
      assert.equal(res.statusCode, 422);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /class="error-summary"/);
      assert.ok(res.body.includes(`action="/admin/users/${u.id}/role"`), 'the users table and its forms are shown again');
      assert.match(res.body, new RegExp(`<a href="#scope-${u.id}">`), 'the problem links to the scope field of that user\'s row');
      assert.match(res.body, new RegExp(`<input id="scope-${u.id}" name="scope" type="text" value(?:="")? size="10" aria-invalid="true"`));
      assert.match(res.body, new RegExp(`<select id="role-${u.id}" name="role">(?:(?!</select>).)*<option value="publisher" selected`, 's'), 'the chosen role is kept');
      assert.equal((await userRow(u.id)).role, 'staff', 'nothing changed');
      assert.equal((await auditSince(mark)).length, 0, 'a refused change leaves no audit entry');

      const ok = await postForm(t.app, `/admin/users/${u.id}/role`, admin, { role: 'publisher', scope: '130002' });
      assert.equal(ok.statusCode, 303);
      const row = await userRow(u.id);
      assert.equal(row.role, 'publisher');
      assert.equal(row.org_id, '130002');
      const a = assertAudited(await auditSince(mark), 'user.role-change', u.id);
      assert.equal(a.after.org_id, '130002');
    });

    it('refuses an unknown role with 422', async () => {
      const u = await newUser('staff');
      const res = await postForm(t.app, `/admin/users/${u.id}/role`, admin, { role: 'superuser', scope: '' });
      assert.equal(res.statusCode, 422);
      assert.equal((await userRow(u.id)).role, 'staff');
    });

    it('answers 404 for a role change of a user that does not exist', async () => {
      const res = await postForm(t.app, '/admin/users/999999/role', admin, { role: 'staff', scope: '' });
      assert.equal(res.statusCode, 404);
    });

    it('deactivates a user, ends their session, and audits it', async () => {
      const victim = await loginAs(t.app, 'staff');
      const mark = await lastAuditId();
      const res = await postForm(t.app, `/admin/users/${victim.user.id}/active`, admin, { active: '0' });
      assert.equal(res.statusCode, 303);
      assert.equal((await userRow(victim.user.id)).active, 0);
      const who = await t.app.inject({ url: '/api/v1/_probe/whoami', headers: { cookie: victim.cookie, accept: 'application/json' } });
      assert.equal(who.statusCode, 401);
      const a = assertAudited(await auditSince(mark), 'user.deactivate', victim.user.id);
      assert.equal(a.before.active, 1);
      assert.equal(a.after.active, 0);
      const listed = visibleText((await t.app.inject({ url: '/admin', headers: { cookie: admin.cookie } })).body);
      assert.ok(listed.includes(victim.user.email));

      const back = await postForm(t.app, `/admin/users/${victim.user.id}/active`, admin, { active: '1' });
      assert.equal(back.statusCode, 303);
      assert.equal((await userRow(victim.user.id)).active, 1);
      assertAudited(await auditSince(mark), 'user.activate', victim.user.id);
    });

    it('does not let an admin deactivate or demote themselves (422)', async () => {
      const self = await postForm(t.app, `/admin/users/${admin.user.id}/active`, admin, { active: '0' });
      assert.equal(self.statusCode, 422);
      const demote = await postForm(t.app, `/admin/users/${admin.user.id}/role`, admin, { role: 'staff', scope: '' });
      assert.equal(demote.statusCode, 422);
      const row = await userRow(admin.user.id);
      assert.equal(row.active, 1);
      assert.equal(row.role, 'admin');
    });

    it('creates an API token, shows it once, lists it by prefix only, and audits the creation without the token', async () => {
      const u = await newUser('staff');
      const mark = await lastAuditId();
      const res = await postForm(t.app, '/admin/tokens', admin, { user_id: u.id, name: 'harvester', expires_at: '2019-12-31' });
      assert.equal(res.statusCode, 200);
      const token = /<code id="new-token">([^<]+)<\/code>/.exec(res.body)?.[1];
      assert.ok(token, 'the new token is shown');
      assert.match(token, /^kbt_/);

      const who = await t.app.inject({ url: '/api/v1/_probe/whoami', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      assert.equal(who.statusCode, 200);
      assert.equal(who.json().id, u.id, 'the token acts as the chosen user');

      const list = await t.app.inject({ url: '/admin/tokens', headers: { cookie: admin.cookie } });
      assert.equal(list.statusCode, 200);
      assert.ok(!list.body.includes(token), 'never shown again');
      const text = visibleText(list.body);
      assert.ok(text.includes('harvester'));
      assert.ok(text.includes(token.slice(0, 10)), 'listed by its prefix');
      assert.ok(text.includes(u.email));

      const stored = await t.handle.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirstOrThrow();
      assert.equal(stored.expires_at, '2019-12-31T14:59:59.000Z', 'a date expires at the end of that day in Japan');
      const a = assertAudited(await auditSince(mark), 'token.create', stored.id);
      assert.equal(a.after.user_id, u.id);
      assert.equal(a.after.name, 'harvester');
    });

    it('refuses a token for an unknown user, without a name, or expiring in the past (422)', async () => {
      const u = await newUser('staff');
      const before = (await t.handle.db.selectFrom('api_tokens').select('id').execute()).length;
      for (const [fields, field] of [
        [{ user_id: 999999, name: 'x', expires_at: '' }, 'user_id'],
        [{ user_id: u.id, name: '   ', expires_at: '' }, 'name'],
        [{ user_id: u.id, name: 'late', expires_at: '2001-01-01' }, 'expires_at'],
        [{ user_id: u.id, name: 'garbage', expires_at: 'not-a-date' }, 'expires_at'],
      ] as const) {
        const res = await postForm(t.app, '/admin/tokens', admin, fields);
        assert.equal(res.statusCode, 422, JSON.stringify(fields));
        assert.match(res.body, /class="error-summary"/);
        assert.match(res.body, new RegExp(`<a href="#f-${field}">`), `the problem links to the ${field} field`);
        assert.match(res.body, new RegExp(`<(input|select) id="f-${field}"[^>]* aria-invalid="true"`), `the ${field} field is marked invalid`);
        assert.match(res.body, new RegExp(`<input id="f-name"[^>]* name="name" type="text" value="${fields.name}"`), 'the typed name is kept');
        assert.ok(!/<code id="new-token">/.test(res.body));
      }
      assert.equal((await t.handle.db.selectFrom('api_tokens').select('id').execute()).length, before);
    });

    it('revokes a token: it stops working, the list says so, and the revocation is audited', async () => {
      const u = await newUser('staff');
      const { id, token } = await t.app.kabuto.auth.createToken(systemActor('test'), u.id, 'to be revoked', null);
      const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
      assert.equal((await t.app.inject({ url: '/api/v1/_probe/whoami', headers })).statusCode, 200);
      const list = await t.app.inject({ url: '/admin/tokens', headers: { cookie: admin.cookie } });
      assert.ok(list.body.includes(`action="/admin/tokens/${id}/revoke"`));

      const mark = await lastAuditId();
      const res = await postForm(t.app, `/admin/tokens/${id}/revoke`, admin, {});
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin/tokens');
      assertProblem(await t.app.inject({ url: '/api/v1/_probe/whoami', headers }), 401, 'token-invalid');
      const after = await t.app.inject({ url: '/admin/tokens', headers: { cookie: admin.cookie } });
      assert.ok(!after.body.includes(`action="/admin/tokens/${id}/revoke"`), 'no revoke button for a revoked token');
      const a = assertAudited(await auditSince(mark), 'token.revoke', id);
      assert.equal(a.before.revoked_at, null);
      assert.equal(a.after.revoked_at, t.clock.now().toISOString());
      assert.equal(await t.handle.db.selectFrom('audit_log').select('id').where('action', '=', 'token.revoke').where('entity_id', '=', String(id)).execute().then((r) => r.length), 1);

      // Revoking again changes nothing and writes nothing.
      assert.equal((await postForm(t.app, `/admin/tokens/${id}/revoke`, admin, {})).statusCode, 303);
      assert.equal((await auditSince(mark)).length, 1);
      assert.equal((await postForm(t.app, '/admin/tokens/999999/revoke', admin, {})).statusCode, 404);
    });

    it('shows the audit log with who, what, and the redacted before and after', async () => {
      const u = await newUser('member');
      assert.equal((await postForm(t.app, `/admin/users/${u.id}/role`, admin, { role: 'staff', scope: '' })).statusCode, 303);
      const res = await t.app.inject({ url: '/admin/audit', headers: { cookie: admin.cookie } });
      assert.equal(res.statusCode, 200);
      const text = visibleText(res.body);
      assert.ok(text.includes('user.role-change'));
      assert.ok(text.includes('user.create'));
      assert.ok(text.includes(admin.user.email), 'who did it');
      assert.ok(text.includes(`user ${u.id}`), 'which record');
      assert.ok(!text.includes(u.email), 'the created user’s email is masked in the before/after');
      const filtered = await t.app.inject({ url: '/admin/audit?entity=api_token', headers: { cookie: admin.cookie } });
      assert.ok(!visibleText(filtered.body).includes('user.role-change'), 'filtered by entity type');
    });

    it('pages through a long audit log', async () => {
      const clock = new FixedClock(t.clock.now());
      for (let i = 0; i < 55; i++) await audit(t.handle.db, clock, systemActor('bulk'), { action: `bulk.${i}`, entityType: 'bulk', entityId: i });
      const first = await t.app.inject({ url: '/admin/audit?entity=bulk', headers: { cookie: admin.cookie } });
      assert.ok(visibleText(first.body).includes('bulk.54'));
      assert.ok(!visibleText(first.body).includes('bulk.4 '));
      const next = /<a href="(\/admin\/audit\?[^"]*page=2[^"]*)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(next, 'a link to the next page');
      const second = await t.app.inject({ url: next, headers: { cookie: admin.cookie } });
      const text = visibleText(second.body);
      assert.ok(text.includes('bulk.0'));
      assert.ok(!text.includes('bulk.54'));
      assert.ok(!text.includes('user.create'), 'the next-page link keeps the entity filter');
      const back = /<a href="(\/admin\/audit\?[^"]*page=1[^"]*)"/.exec(second.body)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(back && back.includes('entity=bulk'), 'so does the previous-page link');
    });

    it('explains every refused admin form in the reader’s language, each message linked to its field', async () => {
      const u = await newUser('staff');
      const cases: Array<[string, Record<string, string | number>, string]> = [
        [`/admin/users/${u.id}/role`, { role: 'publisher', scope: '' }, 'admin.needOrg'],
        [`/admin/users/${u.id}/role`, { role: 'member', scope: '' }, 'admin.needCompany'],
        [`/admin/users/${u.id}/role`, { role: 'superuser', scope: '' }, 'admin.roleUnknown'],
        [`/admin/users/${admin.user.id}/role`, { role: 'staff', scope: '' }, 'admin.selfDemote'],
        [`/admin/users/${admin.user.id}/active`, { active: '0' }, 'admin.selfDeactivate'],
        ['/admin/tokens', { user_id: 999999, name: 'x', expires_at: '' }, 'admin.tokenUserUnknown'],
        ['/admin/tokens', { user_id: u.id, name: ' ', expires_at: '' }, 'admin.tokenNameRequired'],
        ['/admin/tokens', { user_id: u.id, name: 'late', expires_at: '2001-01-01' }, 'admin.tokenExpiryPast'],
        ['/admin/tokens', { user_id: u.id, name: 'bad', expires_at: 'soon' }, 'admin.tokenDateInvalid'],
      ];
      const english = { ...admin, cookie: `${admin.cookie}; lang=en` };
      for (const [url, fields, key] of cases) {
        const jaRes = await postForm(t.app, url, admin, fields);
        assert.equal(jaRes.statusCode, 422, `${url} ${key}`);
        assert.deepEqual(errorSummary(jaRes.body), [ja[key as keyof typeof ja]], key);
        const enRes = await postForm(t.app, url, english, fields);
        const msgs = errorSummary(enRes.body);
        assert.deepEqual(msgs, [en[key as keyof typeof en]], key);
        assert.ok(!JAPANESE_SCRIPT.test(msgs.join(' ')), key);
      }
    });

    for (const role of ['staff', 'publisher', 'member'] as const) {
      it(`refuses the admin pages to a ${role} (403)`, async () => {
        const s = await loginAs(t.app, role);
        for (const url of ['/admin', '/admin/tokens', '/admin/audit']) {
          const page = await t.app.inject({ url, headers: { cookie: s.cookie } });
          assert.equal(page.statusCode, 403, `${url} as ${role}`);
          assert.ok(!page.body.includes('new-token') && !page.body.includes('user.create'), 'no admin content leaks');
          assertProblem(await t.app.inject({ url, headers: { cookie: s.cookie, accept: 'application/json' } }), 403, 'forbidden');
        }
        const u = await newUser('member');
        const res = await postForm(t.app, `/admin/users/${u.id}/role`, s, { role: 'admin', scope: '' });
        assert.equal(res.statusCode, 403);
        assert.equal((await userRow(u.id)).role, 'member', 'nothing changed');
      });
    }

    it('sends an anonymous browser to sign in, and answers 401 to an anonymous API client', async () => {
      const page = await t.app.inject({ url: '/admin/tokens' });
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, `/login?next=${encodeURIComponent('/admin/tokens')}`);
      assertProblem(await t.app.inject({ url: '/admin', headers: { accept: 'application/json' } }), 401, 'unauthenticated');
    });

    it('never writes a password hash, a token or a clear email address into the audit log', async () => {
      // Exercise every kind of write first, then read the whole log.
      const u = await newUser('member');
      await postForm(t.app, `/admin/users/${u.id}/role`, admin, { role: 'publisher', scope: '130003' });
      await postForm(t.app, `/admin/users/${u.id}/active`, admin, { active: '0' });
      await postForm(t.app, `/admin/users/${u.id}/active`, admin, { active: '1' });
      const created = await postForm(t.app, '/admin/tokens', admin, { user_id: u.id, name: `for ${u.email}`, expires_at: '' });
      const token = /<code id="new-token">([^<]+)<\/code>/.exec(created.body)?.[1];
      assert.ok(token);
      const row = await t.handle.db.selectFrom('api_tokens').select('id').where('token_hash', '=', sha256(token)).executeTakeFirstOrThrow();
      await postForm(t.app, `/admin/tokens/${row.id}/revoke`, admin, {});
      const s = await loginAs(t.app, 'staff');
      await postForm(t.app, '/account/password', s, { current_password: TEST_PASSWORD, new_password: 'another long password', confirm_password: 'another long password' });

      const log = await t.handle.db.selectFrom('audit_log').select(['action', 'before_json', 'after_json']).execute();
      const actions = new Set(log.map((r) => r.action));
      for (const a of ['user.create', 'user.role-change', 'user.deactivate', 'user.activate', 'token.create', 'token.revoke', 'user.password-change']) assert.ok(actions.has(a), `${a} was audited`);
      const json = log.map((r) => `${r.before_json ?? ''} ${r.after_json ?? ''}`).join('\n');
      assert.ok(!json.includes('$argon2'), 'no password hash');
      assert.ok(!json.includes(token), 'no API token');
      assert.ok(!/kbt_[A-Za-z0-9_-]{10,}/.test(json), 'nothing that looks like an API token');
      const hashes = await t.handle.db.selectFrom('api_tokens').select('token_hash').execute();
      for (const h of hashes) assert.ok(!json.includes(h.token_hash), 'no token hash');
      const emails = (await t.handle.db.selectFrom('users').select('email').execute()).map((r) => r.email);
      for (const e of emails) assert.ok(!json.includes(e), `no clear email (${e})`);
      assert.ok(!/[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[a-z]{2,}/.test(json), 'nothing that looks like a clear email address');
    });
  });
}

describe('audit redaction', () => {
  it('masks email addresses and hides passwords, hashes and tokens at any depth', () => {
    const out = redact({
      email: 'hanako@example.jp',
      password: 'secret',
      password_hash: '$argon2id$...',
      token: 'kbt_abc',
      token_hash: 'ff00',
      nested: [{ email: 'taro@example.jp', role: 'staff' }],
      role: 'member',
      missing: null,
    }) as Record<string, unknown>;
    assert.equal(out.email, 'h***@example.jp');
    assert.equal(out.password, '[redacted]');
    assert.equal(out.password_hash, '[redacted]');
    assert.equal(out.token, '[redacted]');
    assert.equal(out.token_hash, '[redacted]');
    assert.deepEqual(out.nested, [{ email: 't***@example.jp', role: 'staff' }]);
    assert.equal(out.role, 'member');
    assert.equal(out.missing, null);
  });

  it('masks any *_email field, not only one named email', () => {
    const out = redact({ contact_email: 'ichiro@example.jp', owner: { billing_email: 'jiro@example.jp' } }) as Record<string, any>;
    assert.equal(out.contact_email, 'i***@example.jp');
    assert.equal(out.owner.billing_email, 'j***@example.jp');
  });

  it('masks an email address written inside free text', () => {
    const out = redact({ name: 'laptop of saburo@example.jp', notes: ['ask shiro.tanaka@example.co.jp'] }) as Record<string, any>;
    assert.ok(!JSON.stringify(out).includes('saburo@example.jp'));
    assert.ok(!JSON.stringify(out).includes('shiro.tanaka@example.co.jp'));
    assert.match(out.name, /^laptop of s\*\*\*@example\.jp$/);
  });

  it('hides the fields a module registers as personal', () => {
    registerPersonalKeys('my_id_number');
    assert.deepEqual(redact({ my_id_number: '1234', keep: 'x' }), { my_id_number: '[redacted]', keep: 'x' });
  });
});
