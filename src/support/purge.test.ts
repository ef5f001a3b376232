import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { kabuto, show, tempDir } from '../../test/cli/run.js';
import { buildApp } from '../app.js';
import { testConfig } from '../core/config.js';
import { FixedClock } from '../core/clock.js';
import { openDatabase } from '../core/db/index.js';
import { supportService } from './index.js';
import { leases } from './store.js';
import { api, company, count, pdf, person, upload, type Person } from './testing.js';

const DAY = 86400_000;
const PASSPORT = 'TK7654321';

/** A case with a person and a document, resolved and closed by the company now. */
async function closedCase(t: TestApp, member: Person, staff: Person, title: string): Promise<{ id: number; attachmentId: number }> {
  const c = (await api(t, member).post('/cases', { kind: 'residence-status', title, description: 'Visa renewal', persons: [{ fullName: 'Jane Doe', passportNumber: PASSPORT, dateOfBirth: '1980-02-03', homeAddress: '1-2-3 Roppongi' }] })).json();
  const a = await upload(t, member, c.id, { name: 'passport.pdf', bytes: pdf('passport') });
  assert.equal(a.statusCode, 201, a.body);
  assert.equal((await api(t, staff).patch(`/cases/${c.id}`, { status: 'resolved' })).statusCode, 200);
  assert.equal((await api(t, member).patch(`/cases/${c.id}`, { status: 'closed' })).statusCode, 200);
  return { id: c.id, attachmentId: a.json().id };
}

for (const dialect of DIALECTS) {
  describe(`support retention purge [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let alice: Person;
    let staff: Person;
    const personRows = (caseId: number) => t.handle.db.selectFrom('support_persons').selectAll().where('case_id', '=', caseId).execute();
    const attachmentRows = (caseId: number) => t.handle.db.selectFrom('support_attachments').select('id').where('case_id', '=', caseId).execute();

    before(async () => {
      t = await testApp(dialect, { config: { supportRetentionDays: 30 } });
      const acme = await company(t, 'Acme Asset Management Ltd');
      alice = await person(t, 'member', acme, 'Alice Smith');
      staff = await person(t, 'staff', undefined, 'Sato Hanako');
    });
    after(async () => t?.close());

    it('deletes the people and documents of a case closed longer than the retention period, keeps the case, and audits it without the data', async () => {
      const closed = await closedCase(t, alice, staff, 'Renewal 2019');
      const open = (await api(t, alice).post('/cases', { kind: 'residence-status', title: 'Still open', description: 'x', persons: [{ fullName: 'John Roe', passportNumber: 'ZZ1112223' }] })).json();
      assert.equal((await api(t, staff).get(`/cases/${closed.id}/attachments/${closed.attachmentId}`)).statusCode, 200, 'downloaded once, so the log has a row');
      const svc = supportService(t.app.kabuto);

      t.clock.advance(29 * DAY);
      assert.equal((await svc.purge()).cases, 0, 'within the retention period nothing is deleted');
      assert.equal((await personRows(closed.id)).length, 1);

      t.clock.advance(2 * DAY);
      const result = await svc.purge();
      assert.deepEqual(result, { cases: 1, persons: 1, attachments: 1, caseIds: [closed.id] });
      assert.deepEqual(await personRows(closed.id), []);
      assert.deepEqual(await attachmentRows(closed.id), []);
      assert.equal((await personRows(open.id)).length, 1, 'an open case keeps its people, however old');

      const c = (await api(t, staff).get(`/cases/${closed.id}`)).json();
      assert.equal(c.status, 'closed', 'the case is kept');
      assert.equal(c.title, 'Renewal 2019');
      assert.equal(c.messages.length, 1, 'and its thread');
      assert.equal(c.personalDataPurgedAt, t.clock.now().toISOString());
      assert.equal(c.history.at(-1).kind, 'purged');
      assert.deepEqual(c.allowedStatuses, [], 'a purged case cannot be reopened');
      assert.equal((await api(t, staff).patch(`/cases/${closed.id}`, { status: 'in-progress' })).statusCode, 409);
      assert.equal((await api(t, staff).get(`/cases/${closed.id}/attachments/${closed.attachmentId}`)).statusCode, 404);
      const log = (await api(t, staff).get(`/cases/${closed.id}/downloads`)).json();
      assert.equal(log.length, 1, 'the download log outlives the document');
      assert.equal(log[0].filename, null);

      const entries = await t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'support.case.purge-personal-data').execute();
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.entity_id, String(closed.id));
      assert.equal(entries[0]!.actor_label, 'support-purge');
      const after = JSON.parse(entries[0]!.after_json!);
      assert.deepEqual(after, { closedAt: c.closedAt, retentionDays: 30, personsDeleted: 1, attachmentsDeleted: 1 });
      const everything = (await t.handle.db.selectFrom('audit_log').select(['before_json', 'after_json']).execute()).map((r) => `${r.before_json}${r.after_json}`).join('\n');
      assert.doesNotMatch(everything, new RegExp(`${PASSPORT}|Jane Doe|Roppongi|1980-02-03`), 'no audit entry holds the personal data');

      assert.equal((await svc.purge()).cases, 0, 'a second run finds nothing left');
    });

    it('runs under a lease, so two processes never purge at once', async () => {
      const svc = supportService(t.app.kabuto);
      await closedCase(t, alice, staff, 'Renewal 2020');
      t.clock.advance(31 * DAY);
      assert.equal(await leases.take(t.handle.db, t.clock, 'support.purge', 'other-process', 60_000), true);
      assert.equal(await svc.purgeOnce('this-process'), null, 'the other process holds the lease');
      assert.equal(await leases.take(t.handle.db, t.clock, 'support.purge', 'this-process', 60_000), false);
      t.clock.advance(61_000);
      const r = await svc.purgeOnce('this-process');
      assert.equal(r?.cases, 1, 'an expired lease is taken over');
      assert.equal(await count(t, 'leases'), 0, 'the lease is released when done');
    });
  });
}

describe('kabuto support purge', () => {
  it('purges from the command line and says what it deleted', async () => {
    const tmp = tempDir();
    try {
      const url = `sqlite:${join(tmp.dir, 'kabuto.db')}`;
      const handle = openDatabase(url);
      const app = await buildApp(testConfig({ databaseUrl: url }), { handle, clock: new FixedClock(new Date('2019-06-15T03:00:00Z')) });
      const t = { app, handle, clock: new FixedClock(new Date()), config: testConfig(), close: async () => undefined } as unknown as TestApp;
      const acme = await company(t, 'Acme Asset Management Ltd');
      const member = await person(t, 'member', acme);
      const staff = await person(t, 'staff');
      const { id } = await closedCase(t, member, staff, 'Old case');
      await app.close();
      await handle.close();
      const r = await kabuto(['support', 'purge'], { env: { DATABASE_URL: url, SUPPORT_RETENTION_DAYS: '365', LOG_LEVEL: 'warn' } });
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /personal data of 1 case\(s\) deleted \(1 person record\(s\), 1 document\(s\)\); retention 365 days/);
      assert.match(r.stdout, new RegExp(`cases: ${id}\\b`));
      const again = await kabuto(['support', 'purge'], { env: { DATABASE_URL: url } });
      assert.equal(again.code, 0, show(again));
      assert.match(again.stdout, /personal data of 0 case\(s\) deleted/);
    } finally {
      tmp.cleanup();
    }
  });
});
