import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import { companiesService } from '../companies/index.js';
import { loadConfig, ConfigError } from '../core/config.js';
import { api, caller, company, ok, publicCard, type Caller } from './testing.js';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`matching hooks and card lifecycle [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Caller;

    before(async () => {
      t = await testApp(dialect, { now: '2020-06-15T03:00:00Z' });
      staff = await caller(t, 'staff');
    });
    after(async () => t?.close());

    it('moves cards, requests, meetings, ratings and fair places to the surviving company when two are merged', async () => {
      const keep = await company(t, 'tokyo', { nameEn: 'Keep KK' });
      const gone = await company(t, 'tokyo', { nameEn: 'Gone KK' });
      const partner = await company(t, 'foreign', { nameEn: 'Partner Ltd' });
      const goneMember = await caller(t, 'member', gone);
      const partnerMember = await caller(t, 'member', partner);
      ok(await api(t, goneMember).put('/profile', { summaryEn: 'About Gone', languages: ['en'] }));
      const card = await publicCard(t, goneMember, staff, { kind: 'product-offer', titleEn: 'Gone product' });
      const req = ok(await api(t, partnerMember).post('/requests', { cardId: card.id, message: 'hello' }), 201);
      const answered = ok(await api(t, goneMember).post(`/requests/${req.id}/answer`, { decision: 'accept' }));
      ok(await api(t, goneMember).post(`/meetings/${answered.meetingId}/held`, { held: true, heldOn: '2020-06-01' }));
      ok(await api(t, goneMember).post(`/meetings/${answered.meetingId}/rating`, { score: 3 }));
      const fair = ok(await api(t, staff).post('/fairs', { nameJa: '合併テスト', nameEn: 'Merge test', requestDeadline: '2020-06-30T00:00:00Z', sessions: [{ date: '2020-07-01', start: '10:00', end: '11:00', slotMinutes: 30 }], tables: ['1'] }), 201);
      for (const c of [keep, gone]) ok(await api(t, staff).put(`/fairs/${fair.id}/participants/${c}`, { group: 'x' }));

      await companiesService(t.app.kabuto).merge(systemActor('test'), keep, gone);

      const db = t.handle.db;
      assert.equal((await db.selectFrom('matching_cards').select('company_id').where('id', '=', card.id).executeTakeFirstOrThrow()).company_id, keep);
      assert.equal((await db.selectFrom('matching_requests').select('to_company_id').where('id', '=', req.id).executeTakeFirstOrThrow()).to_company_id, keep);
      const m = await db.selectFrom('matching_meetings').selectAll().where('id', '=', answered.meetingId).executeTakeFirstOrThrow();
      assert.deepEqual([m.company_a, m.company_b], [partner, keep]);
      assert.equal((await db.selectFrom('matching_ratings').select('company_id').where('meeting_id', '=', m.id).executeTakeFirstOrThrow()).company_id, keep);
      assert.equal((await db.selectFrom('matching_profiles').selectAll().where('company_id', '=', keep).executeTakeFirst())?.summary_en, 'About Gone');
      const parts = await db.selectFrom('matching_fair_participants').select('company_id').where('fair_id', '=', fair.id).execute();
      assert.deepEqual(parts.map((p) => p.company_id), [keep], 'one place for the survivor, not two');
      assert.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'matching.company.merge').executeTakeFirst());
    });

    it('adds its events to a company\'s history in both languages', async () => {
      const c = await company(t, 'tokyo', { nameEn: 'Timeline KK' });
      const other = await company(t, 'foreign', { nameEn: 'Other Corp' });
      const cm = await caller(t, 'member', c);
      ok(await api(t, cm).post('/cards', { kind: 'partner-search', titleEn: 'Looking for partners' }), 201);
      const m = ok(await api(t, staff).post('/introductions', { companyA: c, companyB: other }), 201);
      ok(await api(t, staff).post(`/meetings/${m.id}/held`, { held: true, heldOn: '2020-06-14' }));
      const events = await companiesService(t.app.kabuto).timeline(c);
      const mine = events.filter((e) => e.module === 'matching');
      assert.deepEqual(mine.map((e) => e.kind).sort(), ['card', 'introduced', 'met']);
      const met = mine.find((e) => e.kind === 'met')!;
      assert.match(met.title.en, /Met Other Corp/);
      assert.match(met.title.ja, /Other Corp と商談を実施/);
      assert.equal(met.href, `/matching/meetings/${m.id}`);
    });

    it('takes a card off the marketplace when it expires, and back on when renewed; a paused or closed card is not listed', async () => {
      ok(await api(t, staff).patch('/settings', { cardLifetimeDays: 30 }));
      const c = await company(t, 'foreign', { nameEn: 'Expiring Ltd' });
      const cm = await caller(t, 'member', c);
      const card = await publicCard(t, cm, staff, { kind: 'product-offer', titleEn: 'Short-lived offer' });
      assert.equal(card.expiresOn, '2020-07-15');
      const listed = async () => ok(await api(t, staff).get(`/cards?country=GB&q=${encodeURIComponent('Short-lived')}`)).items.some((x: any) => x.id === card.id);
      assert.equal(await listed(), true);
      t.clock.advance(31 * DAY);
      assert.equal(await listed(), false);
      const own = ok(await api(t, cm).get(`/cards/${card.id}`));
      assert.equal(own.expired, true);
      const renewed = ok(await api(t, cm).post(`/cards/${card.id}/renew`));
      assert.equal(renewed.expiresOn, '2020-08-15');
      assert.equal(await listed(), true);
      ok(await api(t, cm).patch(`/cards/${card.id}`, { status: 'paused' }));
      assert.equal(await listed(), false);
      const closed = ok(await api(t, cm).patch(`/cards/${card.id}`, { status: 'closed' }));
      assert.equal(closed.review, 'approved', 'a status change alone is not reviewed again');
      assert.equal((await api(t, cm).post(`/cards/${card.id}/renew`)).statusCode, 409);
      const badStatus = await api(t, cm).patch(`/cards/${card.id}`, { status: 'archived' });
      assert.equal(badStatus.statusCode, 422);
      assert.equal(badStatus.json().errors[0].field, 'status');
      t.clock.set('2020-06-15T03:00:00Z');
    });
  });
}

describe('matching periodic work', () => {
  it('reads its interval from MATCHING_JOBS_INTERVAL_MINUTES and refuses a bad value by name', () => {
    const env = { DATABASE_URL: 'sqlite::memory:' };
    assert.equal(loadConfig(env).matchingJobsIntervalMinutes, 10);
    assert.equal(loadConfig({ ...env, MATCHING_JOBS_INTERVAL_MINUTES: '0' }).matchingJobsIntervalMinutes, 0);
    assert.equal(loadConfig({ ...env, MATCHING_JOBS_INTERVAL_MINUTES: '30' }).matchingJobsIntervalMinutes, 30);
    assert.throws(() => loadConfig({ ...env, MATCHING_JOBS_INTERVAL_MINUTES: 'often' }), (err: unknown) => err instanceof ConfigError && err.variable === 'MATCHING_JOBS_INTERVAL_MINUTES');
  });
});
