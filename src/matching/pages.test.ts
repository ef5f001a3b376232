import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { DIALECTS, skipFor, testApp, loginAs, type TestApp, type Session } from '../../test/helpers.js';
import { JAPANESE_SCRIPT } from '../core/i18n/index.js';
import { api, caller, company, ok, snapshot, type Caller } from './testing.js';

const form = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};

for (const dialect of DIALECTS) {
  describe(`matching pages without JavaScript [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Session;
    let staffApi: Caller;
    let tokyoS: Session;
    let foreignS: Session;
    let tokyo: number;
    let foreign: number;
    const ids: Record<string, number> = {};
    const get = (url: string, s: Session) => t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
    const post = (url: string, fields: Record<string, string | string[]>, s: Session) =>
      t.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.csrf, ...fields }) });
    const idFrom = (location: string, what: string) => Number(new RegExp(`/${what}/(\\d+)`).exec(location)![1]);

    before(async () => {
      t = await testApp(dialect, { now: '2020-06-15T03:00:00Z' });
      // English names and texts only, so the English pages can be checked for untranslated text.
      tokyo = await company(t, 'tokyo', { nameEn: 'Otemachi Trading', jsic: 'I' });
      foreign = await company(t, 'foreign', { nameEn: 'Lyon Sensors SA', country: 'FR', jsic: 'I' });
      staff = await loginAs(t.app, 'staff');
      staffApi = await caller(t, 'staff');
      tokyoS = await loginAs(t.app, 'member', { companyId: String(tokyo) });
      foreignS = await loginAs(t.app, 'member', { companyId: String(foreign) });
    });
    after(async () => t?.close());

    it('posts a card through the form: a missing title is shown again with the error and what was typed, then it is saved', async () => {
      const before = await snapshot(t);
      const bad = await post('/matching/cards?lang=en', { kind: 'procurement-need', titleJa: '', titleEn: '', bodyEn: 'We need IoT sensors for cold storage.', jsic: ['I', 'E'], regions: 'europe' }, tokyoS);
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /error-summary/);
      assert.match(bad.body, /href="#f-titleJa"/);
      assert.match(bad.body, /give a title in Japanese or English/);
      assert.match(bad.body, /IoT sensors for cold storage/);
      assert.match(bad.body, /value="E" checked/);
      assert.deepEqual(await snapshot(t), before);
      const ja = await post('/matching/cards?lang=ja', { kind: 'procurement-need', titleJa: '' }, tokyoS);
      assert.match(ja.body, /タイトルを日本語か英語で入力してください/);
      const okRes = await post('/matching/cards', { kind: 'procurement-need', titleEn: 'IoT sensors for cold storage', bodyEn: 'We need IoT sensors and remote monitoring for cold storage warehouses.', jsic: 'I', regions: ['europe', 'japan'], tags: 'iot, cold chain' }, tokyoS);
      assert.equal(okRes.statusCode, 303, okRes.body.slice(0, 400));
      ids.need = idFrom(okRes.headers.location as string, 'cards');
      const page = await get(`/matching/cards/${ids.need}?done=created&lang=en`, tokyoS);
      assert.match(page.body, /Created/);
      assert.match(page.body, /Awaiting review/);
    });

    it('lets staff approve from the review page and a member ask for a meeting from the card page', async () => {
      const queue = await get('/matching/review?lang=en', staff);
      assert.match(queue.body, /IoT sensors for cold storage/);
      const approved = await post(`/matching/cards/${ids.need}/review`, { decision: 'approved', back: '/matching/review' }, staff);
      assert.equal(approved.statusCode, 303);
      assert.equal(approved.headers.location, '/matching/review?done=reviewed');
      const offer = await post('/matching/cards', { kind: 'product-offer', titleEn: 'Wireless IoT sensors for cold chain', bodyEn: 'Remote monitoring of temperature in warehouses.', jsic: 'I', regions: 'global' }, foreignS);
      ids.offer = idFrom(offer.headers.location as string, 'cards');
      await post(`/matching/cards/${ids.offer}/review`, { decision: 'approved' }, staff);
      const recs = await get('/matching/recommendations?lang=en', tokyoS);
      assert.match(recs.body, /Wireless IoT sensors for cold chain/);
      assert.match(recs.body, /Why:/);
      const empty = await post(`/matching/cards/${ids.offer}/request?lang=en`, { message: '  ' }, tokyoS);
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /write a message/);
      const sent = await post(`/matching/cards/${ids.offer}/request`, { message: 'We would like a demo of your sensors.' }, tokyoS);
      assert.equal(sent.statusCode, 303);
      ids.request = idFrom(sent.headers.location as string, 'requests');
      const answer = await post(`/matching/requests/${ids.request}/answer`, { decision: 'accept', plannedOn: '2020-06-20', note: 'Happy to.' }, foreignS);
      assert.equal(answer.statusCode, 303);
      ids.meeting = idFrom(answer.headers.location as string, 'meetings');
    });

    it('records the meeting as held, a rating and an outcome through the forms', async () => {
      const future = await post(`/matching/meetings/${ids.meeting}/held?lang=en`, { held: '1', heldOn: '2020-07-01' }, tokyoS);
      assert.equal(future.statusCode, 422);
      assert.match(future.body, /cannot be in the future/);
      assert.equal((await post(`/matching/meetings/${ids.meeting}/held`, { held: '1', heldOn: '2020-06-12' }, tokyoS)).statusCode, 303);
      assert.equal((await post(`/matching/meetings/${ids.meeting}/rating`, { score: '5', comment: 'Great' }, tokyoS)).statusCode, 303);
      assert.equal((await post(`/matching/meetings/${ids.meeting}/outcome`, { outcome: 'alliance', note: '' }, tokyoS)).statusCode, 303);
      const page = await get(`/matching/meetings/${ids.meeting}?lang=en`, tokyoS);
      assert.match(page.body, /Business alliance/);
      assert.match(page.body, /5 of 5/);
      assert.match(page.body, /Yes \(an introduction between a foreign and a Tokyo company/);
      // Another company's meeting is not there at all.
      const outsider = await loginAs(t.app, 'member', { companyId: String(await company(t, 'tokyo', { nameEn: 'Nosy Co' })) });
      assert.equal((await get(`/matching/meetings/${ids.meeting}`, outsider)).statusCode, 404);
    });

    it('lets staff create a fair, invite participants, schedule it, and refuses a move into a taken place with the clash named', async () => {
      const bad = await post('/matching/fairs?lang=en', { nameJa: 'テスト商談会', nameEn: '', requestDeadline: '2020-06-30T18:00', 'sessions.0.date': '2020-07-01', 'sessions.0.start': '10:00', 'sessions.0.end': '11:00', 'sessions.0.slotMinutes': '30', tables: '1-2', status: 'open' }, staff);
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /href="#f-nameEn"/);
      const created = await post('/matching/fairs', { nameJa: 'テスト商談会', nameEn: 'Test Fair', venueEn: 'Hall B', requestDeadline: '2020-06-30T18:00', 'sessions.0.date': '2020-07-01', 'sessions.0.start': '10:00', 'sessions.0.end': '11:00', 'sessions.0.slotMinutes': '30', tables: '1-2', status: 'open' }, staff);
      assert.equal(created.statusCode, 303, created.body.slice(0, 600));
      ids.fair = idFrom(created.headers.location as string, 'fairs');
      const fair = ok(await api(t, staffApi).get(`/fairs/${ids.fair}`));
      assert.equal(fair.requestDeadline, '2020-06-30T09:00:00.000Z', 'the form\'s time is Tokyo time');
      const companies = [tokyo, foreign];
      for (let i = 0; i < 2; i++) companies.push(await company(t, 'foreign', { nameEn: `Fair Guest ${i}` }));
      for (const c of companies) assert.equal((await post(`/matching/fairs/${ids.fair}/participants`, { companyId: String(c), group: 'all' }, staff)).statusCode, 303);
      const unknown = await post(`/matching/fairs/${ids.fair}/participants?lang=en`, { companyId: 'abc', group: 'x' }, staff);
      assert.equal(unknown.statusCode, 422);
      // Tokyo asks everyone; all accept through the API; the scheduler places them.
      for (const c of companies.slice(1)) {
        const r = await post(`/matching/fairs/${ids.fair}/requests`, { toCompanyId: String(c), message: 'Meet at the fair?' }, tokyoS);
        assert.equal(r.statusCode, 303, r.body.slice(0, 300));
        const member = await caller(t, 'member', c);
        ok(await api(t, member).post(`/requests/${idFrom(r.headers.location as string, 'requests')}/answer`, { decision: 'accept' }));
      }
      const run = await post(`/matching/fairs/${ids.fair}/schedule`, {}, staff);
      assert.equal(run.statusCode, 303);
      assert.match(run.headers.location as string, /done=scheduled&placed=2&unplaced=1/);
      const page = await get(`${run.headers.location}&lang=en`, staff);
      assert.match(page.body, /Scheduled: 2 placed|2 placed, 1 not placed/);
      assert.match(page.body, /Otemachi Trading has no room left/);
      // Move the unplaced one into a taken place: refused, the clash named, nothing changed.
      const meetings = ok(await api(t, staffApi).get(`/meetings?fairId=${ids.fair}`));
      const unplaced = meetings.find((m: any) => !m.slot);
      const placed = meetings.find((m: any) => m.slot);
      const before = await snapshot(t);
      const clash = await post(`/matching/meetings/${unplaced.id}/place?lang=en`, { slotId: String(placed.slot.id), tableId: String(placed.table.id) }, staff);
      assert.equal(clash.statusCode, 409);
      assert.match(clash.body, new RegExp(`Meeting ${unplaced.id} cannot be moved there`));
      assert.match(clash.body, /the table is taken by meeting/);
      assert.match(clash.body, /Otemachi Trading .*already has meeting/);
      assert.deepEqual(await snapshot(t), before);
      const agenda = await get(`/matching/fairs/${ids.fair}/agenda?lang=en`, tokyoS);
      assert.match(agenda.body, /Agenda of Otemachi Trading at Test Fair/);
      const print = await get(`/matching/fairs/${ids.fair}/agenda/print?lang=en`, tokyoS);
      assert.match(print.body, /<body class="bare">/);
    });

    it('exports the meetings and the reports as CSV with a byte order mark and as XLSX', async () => {
      const csv = await get('/matching/meetings/export?format=csv&lang=en', staff);
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      assert.ok(csv.body.startsWith('\uFEFF'), 'BOM');
      assert.match(csv.body, /Company A,Country of A/);
      assert.match(csv.body, /Otemachi Trading/);
      const xlsx = await t.app.inject({ method: 'GET', url: `/matching/fairs/${ids.fair}/schedule/export?format=xlsx&lang=en`, headers: { cookie: staff.cookie } });
      assert.equal(xlsx.statusCode, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const rows = wb.worksheets[0]!.getSheetValues().filter(Boolean);
      assert.equal(rows.length, 1 + 3, 'header and the fair\'s three meetings');
      const report = await get('/matching/reports/export?format=csv&lang=en', staff);
      assert.match(report.body, /Section,Item,Value/);
      assert.match(report.body, /Business alliance,1/);
      assert.equal((await get('/matching/reports/export?format=csv', tokyoS)).statusCode, 403);
    });

    it('renders every page in Japanese and in English, with nothing untranslated on the English ones', async () => {
      const memberPages = ['/matching', '/matching/market', '/matching/market?q=sensor&kind=product-offer', '/matching/cards/new', `/matching/cards/${ids.offer}`, `/matching/cards/${ids.need}/edit`, '/matching/mine', '/matching/profile', '/matching/recommendations', '/matching/requests', `/matching/requests/${ids.request}`, '/matching/meetings', `/matching/meetings/${ids.meeting}`, '/matching/fairs', `/matching/fairs/${ids.fair}`, `/matching/fairs/${ids.fair}/agenda`, `/matching/fairs/${ids.fair}/agenda/print`];
      const staffPages = ['/matching', '/matching/review', '/matching/introduce', '/matching/requests', '/matching/fairs/new', `/matching/fairs/${ids.fair}`, `/matching/fairs/${ids.fair}/schedule`, `/matching/fairs/${ids.fair}/report`, `/matching/fairs/${ids.fair}/agenda?companyId=${tokyo}`, '/matching/reports', '/matching/settings', `/matching/cards/${ids.need}`, `/matching/meetings/${ids.meeting}`];
      for (const [s, pages] of [
        [tokyoS, memberPages],
        [staff, staffPages],
      ] as const) {
        for (const p of pages) {
          for (const lang of ['ja', 'en'] as const) {
            const res = await get(`${p}${p.includes('?') ? '&' : '?'}lang=${lang}`, s);
            assert.equal(res.statusCode, 200, `${p} ${lang}: ${res.body.slice(0, 300)}`);
            assert.match(res.body, new RegExp(`<html lang="${lang}"`));
            assert.match(res.body, /<h1>/);
            if (lang === 'en') {
              // The fair's Japanese name is the staff's own data; everything else here is English.
              const main = res.body.slice(res.body.indexOf('<main'), res.body.indexOf('</main>')).replace(/<[^>]+>/g, ' ').replace(/テスト商談会/g, '');
              const m = new RegExp(`.{0,40}${JAPANESE_SCRIPT.source}.{0,40}`).exec(main);
              assert.equal(m, null, `${p}?lang=en shows Japanese: ${m?.[0]}`);
            }
          }
        }
      }
    });

    it('sends anonymous visitors to sign in and refuses publishers and members on staff pages', async () => {
      const anon = await t.app.inject({ method: 'GET', url: '/matching/market', headers: { accept: 'text/html' } });
      assert.equal(anon.statusCode, 303);
      assert.match(anon.headers.location as string, /^\/login\?next=/);
      const publisher = await loginAs(t.app, 'publisher');
      assert.equal((await get('/matching/market', publisher)).statusCode, 403);
      assert.equal((await get('/matching/review', tokyoS)).statusCode, 403);
      assert.equal((await post('/matching/introductions', { companyA: String(tokyo), companyB: String(foreign) }, tokyoS)).statusCode, 403);
      const noCsrf = await t.app.inject({ method: 'POST', url: '/matching/cards', headers: { cookie: tokyoS.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ kind: 'product-offer', titleEn: 'x' }) });
      assert.equal(noCsrf.statusCode, 403);
    });
  });
}
