import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, loginAs, type TestApp } from '../../test/helpers.js';
import { api, caller, company, count, ok, publicCard, snapshot, type Caller } from './testing.js';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`matching API [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Caller;
    let tokyo: number;
    let foreign: number;
    let other: number;
    let tm: Caller;
    let fm: Caller;
    let om: Caller;

    before(async () => {
      t = await testApp(dialect, { now: '2020-06-15T03:00:00Z' });
      staff = await caller(t, 'staff');
      tokyo = await company(t, 'tokyo', { nameEn: 'Marunouchi Logistics', jsic: 'H' });
      foreign = await company(t, 'foreign', { nameEn: 'Hamburg Forecasting GmbH', country: 'DE', jsic: 'H' });
      other = await company(t, 'tokyo', { nameEn: 'Shibuya Apps', jsic: 'G' });
      tm = await caller(t, 'member', tokyo);
      fm = await caller(t, 'member', foreign);
      om = await caller(t, 'member', other);
    });
    after(async () => t?.close());

    it('refuses every write of the module to an anonymous caller (401) and a caller of the wrong role (403)', async () => {
      const writes = t.app.routeInfo.filter((r) => r.url.startsWith('/api/v1/matching') && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
      assert.ok(writes.length >= 25, `found ${writes.length} write routes`);
      const publisher = await caller(t, 'publisher');
      const member = await caller(t, 'member', tokyo);
      for (const r of writes) {
        const url = r.url.replace(/:(\w+)/g, '1');
        const anon = await t.app.inject({ method: r.method as 'POST', url, payload: {} });
        assert.equal(anon.statusCode, 401, `${r.method} ${r.url} anonymous`);
        assert.equal(anon.json().code, 'unauthenticated');
        const wrong = await t.app.inject({ method: r.method as 'POST', url, headers: { authorization: `Bearer ${publisher.token}` }, payload: {} });
        assert.equal(wrong.statusCode, 403, `${r.method} ${r.url} publisher`);
        if (Array.isArray(r.auth) && !r.auth.includes('member')) {
          const m = await t.app.inject({ method: r.method as 'POST', url, headers: { authorization: `Bearer ${member.token}` }, payload: {} });
          assert.equal(m.statusCode, 403, `${r.method} ${r.url} member`);
        }
      }
      // Pages too: an anonymous write is refused before anything else.
      const pageWrites = t.app.routeInfo.filter((r) => r.url.startsWith('/matching') && r.method === 'POST');
      assert.ok(pageWrites.length >= 20);
      for (const r of pageWrites) assert.ok(r.auth, `${r.url} declares who may call it`);
    });

    it('posts a member\'s card for review: invisible in the marketplace until staff approve it', async () => {
      const before = await snapshot(t);
      const card = ok(await api(t, tm).post('/cards', { kind: 'procurement-need', titleJa: '倉庫の需要予測システムを探しています', bodyJa: 'AIによる需要予測と在庫管理。', regions: ['global'] }), 201);
      assert.equal(card.review, 'pending');
      assert.equal(card.public, false);
      assert.deepEqual(card.jsic, ['H'], 'the company\'s industry by default');
      assert.equal(card.language, 'ja');
      const after = await snapshot(t);
      assert.equal(after.matching_cards, before.matching_cards + 1);
      assert.equal(after.audit_log, before.audit_log + 1);
      const market = ok(await api(t, fm).get('/cards'));
      assert.ok(!market.items.some((c: any) => c.id === card.id));
      assert.equal((await api(t, fm).get(`/cards/${card.id}`)).statusCode, 404, 'a card under review is not shown to others');
      assert.equal((await api(t, tm).get(`/cards/${card.id}`)).statusCode, 200, 'but to its own company');
      const queue = ok(await api(t, staff).get('/review-queue'));
      assert.ok(queue.some((c: any) => c.id === card.id));
      const rejected = await api(t, staff).post(`/cards/${card.id}/review`, { decision: 'rejected' });
      assert.equal(rejected.statusCode, 422);
      assert.equal(rejected.json().errors[0].field, 'note');
      const approved = ok(await api(t, staff).post(`/cards/${card.id}/review`, { decision: 'approved' }));
      assert.equal(approved.public, true);
      const found = ok(await api(t, fm).get('/cards?q=demand%20forecasting'));
      assert.ok(found.items.some((c: any) => c.id === card.id), 'an English search finds the Japanese card through the term list');
      // Changing the text sends it back to review.
      const edited = ok(await api(t, tm).patch(`/cards/${card.id}`, { titleEn: 'Demand forecasting for warehouses' }));
      assert.equal(edited.review, 'pending');
      assert.equal(edited.language, 'both');
      ok(await api(t, staff).post(`/cards/${card.id}/review`, { decision: 'approved' }));
    });

    const badCards: Array<[string, Record<string, unknown>, number, string]> = [
      ['no title', { kind: 'product-offer', bodyEn: 'x' }, 422, 'titleJa'],
      ['an unknown kind', { kind: 'barter', titleEn: 'x' }, 422, 'kind'],
      ['a JSIC code that is not a major group', { kind: 'product-offer', titleEn: 'x', jsic: ['Z'] }, 422, 'jsic'],
      ['an unknown region', { kind: 'product-offer', titleEn: 'x', regions: ['mars'] }, 422, 'regions'],
      ['a title too long', { kind: 'product-offer', titleEn: 'x'.repeat(121) }, 422, 'titleEn'],
      ['an unknown field', { kind: 'product-offer', titleEn: 'x', price: 3 }, 400, 'price'],
      ['a title of the wrong type', { kind: 'product-offer', titleEn: 42 }, 400, 'titleEn'],
    ];
    for (const [what, body, status, field] of badCards) {
      it(`refuses a card with ${what}, naming the field, and stores nothing`, async () => {
        const before = await snapshot(t);
        const res = await api(t, tm).post('/cards', body);
        assert.equal(res.statusCode, status, res.body);
        assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.ok(res.json().errors.some((e: any) => e.field === field), res.body);
        assert.deepEqual(await snapshot(t), before);
      });
    }

    it('filters the marketplace by kind, industry, country, language and region', async () => {
      const offer = await publicCard(t, fm, staff, { kind: 'product-offer', titleEn: 'Demand forecasting platform for logistics', bodyEn: 'Machine learning forecasts for warehouses.', regions: ['asia', 'europe'] });
      const get = async (q: string) => ok(await api(t, tm).get(`/cards?${q}`)).items.map((c: any) => c.id);
      assert.ok((await get('kind=product-offer')).includes(offer.id));
      assert.ok(!(await get('kind=procurement-need')).includes(offer.id));
      assert.ok((await get('jsic=H')).includes(offer.id));
      assert.ok(!(await get('jsic=G')).includes(offer.id));
      assert.ok((await get('country=DE')).includes(offer.id));
      assert.ok(!(await get('country=US')).includes(offer.id));
      assert.ok((await get('language=en')).includes(offer.id));
      assert.ok(!(await get('language=ja')).includes(offer.id));
      assert.ok((await get('region=asia')).includes(offer.id));
      assert.ok(!(await get('region=africa')).includes(offer.id));
      assert.ok((await get(`q=${encodeURIComponent('需要予測')}`)).includes(offer.id), 'a Japanese search finds the English card');
      const weird = await api(t, tm).get(`/cards?q=${encodeURIComponent('" OR * col: NEAR(')}`);
      assert.equal(weird.statusCode, 200, 'search syntax in the query is only text');
      const bad = await api(t, tm).get('/cards?jsic=ZZ');
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().errors[0].field, 'jsic');
    });

    it('recommends across languages with a reason in the reader\'s language, never the company itself', async () => {
      const ja = ok(await api(t, tm).get('/recommendations?lang=ja'));
      const top = ja[0];
      assert.ok(top, 'a recommendation');
      assert.equal(top.card.company.id, foreign);
      assert.match(top.why, /予測/);
      assert.ok(!ja.some((r: any) => r.card.company.id === tokyo));
      const en = ok(await api(t, tm).get('/recommendations?lang=en'));
      assert.match(en[0].why, /prediction/);
      assert.doesNotMatch(en[0].why, /[\u3040-\u30ff\u4e00-\u9fff]/);
      const back = ok(await api(t, fm).get('/recommendations', 'en'));
      assert.equal(back[0].card.company.id, tokyo, 'reciprocal');
    });

    it('sends a request, lets only the asked company answer, and creates a meeting on acceptance', async () => {
      const card = ok(await api(t, fm).get('/cards?country=DE')).items[0];
      const before = await snapshot(t);
      const req = ok(await api(t, tm).post('/requests', { cardId: card.id, message: 'We would like to see a demo.' }), 201);
      assert.equal(req.status, 'pending');
      assert.equal(req.to.id, foreign);
      const after = await snapshot(t);
      assert.equal(after.matching_requests, before.matching_requests + 1);
      assert.ok(after.mail_outbox >= before.mail_outbox + 1, 'the asked company is told by mail');
      const dup = await api(t, tm).post('/requests', { cardId: card.id, message: 'Again' });
      assert.equal(dup.statusCode, 409);
      assert.equal((await api(t, tm).post(`/requests/${req.id}/answer`, { decision: 'accept' })).statusCode, 403, 'the asking company cannot answer its own request');
      assert.equal((await api(t, om).post(`/requests/${req.id}/answer`, { decision: 'accept' })).statusCode, 404, 'another company does not see it at all');
      const bad = await api(t, fm).post(`/requests/${req.id}/answer`, { decision: 'maybe' });
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().errors[0].field, 'decision');
      const accepted = ok(await api(t, fm).post(`/requests/${req.id}/answer`, { decision: 'accept', plannedOn: '2020-07-01' }));
      assert.equal(accepted.status, 'accepted');
      assert.ok(accepted.meetingId);
      const meeting = ok(await api(t, tm).get(`/meetings/${accepted.meetingId}`));
      assert.equal(meeting.channel, 'marketplace');
      assert.equal(meeting.status, 'planned');
      const again = await api(t, fm).post(`/requests/${req.id}/answer`, { decision: 'decline' });
      assert.equal(again.statusCode, 409);
      const blocked = ok(await api(t, tm).get('/recommendations'));
      assert.ok(!blocked.some((r: any) => r.card.id === card.id), 'a card the pair already agreed to meet on is not recommended again');
    });

    it('shows a company only its own requests and meetings: another company\'s ids answer 404', async () => {
      const mine = ok(await api(t, om).get('/requests'));
      assert.equal(mine.length, 0);
      const theirs = ok(await api(t, tm).get('/requests'));
      assert.ok(theirs.length >= 1);
      for (const r of theirs) assert.equal((await api(t, om).get(`/requests/${r.id}`)).statusCode, 404);
      const meetings = ok(await api(t, tm).get('/meetings'));
      for (const m of meetings) {
        assert.equal((await api(t, om).get(`/meetings/${m.id}`)).statusCode, 404);
        assert.equal((await api(t, om).post(`/meetings/${m.id}/held`, { held: true, heldOn: '2020-06-01' })).statusCode, 404);
        assert.equal((await api(t, om).post(`/meetings/${m.id}/rating`, { score: 5 })).statusCode, 404);
      }
      assert.equal(ok(await api(t, om).get('/meetings')).length, 0);
      const cross = await api(t, om).get(`/recommendations?companyId=${tokyo}`);
      assert.equal(cross.statusCode, 403, 'a member cannot ask for another company\'s recommendations');
    });

    it('lets an unanswered request expire after the configured days, after which it blocks nothing and cannot be accepted', async () => {
      ok(await api(t, staff).patch('/settings', { requestExpiryDays: 3 }));
      const req = ok(await api(t, om).post('/requests', { toCompanyId: foreign, message: 'Shall we talk about apps?' }), 201);
      assert.equal(Date.parse(req.expiresAt) - Date.parse('2020-06-15T03:00:00Z'), 3 * DAY);
      t.clock.advance(3 * DAY + 1000);
      const seen = ok(await api(t, om).get(`/requests/${req.id}`));
      assert.equal(seen.status, 'expired');
      const late = await api(t, fm).post(`/requests/${req.id}/answer`, { decision: 'accept' });
      assert.equal(late.statusCode, 409);
      assert.match(late.json().detail, /expired/);
      // Expired: the same pair may ask again.
      const fresh = await api(t, om).post('/requests', { toCompanyId: foreign, message: 'Trying again' });
      assert.equal(fresh.statusCode, 201, fresh.body);
      const swept = ok(await api(t, staff).post('/jobs/run', {}));
      assert.equal(swept.expired, 1);
      const row = await (t.handle.db as any).selectFrom('matching_requests').select('status').where('id', '=', req.id).executeTakeFirst();
      assert.equal(row.status, 'expired');
      t.clock.set('2020-06-15T03:00:00Z');
      const bad = await api(t, staff).patch('/settings', { requestExpiryDays: 0 });
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().errors[0].field, 'requestExpiryDays');
      ok(await api(t, staff).patch('/settings', { requestExpiryDays: 14 }));
    });

    it('records a held meeting, both ratings and outcomes, and reminds of the follow-up by mail when it falls due', async () => {
      const m = ok(await api(t, tm).get('/meetings')).find((x: any) => x.status === 'planned');
      const future = await api(t, tm).post(`/meetings/${m.id}/held`, { held: true, heldOn: '2020-07-01' });
      assert.equal(future.statusCode, 422);
      assert.equal(future.json().errors[0].field, 'heldOn');
      const early = await api(t, tm).post(`/meetings/${m.id}/rating`, { score: 4 });
      assert.equal(early.statusCode, 409, 'a meeting not held cannot be rated');
      const held = ok(await api(t, tm).post(`/meetings/${m.id}/held`, { held: true, heldOn: '2020-06-10' }));
      assert.equal(held.status, 'held');
      assert.equal(held.countsForPlan, true);
      assert.equal(held.followups.length, 1, 'a member sees its own follow-up');
      assert.equal(held.followups[0].dueOn, '2020-09-10');
      const badScore = await api(t, tm).post(`/meetings/${m.id}/rating`, { score: 6 });
      assert.equal(badScore.statusCode, 422);
      ok(await api(t, tm).post(`/meetings/${m.id}/rating`, { score: 4, comment: 'Useful demo' }));
      ok(await api(t, fm).post(`/meetings/${m.id}/rating`, { score: 5 }));
      const staffView = ok(await api(t, staff).get(`/meetings/${m.id}`));
      assert.deepEqual(staffView.ratings.map((r: any) => r.score).sort(), [4, 5]);
      const mineOnly = ok(await api(t, tm).get(`/meetings/${m.id}`));
      assert.deepEqual(mineOnly.ratings.map((r: any) => r.score), [4], 'a member sees its own rating only');
      // Three months on, the follow-up is due: one reminder per side, once.
      const mailBefore = await count(t, 'mail_outbox');
      // Every active member of each side is told (the Tokyo company has two).
      const members = Number((await (t.handle.db as any).selectFrom('users').select((eb: any) => eb.fn.countAll().as('n')).where('company_id', 'in', [String(tokyo), String(foreign)]).executeTakeFirstOrThrow()).n);
      t.clock.set('2020-09-11T03:00:00Z');
      const run = ok(await api(t, staff).post('/jobs/run', {}));
      assert.equal(run.reminded, 2);
      assert.equal(await count(t, 'mail_outbox'), mailBefore + members);
      assert.equal(ok(await api(t, staff).post('/jobs/run', {})).reminded, 0);
      const out = ok(await api(t, tm).post(`/meetings/${m.id}/outcome`, { outcome: 'negotiation', note: 'Price talks' }));
      assert.equal(out.followups[0].outcome, 'negotiation');
      const badOutcome = await api(t, fm).post(`/meetings/${m.id}/outcome`, { outcome: 'merger' });
      assert.equal(badOutcome.statusCode, 422);
      const report = ok(await api(t, staff).get('/reports/outcomes'));
      assert.equal(report.outcomes.byOutcome.negotiation, 1);
      assert.equal(report.satisfaction.average, 4.5);
      t.clock.set('2020-06-15T03:00:00Z');
    });

    it('lets staff introduce two companies directly, but not a company to itself or an unknown one', async () => {
      const self = await api(t, staff).post('/introductions', { companyA: tokyo, companyB: tokyo });
      assert.equal(self.statusCode, 422);
      assert.equal(self.json().errors[0].field, 'companyB');
      const unknown = await api(t, staff).post('/introductions', { companyA: tokyo, companyB: 99_999 });
      assert.equal(unknown.statusCode, 422);
      assert.equal(unknown.json().errors[0].field, 'companyB');
      const m = ok(await api(t, staff).post('/introductions', { companyA: foreign, companyB: other, kind: 'startup-corporate' }), 201);
      assert.equal(m.channel, 'staff');
      assert.equal(m.kind, 'startup-corporate');
      assert.ok((await count(t, 'audit_log', ['action', '=', 'matching.introduction.create'])) >= 1);
    });

    it('audits every write with who did it', async () => {
      const actions = (await (t.handle.db as any).selectFrom('audit_log').select(['action', 'actor_label']).where('action', 'like', 'matching.%').execute()) as Array<{ action: string; actor_label: string }>;
      const seen = new Set(actions.map((a) => a.action));
      for (const a of ['matching.card.create', 'matching.card.approve', 'matching.card.update', 'matching.request.create', 'matching.request.accept', 'matching.meeting.create', 'matching.meeting.held', 'matching.meeting.rate', 'matching.meeting.outcome', 'matching.settings.update', 'matching.request.expire', 'matching.followup.remind', 'matching.introduction.create']) {
        assert.ok(seen.has(a), `audited: ${a}`);
      }
      assert.ok(actions.some((a) => a.action === 'matching.card.create' && a.actor_label === tm.email));
    });

    it('asks for the session\'s CSRF token on a cookie-borne write', async () => {
      const s = await loginAs(t.app, 'member', { companyId: String(tokyo) });
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/matching/cards', headers: { cookie: s.cookie }, payload: { kind: 'product-offer', titleEn: 'x' } });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().code, 'csrf-invalid');
    });
  });
}
