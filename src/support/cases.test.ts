import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import { companiesService } from '../companies/index.js';
import { api, browser, company, count, pdf, person, upload, type Person } from './testing.js';

const PASSPORT = 'TK1234567';
const CARD = 'AB12345678CD';

for (const dialect of DIALECTS) {
  describe(`support cases [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let acme: number;
    let globex: number;
    let alice: Person; // member of Acme
    let bob: Person; // member of Globex
    let staff: Person;
    let staff2: Person;
    let publisher: Person;
    let caseId: number;

    const audits = async (action: string) =>
      (await t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute()) as Array<{ after_json: string | null; before_json: string | null; entity_id: string | null }>;

    before(async () => {
      t = await testApp(dialect);
      acme = await company(t, 'Acme Asset Management Ltd');
      globex = await company(t, 'Globex Securities plc');
      alice = await person(t, 'member', acme, 'Alice Smith');
      bob = await person(t, 'member', globex, 'Bob Jones');
      staff = await person(t, 'staff', undefined, 'Sato Hanako');
      staff2 = await person(t, 'staff', undefined, 'Suzuki Ichiro');
      publisher = await person(t, 'publisher');
      const res = await api(t, alice).post('/cases', {
        kind: 'residence-status',
        title: 'Business Manager visa for our CEO',
        description: 'Our CEO will move to Tokyo in September. Which documents do we need?',
        persons: [{ fullName: 'Jane Doe', nationality: 'United Kingdom', passportNumber: PASSPORT, residenceCardNumber: CARD, dateOfBirth: '1980-02-03', homeAddress: '1-2-3 Roppongi, Minato-ku' }],
      });
      assert.equal(res.statusCode, 201, res.body);
      caseId = res.json().id;
    });
    after(async () => t?.close());

    it('lets a member open a case for their own company, with its first message and the person it concerns', async () => {
      const c = (await api(t, alice).get(`/cases/${caseId}`)).json();
      assert.equal(c.company.id, acme);
      assert.equal(c.company.name.en, 'Acme Asset Management Ltd');
      assert.equal(c.status, 'open');
      assert.equal(c.kind, 'residence-status');
      assert.equal(c.messages.length, 1);
      assert.equal(c.messages[0].author.role, 'company');
      assert.equal(c.messages[0].author.name, 'Alice Smith');
      assert.equal(c.persons[0].passportNumber, PASSPORT);
      assert.deepEqual(c.history.map((h: { kind: string }) => h.kind), ['opened']);
      assert.deepEqual(c.allowedStatuses, [], 'the company cannot move an open case');
      assert.equal(c.downloads, undefined, 'the download log is for staff');
    });

    it("answers 404 for another company's case: the API, the page, the attachment, and every write", async () => {
      const att = await upload(t, alice, caseId, { name: 'passport.pdf', bytes: pdf() });
      assert.equal(att.statusCode, 201, att.body);
      const attId = att.json().id;
      const b = api(t, bob);
      for (const res of [
        await b.get(`/cases/${caseId}`),
        await b.get(`/cases/${caseId}/attachments/${attId}`),
        await b.patch(`/cases/${caseId}`, { status: 'closed' }),
        await b.post(`/cases/${caseId}/messages`, { body: 'hello' }),
        await b.post(`/cases/${caseId}/persons`, { fullName: 'X' }),
        await upload(t, bob, caseId, { name: 'a.pdf', bytes: pdf() }),
      ]) {
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(res.json().code, 'not-found');
        assert.doesNotMatch(res.body, /Business Manager|Acme|Jane/);
      }
      const s = await browser(t, bob);
      for (const url of [`/support/cases/${caseId}`, `/support/cases/${caseId}/attachments/${attId}`]) {
        const page = await t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie, accept: 'text/html' } });
        assert.equal(page.statusCode, 404, url);
        assert.doesNotMatch(page.body, /Business Manager|Jane Doe|%PDF/);
      }
      // A case id that does not exist answers the same.
      assert.equal((await b.get('/cases/999999')).statusCode, 404);
      assert.equal((await b.get('/cases')).json().total, 0, "Bob's list has none of Acme's cases");
      assert.equal((await api(t, alice).get('/cases')).json().total >= 1, true);
      // Alice still sees her own document; Bob's attempt was not logged as a download.
      assert.equal(await count(t, 'support_downloads'), 0);
    });

    it('refuses anonymous callers (401) and roles outside one-stop support (403)', async () => {
      assert.equal((await api(t, null).get('/cases')).statusCode, 401);
      assert.equal((await api(t, null).post('/cases', { kind: 'tax', title: 'x', description: 'y' })).statusCode, 401);
      const res = await api(t, publisher).get(`/cases/${caseId}`);
      assert.equal(res.statusCode, 403);
      assert.equal((await api(t, publisher).post('/cases', { kind: 'tax', title: 'x', description: 'y' })).statusCode, 403);
      assert.equal((await api(t, alice).get(`/cases/${caseId}/downloads`)).statusCode, 403, 'the download log is staff only');
    });

    it('does not let a member set the assignee, the due date or other staff-only fields, naming the field', async () => {
      const before = await count(t, 'support_cases');
      const created = await api(t, alice).post('/cases', { kind: 'tax', title: 'Consumption tax', description: 'Question', assigneeId: staff.id });
      assert.equal(created.statusCode, 403);
      assert.deepEqual(created.json().errors.map((e: { field: string }) => e.field), ['assigneeId']);
      assert.equal(await count(t, 'support_cases'), before, 'nothing was created');
      for (const [field, value] of [
        ['assigneeId', staff.id],
        ['dueDate', '2019-07-01'],
        ['title', 'Renamed'],
        ['kind', 'tax'],
      ] as const) {
        const res = await api(t, alice).patch(`/cases/${caseId}`, { [field]: value });
        assert.equal(res.statusCode, 403, field);
        assert.equal(res.json().errors[0].field, field);
      }
      const internal = await api(t, alice).post(`/cases/${caseId}/messages`, { body: 'psst', internal: true });
      assert.equal(internal.statusCode, 403);
      assert.equal(internal.json().errors[0].field, 'internal');
      const other = await api(t, alice).post('/cases', { companyId: globex, kind: 'tax', title: 'x', description: 'y' });
      assert.equal(other.statusCode, 403, 'a member cannot open a case for another company');
      const c = (await api(t, staff).get(`/cases/${caseId}`)).json();
      assert.equal(c.assignee, null);
      assert.equal(c.dueDate, null);
      assert.equal(c.title, 'Business Manager visa for our CEO');
    });

    it('lets staff assign, set a due date and move the case, and the company follows the progress', async () => {
      const s = api(t, staff);
      let res = await s.patch(`/cases/${caseId}`, { assigneeId: staff2.id, dueDate: '2019-06-30' });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().assignee, { id: staff2.id, name: 'Suzuki Ichiro' });
      res = await s.post(`/cases/${caseId}/messages`, { body: 'Please send the articles of incorporation.' });
      assert.equal(res.statusCode, 201);
      assert.equal(res.json().status, 'in-progress', 'a staff reply takes up an open case');
      res = await s.patch(`/cases/${caseId}`, { status: 'waiting-for-company' });
      assert.equal(res.json().status, 'waiting-for-company');
      res = await api(t, alice).post(`/cases/${caseId}/messages`, { body: 'Here they are.' });
      assert.equal(res.json().status, 'in-progress', "the company's reply puts the case back in progress");
      res = await s.patch(`/cases/${caseId}`, { status: 'resolved' });
      assert.deepEqual(res.json().allowedStatuses, ['in-progress', 'closed']);
      const seen = (await api(t, alice).get(`/cases/${caseId}`)).json();
      assert.deepEqual(seen.allowedStatuses, ['closed', 'in-progress']);
      const steps = seen.history.filter((h: { kind: string }) => h.kind === 'status').map((h: { to: string }) => h.to);
      assert.deepEqual(steps, ['in-progress', 'waiting-for-company', 'in-progress', 'resolved']);
      assert.ok(seen.history.filter((h: { actor: { role: string } }) => h.actor.role === 'staff').every((h: { actor: { name: string | null } }) => h.actor.name === null), 'the company sees "the support desk", not staff accounts');
      res = await api(t, alice).patch(`/cases/${caseId}`, { status: 'closed' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().status, 'closed');
      assert.ok(res.json().closedAt);
      const late = await api(t, alice).post(`/cases/${caseId}/messages`, { body: 'One more thing' });
      assert.equal(late.statusCode, 409, 'a closed case takes no messages');
      const back = await api(t, alice).patch(`/cases/${caseId}`, { status: 'in-progress' });
      assert.equal(back.statusCode, 409, 'the company cannot reopen a closed case');
      assert.equal(back.json().errors[0].field, 'status');
      const reopened = await s.patch(`/cases/${caseId}`, { status: 'in-progress' });
      assert.equal(reopened.json().status, 'in-progress', 'staff may reopen while the personal data is kept');
      assert.equal(reopened.json().closedAt, null);
    });

    it('refuses a move the rules do not allow, and an assignee who is not active staff', async () => {
      const created = (await api(t, alice).post('/cases', { kind: 'office', title: 'Office in Marunouchi', description: 'Looking for 50 m2' })).json();
      const bad = await api(t, staff).patch(`/cases/${created.id}`, { status: 'bogus' });
      assert.equal(bad.statusCode, 400, 'an unknown status is refused by the schema');
      const who = await api(t, staff).patch(`/cases/${created.id}`, { assigneeId: alice.id });
      assert.equal(who.statusCode, 422);
      assert.equal(who.json().errors[0].field, 'assigneeId');
      const date = await api(t, staff).patch(`/cases/${created.id}`, { dueDate: '2019-02-30' });
      assert.equal(date.statusCode, 422);
      assert.equal(date.json().errors[0].field, 'dueDate');
    });

    it('hides internal staff notes and their documents from the company', async () => {
      const created = (await api(t, alice).post('/cases', { kind: 'tax', title: 'Withholding', description: 'How?' })).json();
      const note = await api(t, staff).post(`/cases/${created.id}/messages`, { body: 'Internal: check with the tax office', internal: true });
      assert.equal(note.statusCode, 201);
      const noteId = note.json().messages.at(-1).id;
      const doc = await upload(t, staff, created.id, { name: 'memo.pdf', bytes: pdf('memo') }, { messageId: String(noteId) });
      assert.equal(doc.statusCode, 201, doc.body);
      const seen = (await api(t, alice).get(`/cases/${created.id}`)).json();
      assert.equal(seen.messages.length, 1);
      assert.equal(seen.attachments.length, 0);
      assert.equal(seen.status, 'open', 'an internal note does not take up the case');
      assert.equal((await api(t, alice).get(`/cases/${created.id}/attachments/${doc.json().id}`)).statusCode, 404);
      assert.equal((await api(t, staff).get(`/cases/${created.id}`)).json().messages.length, 2);
    });

    it('audits every write, with the personal fields redacted', async () => {
      const [create] = await audits('support.case.create');
      assert.ok(create, 'the creation is audited');
      assert.equal(create.entity_id, String(caseId));
      assert.doesNotMatch(create.after_json!, new RegExp(`${PASSPORT}|${CARD}|Jane Doe|1980-02-03|Roppongi`));
      assert.match(create.after_json!, /\[redacted\]/);
      const persons = await api(t, staff).post(`/cases/${caseId}/persons`, { fullName: 'John Roe', passportNumber: 'ZX9988776' });
      assert.equal(persons.statusCode, 201);
      const [added] = await audits('support.person.create');
      assert.doesNotMatch(added!.after_json!, /ZX9988776|John Roe/);
      const updated = await api(t, staff).patch(`/cases/${caseId}/persons/${persons.json().id}`, { homeAddress: '4-5-6 Azabu' });
      assert.equal(updated.statusCode, 200);
      const [upd] = await audits('support.person.update');
      assert.doesNotMatch(`${upd!.before_json}${upd!.after_json}`, /ZX9988776|John Roe|Azabu/);
      assert.equal((await api(t, staff).del(`/cases/${caseId}/persons/${persons.json().id}`)).statusCode, 204);
      assert.equal((await audits('support.person.delete')).length, 1);
      for (const action of ['support.case.update', 'support.message.create', 'support.attachment.create']) assert.ok((await audits(action)).length > 0, `${action} is audited`);
      const messages = await audits('support.message.create');
      assert.ok(messages.every((m) => !/Here they are|articles of incorporation/.test(m.after_json ?? '')), 'message text stays out of the log');
    });

    it('validates people: a residence card number, a passport number and a date of birth in the past', async () => {
      const res = await api(t, alice).post('/cases', { kind: 'residence-status', title: 'Visa', description: 'x', persons: [{ fullName: 'A', residenceCardNumber: '12345', passportNumber: '#!', dateOfBirth: '2030-01-01' }] });
      assert.equal(res.statusCode, 422);
      assert.deepEqual(res.json().errors.map((e: { field: string }) => e.field).sort(), ['persons.0.dateOfBirth', 'persons.0.passportNumber', 'persons.0.residenceCardNumber']);
    });

    it('exports cases as CSV for staff without any personal field', async () => {
      const csv = await t.app.inject({ method: 'GET', url: '/support/staff/cases.csv', headers: { authorization: `Bearer ${staff.token}` } });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(csv.body, /Business Manager visa for our CEO/);
      assert.match(csv.body.split('\r\n')[0]!, /^\uFEFFid,company_id,company_name_en/);
      assert.doesNotMatch(csv.body, new RegExp(`${PASSPORT}|${CARD}|Jane Doe|1980-02-03|Roppongi|passport|residence_card|date_of_birth|home_address`, 'i'));
      const member = await t.app.inject({ method: 'GET', url: '/support/staff/cases.csv', headers: { authorization: `Bearer ${alice.token}` } });
      assert.equal(member.statusCode, 403);
    });

    it('filters the staff list by status, kind, assignee, company and overdue', async () => {
      const s = api(t, staff);
      const late = (await api(t, bob).post('/cases', { kind: 'living', title: 'International school', description: 'For two children' })).json();
      await s.patch(`/cases/${late.id}`, { dueDate: '2019-06-01', assigneeId: staff.id });
      const ids = async (q: string) => (await s.get(`/cases?${q}`)).json().items.map((c: { id: number }) => c.id);
      assert.deepEqual(await ids('overdue=true'), [late.id], 'due 2019-06-01, today is 2019-06-15 in Japan');
      assert.deepEqual(await ids(`companyId=${globex}`), [late.id]);
      assert.deepEqual(await ids('kind=living'), [late.id]);
      assert.ok((await ids(`assigneeId=${staff.id}`)).includes(late.id));
      assert.ok(!(await ids('assigneeId=0')).includes(late.id));
      assert.ok((await ids('status=open')).includes(late.id));
      assert.ok(!(await ids('status=closed')).includes(late.id));
      assert.equal((await s.get(`/cases/${late.id}`)).json().overdue, true);
      await s.patch(`/cases/${late.id}`, { status: 'resolved' });
      assert.deepEqual(await ids('overdue=true'), [], 'a resolved case is not overdue');
      const bobSees = (await api(t, bob).get('/cases?companyId=' + acme)).json();
      assert.ok(bobSees.items.every((c: { company: { id: number } }) => c.company.id === globex), 'a member filter never widens to another company');
    });

    it("moves cases with a company merge and puts case events on the company's timeline", async () => {
      const dup = await company(t, 'Globex Securities (duplicate)');
      const carol = await person(t, 'member', dup, 'Carol');
      const c = (await api(t, carol).post('/cases', { kind: 'incorporation', title: 'KK registration', description: 'Steps?' })).json();
      await companiesService(t.app.kabuto).merge(systemActor('test'), globex, dup);
      const moved = (await api(t, staff).get(`/cases/${c.id}`)).json();
      assert.equal(moved.company.id, globex);
      assert.equal((await api(t, carol).get(`/cases/${c.id}`)).statusCode, 200, "a member of the merged company still sees the case (their account's company resolves to the survivor)");
      assert.equal((await api(t, bob).get(`/cases/${c.id}`)).statusCode, 200, "and so does the survivor's member");
      const [audit] = await audits('support.case.company-moved');
      assert.match(audit!.after_json!, new RegExp(`"caseIds":\\[${c.id}\\]`));
      const timeline = await companiesService(t.app.kabuto).timeline(globex);
      const ours = timeline.filter((e) => e.module === 'support');
      assert.ok(ours.some((e) => e.kind === 'case-opened' && e.title.en === `One-stop support case #${c.id} (Incorporation) opened` && e.href === `/support/cases/${c.id}`), JSON.stringify(ours));
      assert.ok(ours.some((e) => e.kind === 'case-resolved'));
      assert.ok(ours.every((e) => !/[\u3040-\u30ff\u4e00-\u9fff]/.test(e.title.en)));
    });
  });
}
