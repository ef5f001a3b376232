import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, loginAs, type TestApp, type Session } from '../../test/helpers.js';
import { JAPANESE_SCRIPT } from '../core/i18n/index.js';
import { systemActor } from '../core/audit.js';
import { bumpVersion } from '../core/versions.js';
import { companiesService } from '../companies/index.js';
import { attractionStore } from './store.js';
import { attractionService } from './index.js';
import { advance, caller, newLead, snapshot, type Caller } from './testing.js';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

for (const dialect of DIALECTS) {
  describe(`attraction pages without JavaScript [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let s: Session;
    let apiStaff: Caller;
    const get = (url: string, session = s) => t.app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
    const post = (url: string, fields: Record<string, string>, session = s) =>
      t.app.inject({ method: 'POST', url, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: session.csrf, ...fields }) });

    before(async () => {
      t = await testApp(dialect);
      s = await loginAs(t.app, 'staff');
      apiStaff = await caller(t, 'staff', 'Yamada Jiro');
    });
    after(async () => t?.close());

    it('renders every page in Japanese and in English, with nothing untranslated on the English ones', async () => {
      const lead = await newLead(t, apiStaff, { company: { nameEn: 'Maple Ledger Inc', country: 'CA' } });
      const pages = ['/attraction', '/attraction/dashboard', '/attraction/board', '/attraction/leads', '/attraction/leads/new', `/attraction/leads/${lead.id}`, `/attraction/leads/${lead.id}/move?to=contacted`, `/attraction/leads/${lead.id}/edit`, '/attraction/others'];
      for (const p of pages) {
        for (const lang of ['ja', 'en'] as const) {
          const res = await get(`${p}${p.includes('?') ? '&' : '?'}lang=${lang}`);
          assert.equal(res.statusCode, 200, `${p} ${lang}: ${res.body.slice(0, 300)}`);
          assert.match(res.body, new RegExp(`<html lang="${lang}"`));
          assert.match(res.body, /<h1>/);
          if (lang === 'en') {
            const main = res.body.slice(res.body.indexOf('<main'), res.body.indexOf('</main>')).replace(/<[^>]+>/g, ' ');
            const m = new RegExp(`.{0,40}${JAPANESE_SCRIPT.source}.{0,40}`).exec(main);
            assert.equal(m, null, `${p}?lang=en shows Japanese: ${m?.[0]}`);
          }
        }
      }
    });

    it('sends anonymous visitors to sign in and refuses members and publishers', async () => {
      const anon = await t.app.inject({ method: 'GET', url: '/attraction/board', headers: { accept: 'text/html' } });
      assert.equal(anon.statusCode, 303);
      assert.match(anon.headers.location as string, /^\/login\?next=/);
      for (const role of ['member', 'publisher'] as const) {
        const other = await loginAs(t.app, role);
        const res = await get('/attraction/leads', other);
        assert.equal(res.statusCode, 403, role);
        const write = await post('/attraction/leads', { sector: 'ai', origin: 'event', 'company.nameEn': 'X Corp', 'company.country': 'US' }, other);
        assert.equal(write.statusCode, 403, role);
      }
    });

    it('creates a lead with a new company through the form, then moves it with the move form', async () => {
      const before = await snapshot(t);
      const created = await post('/attraction/leads', { 'company.nameEn': 'Aurora Robotics GmbH', 'company.country': 'de', sector: 'iot', origin: 'referral', ownerId: '', notes: 'Met at the Hannover fair' });
      assert.equal(created.statusCode, 303, created.body.slice(0, 500));
      const location = created.headers.location as string;
      assert.match(location, /^\/attraction\/leads\/\d+\?done=created$/);
      const id = Number(/leads\/(\d+)/.exec(location)![1]);
      const after = await snapshot(t);
      assert.equal(after.attraction_leads, before.attraction_leads + 1);
      const page = await get(`${location}&lang=en`);
      assert.match(page.body, /The lead was created/);
      assert.match(page.body, /Aurora Robotics GmbH/);
      assert.match(page.body, /To move to Contacted: date of first contact, contact channel/);

      // A move form sent without what the stage needs is shown again with the errors, and stores nothing.
      const snap = await snapshot(t);
      const bad = await post(`/attraction/leads/${id}/move?lang=en`, { to: 'contacted', firstContactDate: '', contactChannel: '' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /error-summary/);
      assert.match(bad.body, /href="#f-firstContactDate"/);
      assert.match(bad.body, /Date of first contact is required/);
      assert.match(bad.body, /id="f-contactChannel"/);
      assert.deepEqual(await snapshot(t), snap);
      const ja = await post(`/attraction/leads/${id}/move?lang=ja`, { to: 'contacted', firstContactDate: '2019-07-01', contactChannel: 'email' });
      assert.equal(ja.statusCode, 422);
      assert.match(ja.body, /「初回接触日」に未来の日付は入力できません/);
      assert.match(ja.body, /value="2019-07-01"/); // what was typed is kept

      const ok = await post(`/attraction/leads/${id}/move`, { to: 'contacted', firstContactDate: '2019-06-10', contactChannel: 'email', note: 'Intro call' });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
      assert.equal(ok.headers.location, `/attraction/leads/${id}?done=moved&stage=contacted`);
    });

    it('records a consultation with follow-up tasks, shows them on the dashboard and marks one done', async () => {
      const lead = await newLead(t, apiStaff);
      await advance(t, apiStaff, lead.id, 'contacted', { contact: '2019-06-01' });
      const missing = await post(`/attraction/leads/${lead.id}/consultations?lang=en`, { date: '2019-06-12', topic: '', 'tasks.0.title': 'Send the grant guide', 'tasks.0.dueDate': '' });
      assert.equal(missing.statusCode, 422);
      assert.match(missing.body, /Topic is required/);
      assert.match(missing.body, /Follow-up due date is required/);
      const res = await post(`/attraction/leads/${lead.id}/consultations`, {
        date: '2019-06-12',
        topic: 'Office search and visas',
        staffId: String(s.user.id),
        notes: 'Needs a business manager visa',
        'tasks.0.title': 'Send the office list',
        'tasks.0.dueDate': '2019-06-10',
        'tasks.0.assigneeId': String(s.user.id),
        'tasks.1.title': 'Introduce a judicial scrivener',
        'tasks.1.dueDate': '2019-06-20',
        'tasks.2.title': '',
        'tasks.2.dueDate': '',
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      const dash = await get('/attraction?lang=en');
      assert.match(dash.body, /Open tasks past their due date \(1\)/);
      assert.match(dash.body, /Send the office list/);
      assert.match(dash.body, /Introduce a judicial scrivener/);
      const taskId = Number(/action="\/attraction\/tasks\/(\d+)\/done"/.exec(dash.body)![1]);
      const done = await post(`/attraction/tasks/${taskId}/done`, { done: '1', back: '/attraction' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/attraction?done=task-done');
      const again = await get('/attraction?lang=en');
      assert.match(again.body, /Open tasks past their due date \(0\)/);
      // A back link outside the module is not followed.
      const sneaky = await post(`/attraction/tasks/${taskId}/done`, { done: '0', back: 'https://evil.example/' });
      assert.equal(sneaky.headers.location, `/attraction/leads/${lead.id}?done=task-done`);
    });

    it('shows each lead on the board in its stage column and moves it there after a move', async () => {
      const lead = await newLead(t, apiStaff, { company: { nameEn: 'Kiwi Quant Ltd', country: 'NZ' }, sector: 'asset-management' });
      const column = (html: string, stage: string) => {
        const start = html.indexOf(`id="col-${stage}"`);
        const end = html.indexOf('</section>', start);
        return html.slice(start, end);
      };
      const b1 = await get('/attraction/board?lang=en');
      assert.equal(b1.statusCode, 200);
      assert.match(column(b1.body, 'lead'), /Kiwi Quant Ltd/);
      assert.doesNotMatch(column(b1.body, 'contacted'), /Kiwi Quant Ltd/);
      assert.match(column(b1.body, 'lead'), /To move to Contacted: date of first contact, contact channel/);
      assert.match(b1.body, new RegExp(`action="/attraction/leads/${lead.id}/move"`));
      await advance(t, apiStaff, lead.id, 'contacted');
      const b2 = await get('/attraction/board?lang=en');
      assert.doesNotMatch(column(b2.body, 'lead'), /Kiwi Quant Ltd/);
      assert.match(column(b2.body, 'contacted'), /Kiwi Quant Ltd/);
      // Filters: another sector hides it; its group shows it.
      assert.doesNotMatch((await get('/attraction/board?sector=iot')).body, /Kiwi Quant Ltd/);
      assert.match((await get('/attraction/board?sector=financial')).body, /Kiwi Quant Ltd/);
      // The GET move form leads to the move page, which asks for the next stage's fields.
      const move = await get(`/attraction/leads/${lead.id}/move?to=consulting&lang=en`);
      assert.match(move.body, /at least one consultation recorded/);
    });

    it('shows at most 200 cards a column, the most recently moved first, and links to the rest in the table', async () => {
      const owner = await caller(t, 'staff', 'Busy Owner');
      const { company } = await companiesService(t.app.kabuto).create(systemActor('test'), { nameEn: 'Crowded Column Holdings', country: 'US' });
      await t.handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 203; i++) {
          const at = new Date(Date.UTC(2019, 5, 1, 0, i)).toISOString();
          await attractionStore.insertLead(trx, { company_id: company.id, sector: 'ai', origin: 'event', owner_id: owner.id, stage: 'contacted', stage_changed_at: at, first_contact_date: '2019-05-01', contact_channel: 'email', created_at: at, updated_at: at });
        }
        await bumpVersion(trx, t.clock, 'attraction');
      });
      const html = (await get(`/attraction/board?owner=${owner.id}&lang=en`)).body;
      const start = html.indexOf('id="col-contacted"');
      const col = html.slice(start, html.indexOf('</section>', start));
      assert.equal((col.match(/<li>/g) ?? []).length, 200);
      assert.match(col, /\(203 lead\(s\)\)/);
      assert.match(col, new RegExp(`href="/attraction/leads\\?stage=contacted&amp;owner=${owner.id}">See the other 3 in Contacted in the table`));
      const ids = [...col.matchAll(/href="\/attraction\/leads\/(\d+)"/g)].map((m) => Number(m[1]));
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a)); // newest move first
    });

    it('renders a stale board once for requests that arrive together, and again after the next write', async () => {
      const svc = attractionService(t.app.kabuto);
      const original = svc.board.bind(svc);
      let calls = 0;
      svc.board = async (...args) => {
        calls += 1;
        return original(...args);
      };
      try {
        await get('/attraction/board?lang=ja');
        calls = 0;
        await bumpVersion(t.handle.db, t.clock, 'attraction');
        const pages = await Promise.all([1, 2, 3, 4, 5].map(() => get('/attraction/board?lang=ja')));
        assert.equal(calls, 1);
        for (const p of pages) assert.equal(p.statusCode, 200);
        const main = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));
        assert.ok(pages.every((p) => main(p.body) === main(pages[0]!.body)));
        await get('/attraction/board?lang=ja');
        assert.equal(calls, 1, 'a fresh board comes from the cache');
        await bumpVersion(t.handle.db, t.clock, 'attraction');
        await get('/attraction/board?lang=ja');
        assert.equal(calls, 2);
      } finally {
        svc.board = original;
      }
    });

    it('creates and deletes a firm attracted by others through the form', async () => {
      const bad = await post('/attraction/others?lang=en', { 'company.nameEn': 'Harbour Pay', 'company.country': 'JP', establishedDate: '2019-05-01', sector: 'fintech', source: '' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Leads are foreign companies/);
      assert.match(bad.body, /Source \(who attracted the firm\) is required/);
      const ok = await post('/attraction/others', { 'company.nameEn': 'Harbour Pay Ltd', 'company.country': 'HK', establishedDate: '2019-05-01', sector: 'fintech', source: 'Invest Hong Kong' });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
      const list = await get('/attraction/others?lang=en');
      assert.match(list.body, /Harbour Pay Ltd/);
      const id = Number(/action="\/attraction\/others\/(\d+)\/delete"/.exec(list.body)![1]);
      const del = await post(`/attraction/others/${id}/delete`, {});
      assert.equal(del.statusCode, 303);
      assert.doesNotMatch((await get('/attraction/others')).body, /Harbour Pay Ltd/);
    });

    it('offers the registry\'s similar companies instead of creating a duplicate', async () => {
      const first = await post('/attraction/leads', { 'company.nameEn': 'Sakura Fintech Labs', 'company.country': 'US', sector: 'fintech', origin: 'inbound' });
      assert.equal(first.statusCode, 303);
      const snap = await snapshot(t);
      const dup = await post('/attraction/leads?lang=en', { 'company.nameEn': 'Sakura Fintech Labs', 'company.country': 'US', sector: 'fintech', origin: 'inbound' });
      assert.equal(dup.statusCode, 409, dup.body.slice(0, 300));
      assert.match(dup.body, /similar name/);
      assert.match(dup.body, /name="companyId"/);
      assert.deepEqual(await snapshot(t), snap);
      // Confirming creates the new company and its lead.
      const confirmed = await post('/attraction/leads', { 'company.nameEn': 'Sakura Fintech Labs', 'company.country': 'US', sector: 'fintech', origin: 'inbound', allowDuplicate: '1' });
      assert.equal(confirmed.statusCode, 303, confirmed.body.slice(0, 400));
    });
  });
}
