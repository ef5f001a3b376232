import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { DIALECTS, skipFor, testApp, tokenFor, loginAs, type TestApp, type Session } from '../../test/helpers.js';
import { ROLES } from '../core/tables.js';
import { systemActor } from '../core/audit.js';
import { companiesService } from './index.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;
const form = (s: Session, data: Record<string, string>) => new URLSearchParams({ ...data, _csrf: s.csrf }).toString();

for (const dialect of DIALECTS) {
  describe(`companies API and pages [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: string;
    let staffSession: Session;
    const count = async () => Number((await t.handle.db.selectFrom('companies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, token = staff) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

    before(async () => {
      t = await testApp(dialect);
      staff = await tokenFor(t.app, 'staff');
      staffSession = await loginAs(t.app, 'staff');
    });
    after(async () => t?.close());

    it('registers a company and shows the 法人番号 as a JP-JCN identifier and formatted', async () => {
      const res = await api('POST', '/api/v1/companies', { corporateNumber: '7000012050002', nameJa: '国税庁', nameEn: 'National Tax Agency', country: 'JP', addressJa: '東京都千代田区霞が関3-1-1' });
      assert.equal(res.statusCode, 201, res.body);
      const { company, nearDuplicates } = res.json();
      assert.deepEqual(company.identifiers, [{ scheme: 'JP-JCN', id: '7000012050002' }]);
      assert.equal(company.corporateNumberFormatted, '7-0000-1205-0002');
      assert.equal(company.registeredInTokyo, true);
      assert.equal(company.lgCode, '131016');
      assert.deepEqual(nearDuplicates, []);
      assert.equal(res.headers.location, `/api/v1/companies/${company.id}`);
      const got = await api('GET', `/api/v1/companies/${company.id}`);
      assert.equal(got.json().nameEn, 'National Tax Agency');
    });

    const bad: [string, Record<string, unknown>, number, string][] = [
      ['an invalid check digit', { corporateNumber: '7000012050003', nameJa: 'テスト', country: 'JP' }, 422, 'corporateNumber'],
      ['a 12-digit corporate number', { corporateNumber: '700001205000', nameJa: 'テスト', country: 'JP' }, 422, 'corporateNumber'],
      ['an unknown JSIC major group', { nameJa: 'テスト', country: 'JP', jsicMajor: 'Z' }, 422, 'jsicMajor'],
      ['an unknown JSIC division', { nameJa: 'テスト', country: 'JP', jsicDivision: '00' }, 422, 'jsicDivision'],
      ['no name', { country: 'JP' }, 422, 'nameJa'],
      ['an unknown country', { nameJa: 'テスト', country: 'QQ' }, 422, 'country'],
      ['an unknown field', { nameJa: 'テスト', country: 'JP', sneaky: 1 }, 400, 'sneaky'],
      ['capital as text', { nameJa: 'テスト', country: 'JP', capitalYen: '100' }, 400, 'capitalYen'],
      ['the same 法人番号 again', { corporateNumber: '7-0000-1205-0002', nameJa: '別名', country: 'JP' }, 409, 'corporateNumber'],
    ];
    for (const [what, payload, status, field] of bad) {
      it(`refuses ${what} with ${status}, naming the field, and stores nothing`, async () => {
        const before = await count();
        const res = await api('POST', '/api/v1/companies', payload);
        assert.equal(res.statusCode, status, res.body);
        assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
        assert.ok(res.json().errors?.some((e: any) => e.field === field), res.body);
        assert.equal(await count(), before);
      });
    }

    it('returns near duplicates on create and searches by name, number, industry and country', async () => {
      const a = (await api('POST', '/api/v1/companies', { nameJa: '株式会社ABC', country: 'JP', jsicDivision: '39' })).json();
      const b = (await api('POST', '/api/v1/companies', { nameEn: 'ABC Co., Ltd.', country: 'US' })).json();
      assert.deepEqual(b.nearDuplicates.map((c: any) => c.id), [a.company.id]);
      assert.equal(a.company.jsicMajor, 'G');
      const byName = (await api('GET', '/api/v1/companies?q=abc')).json();
      assert.equal(byName.total, 2);
      const byJa = (await api('GET', `/api/v1/companies?q=${encodeURIComponent('国税')}`)).json();
      assert.deepEqual(byJa.items.map((c: any) => c.nameJa), ['国税庁']);
      const byNumber = (await api('GET', '/api/v1/companies?corporateNumber=7000012050002')).json();
      assert.equal(byNumber.total, 1);
      assert.equal((await api('GET', '/api/v1/companies?jsicMajor=G')).json().total, 1);
      assert.equal((await api('GET', '/api/v1/companies?country=US&registeredInTokyo=false')).json().total, 1);
      const paged = (await api('GET', '/api/v1/companies?limit=1&offset=1')).json();
      assert.equal(paged.items.length, 1);
      assert.equal(paged.total, 3);
      const junk = await api('GET', `/api/v1/companies?q=${encodeURIComponent('" OR * NEAR(')}`);
      assert.equal(junk.statusCode, 200);
    });

    it('patches a company and refuses an invalid patch naming the field', async () => {
      const id = (await api('GET', '/api/v1/companies?corporateNumber=7000012050002')).json().items[0].id;
      const ok = await api('PATCH', `/api/v1/companies/${id}`, { employees: 56000, jsicMajor: 'S' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().employees, 56000);
      const no = await api('PATCH', `/api/v1/companies/${id}`, { corporateNumber: '1234567890123' });
      assert.equal(no.statusCode, 422);
      assert.equal(no.json().errors[0].field, 'corporateNumber');
      assert.equal((await api('GET', `/api/v1/companies/${id}`)).json().corporateNumber, '7000012050002');
    });

    it('merges through the API; the old id follows in the API and redirects (301) on pages', async () => {
      const keep = (await api('POST', '/api/v1/companies', { nameJa: '残存商事', country: 'JP' })).json().company;
      const gone = (await api('POST', '/api/v1/companies', { nameJa: '残存商事株式会社', country: 'JP' })).json().company;
      const res = await api('POST', `/api/v1/companies/${keep.id}/merge`, { from: gone.id });
      assert.equal(res.statusCode, 200, res.body);
      const old = await api('GET', `/api/v1/companies/${gone.id}`);
      assert.equal(old.json().id, keep.id);
      assert.equal(old.headers['content-location'], `/api/v1/companies/${keep.id}`);
      const page = await t.app.inject({ url: `/companies/${gone.id}`, headers: { cookie: staffSession.cookie } });
      assert.equal(page.statusCode, 301);
      assert.equal(page.headers.location, `/companies/${keep.id}?from=${gone.id}`);
      const again = await api('POST', `/api/v1/companies/${keep.id}/merge`, { from: gone.id });
      assert.equal(again.statusCode, 409);
      const self = await api('POST', `/api/v1/companies/${keep.id}/merge`, { from: keep.id });
      assert.equal(self.statusCode, 422);
      assert.equal(self.json().errors[0].field, 'from');
    });

    it('refuses every companies write route to anonymous callers (401) and members (403)', async () => {
      const member = await loginAs(t.app, 'member', { companyId: '1' });
      const writes = t.app.routeInfo.filter((r) => r.method !== 'GET' && (r.url.startsWith('/companies') || r.url.startsWith('/api/v1/companies')));
      assert.ok(writes.length >= 9, `found ${writes.length} write routes`);
      for (const r of writes) {
        const url = r.url.replace(/:\w+/g, '1');
        assert.deepEqual(r.auth, ['staff', 'admin'], `${r.method} ${r.url}`);
        const anon = await t.app.inject({ method: r.method as 'POST', url, headers: { accept: 'application/json', 'content-type': 'application/json' }, payload: r.method === 'DELETE' ? undefined : {} });
        assert.equal(anon.statusCode, 401, `${r.method} ${r.url} anonymous`);
        const m = await t.app.inject({ method: r.method as 'POST', url, headers: { accept: 'application/json', 'content-type': 'application/json', cookie: member.cookie, 'x-csrf-token': member.csrf }, payload: r.method === 'DELETE' ? undefined : {} });
        assert.equal(m.statusCode, 403, `${r.method} ${r.url} member`);
      }
      const memberToken = await tokenFor(t.app, 'member');
      assert.equal((await api('POST', '/api/v1/companies', { nameJa: 'x', country: 'JP' }, memberToken)).statusCode, 403);
      assert.equal((await api('GET', '/api/v1/companies', undefined, memberToken)).statusCode, 403);
    });

    it("shows a member their own company and answers 404 for another company's page", async () => {
      const svc = companiesService(t.app.kabuto);
      const own = (await svc.create(systemActor('test'), { nameJa: '自社株式会社', country: 'JP' })).company;
      const other = (await svc.create(systemActor('test'), { nameJa: '他社株式会社', country: 'JP' })).company;
      await svc.addContact(systemActor('test'), other.id, { name: '秘密 花子', email: 'hanako@example.jp' });
      const member = await loginAs(t.app, 'member', { companyId: String(own.id) });
      const mine = await t.app.inject({ url: `/companies/${own.id}`, headers: { cookie: member.cookie } });
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /自社株式会社/);
      const theirs = await t.app.inject({ url: `/companies/${other.id}`, headers: { cookie: member.cookie } });
      assert.equal(theirs.statusCode, 404);
      assert.doesNotMatch(theirs.body, /他社|秘密/);
      const list = await t.app.inject({ url: '/companies', headers: { cookie: member.cookie } });
      assert.equal(list.statusCode, 403);
      const apiOther = await t.app.inject({ url: `/api/v1/companies/${other.id}/contacts`, headers: { cookie: member.cookie } });
      assert.equal(apiOther.statusCode, 404);
      assert.equal((await t.app.inject({ url: `/companies/${other.id}/history.csv`, headers: { cookie: member.cookie } })).statusCode, 404);
      assert.equal((await t.app.inject({ url: `/companies/${own.id}/history.csv`, headers: { cookie: member.cookie } })).statusCode, 200);
      const mineRedirect = await t.app.inject({ url: '/companies/mine', headers: { cookie: member.cookie } });
      assert.equal(mineRedirect.headers.location, `/companies/${own.id}`);
    });

    it('asks for confirmation on a near-duplicate name in the form, then registers once confirmed', async () => {
      const s = staffSession;
      const data = { nameJa: 'ＡＢＣ（株）', country: 'JP', kana: 'えーびーしー' };
      const first = await t.app.inject({ method: 'POST', url: '/companies', headers: { ...FORM, cookie: s.cookie }, payload: form(s, data) });
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /似た名称の企業が既に登録されています/);
      assert.match(first.body, /name="confirmDuplicate"/);
      const before = await count();
      const second = await t.app.inject({ method: 'POST', url: '/companies', headers: { ...FORM, cookie: s.cookie }, payload: form(s, { ...data, confirmDuplicate: '1' }) });
      assert.equal(second.statusCode, 303, second.body.slice(0, 500));
      assert.match(second.headers.location as string, /^\/companies\/\d+\?done=created-near&n=2$/);
      assert.equal(await count(), before + 1);
      const page = await t.app.inject({ url: second.headers.location as string, headers: { cookie: s.cookie } });
      assert.match(page.body, /エービーシー/);
      assert.match(page.body, /名称の似た企業が 2件あります/);
    });

    it('re-renders the form with a message naming the field, in the reader language, and stores nothing', async () => {
      const s = staffSession;
      const before = await count();
      const ja = await t.app.inject({ method: 'POST', url: '/companies', headers: { ...FORM, cookie: s.cookie }, payload: form(s, { nameJa: '検証商事', country: 'JP', corporateNumber: '7000012050001', jsicMajor: 'Z' }) });
      assert.equal(ja.statusCode, 422);
      assert.match(ja.body, /法人番号のチェックデジットが合いません/);
      assert.match(ja.body, /href="#f-corporateNumber"/);
      assert.match(ja.body, /href="#f-jsicMajor"/);
      assert.match(ja.body, /<input id="f-corporateNumber" aria-describedby="f-corporateNumber-hint f-corporateNumber-error" aria-invalid="true" name="corporateNumber"[^>]*value="7000012050001"/, 'the field is marked, described by its problem and keeps what was typed');
      const en = await t.app.inject({ method: 'POST', url: '/companies?lang=en', headers: { ...FORM, cookie: s.cookie }, payload: form(s, { nameJa: '検証商事', country: 'JP', employees: 'many' }) });
      assert.equal(en.statusCode, 422);
      assert.match(en.body, /Enter a whole number, 0 or more\./);
      assert.equal(await count(), before);
    });

    it('lists, shows the timeline and exports CSV (with BOM) and XLSX for staff', async () => {
      const s = staffSession;
      const list = await t.app.inject({ url: `/companies?q=${encodeURIComponent('国税')}`, headers: { cookie: s.cookie } });
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /<caption>企業の一覧（1件中 1〜1件目）<\/caption>/);
      const id = /href="\/companies\/(\d+)"/.exec(list.body)![1];
      const detail = await t.app.inject({ url: `/companies/${id}?lang=en`, headers: { cookie: s.cookie } });
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /7-0000-1205-0002/);
      assert.match(detail.body, /Registered in the company register/);
      assert.match(detail.body, /Details updated \(Industry \(JSIC major group\), Employees\)/);
      const csv = await t.app.inject({ url: `/companies/export.csv?q=${encodeURIComponent('国税')}&lang=en`, headers: { cookie: s.cookie } });
      assert.equal(csv.statusCode, 200);
      assert.ok(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'BOM');
      const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, /^No\.,Corporate number,Name \(Japanese\)/);
      assert.match(lines[1]!, /,7000012050002,国税庁,National Tax Agency,/);
      const history = await t.app.inject({ url: `/companies/${id}/history.csv?lang=en`, headers: { cookie: s.cookie } });
      assert.equal(history.statusCode, 200);
      assert.ok(history.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'BOM');
      assert.match(history.body, /Company register,created,Registered in the company register/);
      const historyXlsx = await t.app.inject({ url: `/companies/${id}/history.xlsx`, headers: { cookie: s.cookie } });
      const hw = new ExcelJS.Workbook();
      await hw.xlsx.load(historyXlsx.rawPayload as unknown as ArrayBuffer);
      assert.equal(hw.worksheets[0]!.getRow(2).getCell(4).value, '企業台帳に登録');
      const xlsx = await t.app.inject({ url: '/companies/export.xlsx', headers: { cookie: s.cookie } });
      assert.equal(xlsx.statusCode, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      assert.equal(wb.worksheets[0]!.rowCount, 1 + (await companiesService(t.app.kabuto).count()));
    });

    it('merges and adds contacts through the staff forms', async () => {
      const s = staffSession;
      const svc = companiesService(t.app.kabuto);
      const keep = (await svc.create(systemActor('test'), { nameJa: 'フォーム統合先', country: 'JP' })).company;
      const gone = (await svc.create(systemActor('test'), { nameJa: 'フォーム統合元', country: 'JP' })).company;
      const preview = await t.app.inject({ url: `/companies/${keep.id}/merge?from=${gone.id}`, headers: { cookie: s.cookie } });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /統合の確認/);
      const done = await t.app.inject({ method: 'POST', url: `/companies/${keep.id}/merge`, headers: { ...FORM, cookie: s.cookie }, payload: form(s, { from: String(gone.id) }) });
      assert.equal(done.statusCode, 303);
      assert.equal((await svc.get(gone.id)).id, keep.id);
      const badContact = await t.app.inject({ method: 'POST', url: `/companies/${keep.id}/contacts`, headers: { ...FORM, cookie: s.cookie }, payload: form(s, { name: '', email: 'nope' }) });
      assert.equal(badContact.statusCode, 422);
      assert.match(badContact.body, /氏名を入力してください/);
      const added = await t.app.inject({ method: 'POST', url: `/companies/${keep.id}/contacts`, headers: { ...FORM, cookie: s.cookie }, payload: form(s, { name: '連絡 太郎', email: 'Taro@Example.jp', role: '広報' }) });
      assert.equal(added.statusCode, 303);
      const contacts = await svc.contacts(keep.id);
      assert.equal(contacts[0]?.email, 'taro@example.jp');
      const log = await t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'company.contact.add').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.doesNotMatch(log.after_json!, /連絡 太郎|taro@example/);
    });

    it('every role sees the nav entry meant for it', async () => {
      for (const role of ROLES) {
        const s = await loginAs(t.app, role, role === 'member' ? { companyId: '1' } : {});
        const home = await t.app.inject({ url: '/', headers: { cookie: s.cookie } });
        assert.equal(home.body.includes('href="/companies"'), role === 'staff' || role === 'admin', role);
      }
    });
  });
}
