import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { DIALECTS, skipFor, testApp, loginAs, type TestApp, type Session } from '../../test/helpers.js';
import { advance, api, caller, newLead, snapshot, type Caller } from './testing.js';

const fieldsOf = (res: { json(): any }) => ((res.json().errors ?? []) as { field: string }[]).map((e) => e.field).sort();
const WRITE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

for (const dialect of DIALECTS) {
  describe(`attraction API [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Caller;
    let admin: Caller;

    before(async () => {
      t = await testApp(dialect);
      staff = await caller(t, 'staff', 'Suzuki Ichiro');
      admin = await caller(t, 'admin', 'Admin Hanako');
    });
    after(async () => t?.close());

    it('refuses every attraction route to anonymous callers (401) and to members and publishers (403), writes included', async () => {
      const routes = t.app.routeInfo.filter((r) => r.url.startsWith('/api/v1/attraction') || r.url.startsWith('/attraction'));
      const writes = routes.filter((r) => WRITE.has(r.method));
      assert.ok(routes.length >= 35, `found ${routes.length} routes`);
      assert.ok(writes.length >= 15, `found ${writes.length} write routes`);
      const sessions: Record<string, Session> = { member: await loginAs(t.app, 'member'), publisher: await loginAs(t.app, 'publisher') };
      const tokens: Record<string, Caller> = { member: await caller(t, 'member'), publisher: await caller(t, 'publisher') };
      const before = await snapshot(t);
      for (const r of routes) {
        assert.deepEqual(r.auth, ['staff', 'admin'], `${r.method} ${r.url} is for staff and admins`);
        const url = r.url.replace(/:id/g, '1');
        const payload = WRITE.has(r.method) && r.method !== 'DELETE' ? {} : undefined;
        const anon = await t.app.inject({ method: r.method as 'GET', url, headers: { accept: 'application/json' }, payload });
        assert.equal(anon.statusCode, 401, `anonymous ${r.method} ${url}: ${anon.body.slice(0, 200)}`);
        for (const role of ['member', 'publisher']) {
          const viaSession = await t.app.inject({ method: r.method as 'GET', url, headers: { accept: 'application/json', cookie: sessions[role]!.cookie, 'x-csrf-token': sessions[role]!.csrf }, payload });
          assert.equal(viaSession.statusCode, 403, `${role} session ${r.method} ${url}: ${viaSession.body.slice(0, 200)}`);
          assert.equal(viaSession.json().code, 'forbidden');
          const viaToken = await t.app.inject({ method: r.method as 'GET', url, headers: { accept: 'application/json', authorization: `Bearer ${tokens[role]!.token}` }, payload });
          assert.equal(viaToken.statusCode, 403, `${role} token ${r.method} ${url}`);
        }
      }
      assert.deepEqual(await snapshot(t), before);
      // Staff and admins get in.
      assert.equal((await api(t, staff).get('/leads')).statusCode, 200);
      assert.equal((await api(t, admin).get('/others')).statusCode, 200);
    });

    it('refuses unknown fields and bad input naming the field, storing nothing', async () => {
      const domainAudits = async () =>
        Number((await t.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where((eb) => eb.or([eb('action', 'like', 'attraction.%'), eb('action', 'like', 'company.%')])).executeTakeFirstOrThrow()).n);
      const auditsBefore = await domainAudits();
      const before = await snapshot(t);
      const a = api(t, staff);
      const cases: [string, unknown, number, string[]][] = [
        ['/leads', { company: { nameEn: 'A Co', country: 'US' }, sector: 'fintech', origin: 'event', stage: 'established' }, 400, ['stage']],
        ['/leads', { company: { nameEn: 'A Co', country: 'US' }, origin: 'event' }, 400, ['sector']],
        ['/leads', { company: { nameEn: 'A Co', country: 'US' }, sector: 'crypto', origin: 'event' }, 400, ['sector']],
        ['/leads', { company: { nameEn: 'A Co', country: 'US', employees: 3 }, sector: 'ai', origin: 'event' }, 400, ['company.employees']],
        ['/leads', { sector: 'ai', origin: 'event' }, 422, ['companyId']],
        ['/leads', { companyId: 1, company: { nameEn: 'A Co', country: 'US' }, sector: 'ai', origin: 'event' }, 422, ['companyId']],
        ['/leads', { company: { nameEn: 'Nihon Co', country: 'JP' }, sector: 'ai', origin: 'event' }, 422, ['company.country']],
        ['/leads', { company: { country: 'US' }, sector: 'ai', origin: 'event' }, 422, ['company.nameEn']],
        ['/leads', { companyId: 987654, sector: 'ai', origin: 'event' }, 422, ['companyId']],
        ['/leads', { company: { nameEn: 'B Co', country: 'US' }, sector: 'ai', origin: 'event', ownerId: 987654 }, 422, ['ownerId']],
        ['/others', { company: { nameEn: 'C Co', country: 'FR' }, establishedDate: '1 June 2019', sector: 'ai', source: 'x' }, 400, ['establishedDate']],
        ['/others', { company: { nameEn: 'C Co', country: 'FR' }, establishedDate: '2019-13-01', sector: 'ai', source: 'x' }, 422, ['establishedDate', 'source']],
        ['/others', { company: { nameEn: 'C Co', country: 'FR' }, establishedDate: '2019-02-29', sector: 'ai', source: 'Business France' }, 422, ['establishedDate']],
        ['/others', { company: { nameEn: 'C Co', country: 'FR' }, establishedDate: '2019-07-01', sector: 'ai', source: ' ' }, 422, ['establishedDate', 'source']],
      ];
      for (const [url, body, status, fields] of cases) {
        const res = await a.post(url, body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.deepEqual(fieldsOf(res), fields, JSON.stringify(body));
      }
      const member = await loginAs(t.app, 'member'); // a user who may not own leads
      const notStaff = await a.post('/leads', { company: { nameEn: 'D Co', country: 'US' }, sector: 'ai', origin: 'event', ownerId: member.user.id });
      assert.equal(notStaff.statusCode, 422);
      assert.deepEqual(fieldsOf(notStaff), ['ownerId']);
      // Signing the member in wrote its own audit records; nothing of this module or the registry did.
      const { audit_log: _a, ...rest } = await snapshot(t);
      const { audit_log: _b, ...restBefore } = before;
      assert.deepEqual(rest, restBefore);
      assert.equal(await domainAudits(), auditsBefore);
    });

    it('names the task field of a consultation that is wrong, and stores neither the consultation nor its tasks', async () => {
      const lead = await newLead(t, staff);
      await advance(t, staff, lead.id, 'contacted', { contact: '2019-06-01' });
      const before = await snapshot(t);
      const res = await api(t, staff).post(`/leads/${lead.id}/consultations`, {
        date: '2019-06-10',
        topic: 'Tax',
        tasks: [
          { title: 'Send tax memo', dueDate: '2019-06-20' },
          { title: '', dueDate: '2019-02-30' },
        ],
      });
      assert.equal(res.statusCode, 422, res.body);
      assert.deepEqual(fieldsOf(res), ['tasks.1.dueDate', 'tasks.1.title']);
      assert.deepEqual(await snapshot(t), before);
      const early = await api(t, staff).post(`/leads/${lead.id}/consultations`, { date: '2019-05-31', topic: 'Tax' });
      assert.equal(early.statusCode, 422);
      assert.deepEqual(fieldsOf(early), ['date']);
      const notContacted = await newLead(t, staff);
      const c = await api(t, staff).post(`/leads/${notContacted.id}/consultations`, { date: '2019-06-10', topic: 'Tax' });
      assert.equal(c.statusCode, 409);
      assert.match(c.json().detail, /Record the first contact/);
    });

    it('lists overdue and upcoming tasks of a staff member relative to the clock, in Japan dates', async () => {
      const me = await caller(t, 'staff', 'Task Owner');
      const lead = await newLead(t, me, { company: { nameEn: 'Task Test Ltd', country: 'AU' } });
      await advance(t, me, lead.id, 'contacted', { contact: '2019-06-01' });
      const res = await api(t, me).post(`/leads/${lead.id}/consultations`, {
        date: '2019-06-14',
        topic: 'Follow-ups',
        tasks: [
          { title: 'overdue by a day', dueDate: '2019-06-14' },
          { title: 'due today', dueDate: '2019-06-15' },
          { title: 'due in 13 days', dueDate: '2019-06-28' },
          { title: 'due in 14 days', dueDate: '2019-06-29' },
        ],
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().tasks.length, 4);
      const someoneElse = await api(t, me).post(`/leads/${lead.id}/tasks`, { title: 'for the admin', dueDate: '2019-06-01', assigneeId: admin.id });
      assert.equal(someoneElse.statusCode, 201, someoneElse.body);

      const titles = (body: any) => ({ overdue: body.overdue.map((x: any) => x.title), upcoming: body.upcoming.map((x: any) => x.title) });
      t.clock.set('2019-06-15T03:00:00Z');
      let mine = (await api(t, me).get('/tasks')).json();
      assert.equal(mine.today, '2019-06-15');
      assert.deepEqual(titles(mine), { overdue: ['overdue by a day'], upcoming: ['due today', 'due in 13 days'] });
      assert.equal(mine.overdue[0].company.name.en, 'Task Test Ltd');
      // 2019-06-15T15:30Z is already the 16th in Tokyo: "due today" is now overdue.
      t.clock.set('2019-06-15T15:30:00Z');
      mine = (await api(t, me).get('/tasks')).json();
      assert.equal(mine.today, '2019-06-16');
      assert.deepEqual(titles(mine), { overdue: ['overdue by a day', 'due today'], upcoming: ['due in 13 days', 'due in 14 days'] });
      // Done tasks leave the list.
      const overdueId = mine.overdue[0].id;
      const done = await api(t, me).patch(`/tasks/${overdueId}`, { done: true });
      assert.equal(done.statusCode, 200);
      assert.equal(done.json().done, true);
      assert.equal(done.json().doneAt, '2019-06-15T15:30:00.000Z');
      mine = (await api(t, me).get('/tasks')).json();
      assert.deepEqual(titles(mine).overdue, ['due today']);
      // Someone else's list, on request.
      const adminTasks = (await api(t, me).get(`/tasks?assigneeId=${admin.id}`)).json();
      assert.deepEqual(titles(adminTasks).overdue, ['for the admin']);
      t.clock.set('2019-06-15T03:00:00Z');
    });

    it('filters the pipeline by sector, stage, owner and fiscal year of creation or of establishment', async () => {
      const owner = await caller(t, 'staff', 'Filter Owner');
      t.clock.set('2018-06-01T03:00:00Z'); // created in FY2018
      const a = await newLead(t, owner, { sector: 'asset-management', company: { nameEn: 'Filter A', country: 'US' } });
      t.clock.set('2019-06-15T03:00:00Z'); // the rest in FY2019
      const b = await newLead(t, owner, { sector: 'iot', company: { nameEn: 'Filter B', country: 'US' } });
      const c = await newLead(t, owner, { sector: 'ai', company: { nameEn: 'Filter C', country: 'US' } });
      await advance(t, owner, a.id, 'established', { contact: '2018-05-01', consult: '2018-05-02', decided: '2019-03-01', established: '2019-03-31' });
      await advance(t, owner, b.id, 'established', { contact: '2019-03-01', consult: '2019-03-02', decided: '2019-03-10', established: '2019-04-01' });
      const ids = async (q: string) => (await api(t, staff).get(`/leads?ownerId=${owner.id}&${q}`)).json().items.map((l: any) => l.id).sort((x: number, y: number) => x - y);
      assert.deepEqual(await ids(''), [a.id, b.id, c.id]);
      assert.deepEqual(await ids('sector=fourth-industrial'), [b.id, c.id]);
      assert.deepEqual(await ids('sector=ai'), [c.id]);
      assert.deepEqual(await ids('stage=established'), [a.id, b.id]);
      assert.deepEqual(await ids('stage=lead'), [c.id]);
      assert.deepEqual(await ids('fiscalYear=2018'), [a.id]);
      assert.deepEqual(await ids('fiscalYear=2019'), [b.id, c.id]);
      assert.deepEqual(await ids('fiscalYear=2018&fyBasis=established'), [a.id]);
      assert.deepEqual(await ids('fiscalYear=2019&fyBasis=established'), [b.id]);
      const list = (await api(t, staff).get(`/leads?ownerId=${owner.id}&limit=2`)).json();
      assert.equal(list.total, 3);
      assert.equal(list.items.length, 2);
      assert.equal((await api(t, staff).get('/leads?stage=nope')).statusCode, 400);
    });

    it('exports the filtered table as CSV with a BOM and as XLSX that reads back', async () => {
      const owner = await caller(t, 'staff', 'Export Owner');
      const lead = await newLead(t, owner, { sector: 'fintech', company: { nameEn: 'Export, "Quoted" Ltd', nameJa: 'エクスポート株式会社', country: 'US' } });
      await advance(t, owner, lead.id, 'established', { established: '2019-06-01' });
      await newLead(t, owner, { sector: 'iot', company: { nameEn: '=cmd Injection Co', country: 'US' } });
      const s = await loginAs(t.app, 'staff');
      const csv = await t.app.inject({ url: `/attraction/leads.csv?owner=${owner.id}&sector=financial&lang=ja`, headers: { cookie: s.cookie } });
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /^text\/csv; charset=utf-8/);
      assert.match(csv.headers['content-disposition'] as string, /attachment; filename="attraction-leads.csv"/);
      const raw = csv.rawPayload;
      assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, /^番号,企業,国,分野の区分,分野/);
      assert.match(lines[1]!, new RegExp(`^${lead.id},エクスポート株式会社,US,金融,フィンテック,イベント,Export Owner,都内に設立,`));
      assert.match(lines[1]!, /,2019-06-01,2019,株式会社,"1-1 Marunouchi, Chiyoda-ku, Tokyo",5,$/);
      const all = await t.app.inject({ url: `/attraction/leads.csv?owner=${owner.id}&lang=en`, headers: { cookie: s.cookie } });
      assert.match(all.body, /"Export, ""Quoted"" Ltd"/);
      assert.match(all.body, /,'=cmd Injection Co,/); // a formula is defused

      const xlsx = await t.app.inject({ url: `/attraction/leads.xlsx?owner=${owner.id}&lang=en`, headers: { cookie: s.cookie } });
      assert.equal(xlsx.statusCode, 200);
      assert.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      assert.equal(ws.name, 'Attraction leads');
      assert.equal(ws.getRow(1).getCell(1).value, 'No.');
      assert.equal(ws.getRow(1).getCell(8).value, 'Stage');
      assert.equal(ws.rowCount, 3);
      const rows = [2, 3].map((r) => ws.getRow(r));
      const established = rows.find((r) => r.getCell(1).value === lead.id)!;
      assert.equal(established.getCell(2).value, 'Export, "Quoted" Ltd');
      assert.equal(established.getCell(8).value, 'Established in Tokyo');
      assert.equal(established.getCell(14).value, 2019);
      assert.equal(established.getCell(17).value, 5);

      const others = await t.app.inject({ url: '/attraction/others.xlsx', headers: { cookie: s.cookie } });
      assert.equal(others.statusCode, 200);
      const history = await t.app.inject({ url: `/attraction/leads/${lead.id}/history.csv?lang=en`, headers: { cookie: s.cookie } });
      assert.equal(history.statusCode, 200);
      assert.equal(history.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n').length, 6);
      const tasks = await t.app.inject({ url: '/attraction/tasks.csv', headers: { cookie: s.cookie } });
      assert.equal(tasks.statusCode, 200);
    });

    it('answers problem+json 404 for unknown records and 409 for a near-duplicate company', async () => {
      assert.equal((await api(t, staff).get('/leads/987654')).statusCode, 404);
      assert.equal((await api(t, staff).patch('/tasks/987654', { done: true })).statusCode, 404);
      assert.equal((await api(t, staff).get('/others/987654')).statusCode, 404);
      const first = await api(t, staff).post('/leads', { company: { nameEn: 'Duplicate Capital LLC', country: 'US' }, sector: 'asset-management', origin: 'event' });
      assert.equal(first.statusCode, 201);
      const before = await snapshot(t);
      const dup = await api(t, staff).post('/leads', { company: { nameEn: 'Duplicate Capital LLC', country: 'US' }, sector: 'asset-management', origin: 'event' });
      assert.equal(dup.statusCode, 409, dup.body);
      assert.equal(dup.json().nearDuplicates[0].id, first.json().company.id);
      assert.deepEqual(await snapshot(t), before);
    });
  });
}
