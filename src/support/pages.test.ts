import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type Session, type TestApp } from '../../test/helpers.js';
import { errorSummary, postForm, visibleText } from '../../test/core/support.js';
import { ENGLISH_ALLOW_LIST, JAPANESE_SCRIPT } from '../core/i18n/index.js';
import { api, browser, company, count, multipart, pdf, person, type Person } from './testing.js';

/** Visible text of an English page that is still Japanese (allow-listed proper names aside). */
function japaneseLeft(html: string): string[] {
  const text = ENGLISH_ALLOW_LIST.reduce((s, name) => s.split(name).join(''), visibleText(html));
  return text.split(/\s+/).filter((w) => JAPANESE_SCRIPT.test(w));
}

for (const dialect of DIALECTS) {
  describe(`support pages [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let alice: Person;
    let staff: Person;
    let publisher: Person;
    let a: Session;
    let s: Session;
    let caseId: number;
    const get = (session: Session | null, url: string) => t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(session ? { cookie: session.cookie } : {}) } });

    before(async () => {
      t = await testApp(dialect);
      const acme = await company(t, 'Acme Asset Management Ltd');
      alice = await person(t, 'member', acme, 'Alice Smith');
      staff = await person(t, 'staff', undefined, 'Sato Hanako');
      publisher = await person(t, 'publisher');
      a = await browser(t, alice);
      s = await browser(t, staff);
      const g = await api(t, staff).post('/guides', {
        slug: 'business-manager-visa',
        titleJa: '経営・管理の在留資格',
        titleEn: 'The Business Manager status of residence',
        bodyJa: '## 必要な書類\n\n- 事業計画書\n- 登記事項証明書',
        bodyEn: '## Documents you need\n\n- A business plan\n- A certificate of registered matters',
        categories: ['residence-status'],
        published: true,
      });
      assert.equal(g.statusCode, 201, g.body);
    });
    after(async () => t?.close());

    it('lets a member open a case through the form, with a document, without JavaScript', async () => {
      const form = await get(a, '/support/cases/new?lang=en');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /enctype="multipart\/form-data"/);
      const body = await multipart(
        { _csrf: a.csrf, kind: 'incorporation', title: 'Setting up a KK', description: 'We plan to open in October.', 'persons.0.fullName': 'Jane Doe', 'persons.0.passportNumber': 'TK1234567' },
        { file: { name: 'plan.pdf', bytes: pdf() } },
      );
      const res = await t.app.inject({ method: 'POST', url: '/support/cases', headers: { ...body.headers, cookie: a.cookie }, payload: body.payload });
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      const location = String(res.headers.location);
      const m = /^\/support\/cases\/(\d+)\?done=created$/.exec(location);
      assert.ok(m, location);
      caseId = Number(m[1]);
      const page = await get(a, `${location}&lang=en`);
      assert.equal(page.statusCode, 200);
      const text = visibleText(page.body);
      assert.match(text, /We have received your case/);
      assert.match(text, /Setting up a KK/);
      assert.match(text, /plan\.pdf \(PDF/);
      assert.match(text, /Jane Doe/);
      assert.match(text, /Current step: Received Not yet: In progress/);
      assert.match(page.body, /aria-current="step"/);
    });

    it('shows the form again with every problem linked to its field, keeping what was typed', async () => {
      const before = await count(t, 'support_cases');
      const body = await multipart({ _csrf: a.csrf, title: '', description: 'Kept text', 'persons.0.passportNumber': 'TK1234567' });
      const res = await t.app.inject({ method: 'POST', url: '/support/cases?lang=en', headers: { ...body.headers, cookie: a.cookie }, payload: body.payload });
      assert.equal(res.statusCode, 422);
      const problems = errorSummary(res.body);
      assert.deepEqual(problems.sort(), ['Please choose what your question is about.', 'Please fill this in.', 'Please fill this in.'].sort());
      assert.match(res.body, /href="#f-persons-0-fullName"/, 'a person needs a name once any of their fields is filled');
      assert.match(res.body, /Kept text<\/textarea>/);
      assert.equal(await count(t, 'support_cases'), before);
    });

    it('refuses a form without its CSRF token', async () => {
      const res = await postForm(t.app, `/support/cases/${caseId}/messages`, a, { body: 'x' }, { csrf: null });
      assert.equal(res.statusCode, 403);
    });

    it('reads completely in English for a foreign company, and in Japanese when asked', async () => {
      for (const url of ['/support', '/support/cases/new', `/support/cases/${caseId}`, '/support/guides', '/support/guides/business-manager-visa']) {
        const res = await get(a, `${url}?lang=en`);
        assert.equal(res.statusCode, 200, url);
        assert.match(res.body, /<html lang="en"/);
        assert.deepEqual(japaneseLeft(res.body), [], `${url} has Japanese left on the English page`);
        assert.doesNotMatch(visibleText(res.body), /\bsupport\.[a-z]+\./, `${url} shows a message key`);
      }
      const ja = await get(a, `/support/cases/${caseId}?lang=ja`);
      assert.match(visibleText(ja.body), /会社設立/);
      assert.match(visibleText(ja.body), /やり取り/);
      const nav = await get(a, '/support?lang=en');
      assert.match(nav.body, /<a href="\/support" aria-current="page">Support<\/a>/);
    });

    it('lets the company confirm a resolved case and close it from the page', async () => {
      await api(t, staff).patch(`/support/cases/${caseId}`.replace('/support', ''), { status: 'resolved' });
      const page = await get(a, `/support/cases/${caseId}?lang=en`);
      assert.match(visibleText(page.body), /Is your question answered\?/);
      const res = await postForm(t.app, `/support/cases/${caseId}/update`, a, { status: 'closed' });
      assert.equal(res.statusCode, 303);
      const closed = await get(a, `/support/cases/${caseId}?lang=en`);
      assert.match(visibleText(closed.body), /This case is closed/);
      const staffOnly = await postForm(t.app, `/support/cases/${caseId}/update`, a, { status: 'closed', assigneeId: String(staff.id) });
      assert.equal(staffOnly.statusCode, 303, 'a member form ignores staff-only fields it could not show');
      assert.equal((await api(t, staff).get(`/cases/${caseId}`)).json().assignee, null);
    });

    it('gives staff the case list with filters, the case tools, and the CSV link', async () => {
      const list = await get(s, '/support/staff?lang=en&status=closed&kind=incorporation');
      assert.equal(list.statusCode, 200);
      assert.match(visibleText(list.body), /Setting up a KK/);
      assert.match(list.body, /href="\/support\/staff\/cases\.csv\?status=closed&amp;kind=incorporation"/);
      const none = await get(s, '/support/staff?lang=en&kind=tax');
      assert.match(visibleText(none.body), /No cases match/);
      const view = await get(s, `/support/cases/${caseId}?lang=en`);
      assert.match(visibleText(view.body), /Handling the case \(staff\)/);
      assert.match(visibleText(view.body), /Acme Asset Management Ltd/);
      const redirect = await get(s, '/support');
      assert.equal(redirect.statusCode, 303);
      assert.equal(redirect.headers.location, '/support/staff');
      assert.equal((await get(a, '/support/staff')).statusCode, 403);
      const anon = await get(null, '/support');
      assert.equal(anon.statusCode, 303);
      assert.match(String(anon.headers.location), /^\/login\?next=/);
      const pub = await browser(t, publisher);
      assert.equal((await get(pub, '/support')).statusCode, 403);
    });

    it('renders guide Markdown safely: typed HTML is shown as text and unsafe links are not links', async () => {
      const created = await postForm(t.app, '/support/staff/guides', s, {
        slug: 'tricky',
        titleJa: '危険な入力',
        titleEn: 'Tricky input',
        bodyJa: '本文',
        bodyEn: 'Hello <script>alert("x")</script> <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) and [the ministry](https://www.moj.go.jp/)\n\n# Heading',
        categories: 'tax',
        published: '1',
      });
      assert.equal(created.statusCode, 303, created.body.slice(0, 400));
      const page = await get(a, '/support/guides/tricky?lang=en');
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /<script>alert/);
      assert.doesNotMatch(page.body, /<img src=x/);
      assert.match(page.body, /&lt;script&gt;alert/);
      assert.doesNotMatch(page.body, /href="javascript:/i);
      assert.match(page.body, /<a href="https:\/\/www\.moj\.go\.jp\/" rel="noopener noreferrer">the ministry<\/a>/);
      assert.match(page.body, /<h2>Heading<\/h2>/, 'guide headings sit below the page title');
    });

    it('keeps draft guides from the company and lets staff edit them, re-showing problems in the form', async () => {
      const draft = await api(t, staff).post('/guides', { slug: 'draft-guide', titleJa: '下書き', titleEn: 'Draft', bodyJa: '本文', bodyEn: 'Text', published: false });
      assert.equal(draft.statusCode, 201);
      assert.equal((await get(a, '/support/guides/draft-guide')).statusCode, 404);
      assert.equal((await api(t, alice).get('/guides/draft-guide')).statusCode, 404);
      assert.equal((await get(s, '/support/guides/draft-guide')).statusCode, 200);
      const bad = await postForm(t.app, `/support/staff/guides/${draft.json().id}?lang=en`, s, { slug: 'Not A Slug', titleJa: '', titleEn: 'Draft', bodyJa: '本文', bodyEn: 'Text' });
      assert.equal(bad.statusCode, 422);
      assert.deepEqual(errorSummary(bad.body).sort(), ['Please fill this in.', 'Please use lower-case letters, digits and dashes, at most 80 characters.'].sort());
      const taken = await api(t, staff).patch(`/guides/${draft.json().id}`, { slug: 'business-manager-visa' });
      assert.equal(taken.statusCode, 409);
      assert.equal(taken.json().errors[0].field, 'slug');
      const member = await api(t, alice).post('/guides', { slug: 'x', titleJa: 'x', titleEn: 'x', bodyJa: 'x', bodyEn: 'x' });
      assert.equal(member.statusCode, 403);
      const list = (await api(t, null).get('/guides')).json();
      assert.deepEqual(list.map((g: { slug: string }) => g.slug), ['business-manager-visa', 'tricky'], 'anyone may read the published guides');
    });

    it('shows staff the outbox, pending mail included, and lets them queue a failed mail again', async () => {
      const page = await get(s, '/support/outbox?lang=en');
      assert.equal(page.statusCode, 200);
      const text = visibleText(page.body);
      assert.match(text, /No mail server is configured/);
      assert.match(text, /Queued \(\d+\)/);
      assert.match(text, /New case #/);
      const failed = await t.handle.db.selectFrom('mail_outbox').select('id').orderBy('id').executeTakeFirstOrThrow();
      await t.handle.db.updateTable('mail_outbox').set({ status: 'failed', attempts: 5, last_error: 'ECONNREFUSED' }).where('id', '=', failed.id).execute();
      const retry = await postForm(t.app, `/support/outbox/${failed.id}/retry`, s, {});
      assert.equal(retry.statusCode, 303);
      const row = await t.handle.db.selectFrom('mail_outbox').selectAll().where('id', '=', failed.id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 0);
      assert.equal((await postForm(t.app, `/support/outbox/${failed.id}/retry`, s, {})).statusCode, 409, 'only a failed mail can be queued again');
      assert.equal((await get(a, '/support/outbox')).statusCode, 403);
      assert.equal((await api(t, alice).get('/outbox')).statusCode, 403);
      const apiList = (await api(t, staff).get('/outbox?status=pending')).json();
      assert.equal(apiList.smtpConfigured, false);
      assert.ok(apiList.items.length > 0);
    });
  });
}
