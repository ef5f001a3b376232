/**
 * The support pages in real Chromium: axe finds no serious or critical violation in either language
 * (member and staff pages, a form showing its problems), and a member opens a case with JavaScript off.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, startApp, signInThroughForm, open, expectAccessible, JA_BROWSER, BROWSER_PASSWORD, type LiveApp } from '../../test/browser/browser.js';
import { systemActor } from '../core/audit.js';
import { companiesService } from '../companies/index.js';
import { supportService } from './index.js';
import { pdf } from './testing.js';

describe('support pages in a real browser', { skip: browserSkip }, () => {
  let browser: Browser;
  let live: LiveApp;
  let caseId: number;
  const member = { email: 'browser-member@example.jp', password: BROWSER_PASSWORD };
  const staff = { email: 'browser-staff@example.jp', password: BROWSER_PASSWORD };

  before(async () => {
    browser = await launchBrowser();
    live = await startApp();
    const ctx = live.app.kabuto;
    const { company } = await companiesService(ctx).create(systemActor('test'), { nameEn: 'Acme Asset Management Ltd', nameJa: 'アクメ・アセット・マネジメント', country: 'GB' });
    const m = await ctx.auth.createUser(systemActor('test'), { email: member.email, role: 'member', password: member.password, companyId: String(company.id), displayName: 'Alice Smith' });
    const s = await ctx.auth.createUser(systemActor('test'), { email: staff.email, role: 'staff', password: staff.password, displayName: 'Sato Hanako' });
    const svc = supportService(ctx);
    const mu = (await ctx.auth.getUser(m.id))!;
    const su = (await ctx.auth.getUser(s.id))!;
    const c = await svc.createCase(mu, { kind: 'residence-status', title: 'Business Manager visa', description: 'Which documents?', persons: [{ fullName: 'Jane Doe', passportNumber: 'TK1234567', dateOfBirth: '1980-02-03' }] }, [{ filename: 'passport.pdf', bytes: pdf() }]);
    caseId = c.id;
    await svc.addMessage(su, caseId, { body: 'Please send your business plan.' });
    await svc.addMessage(su, caseId, { body: 'Internal: call the immigration bureau', internal: true });
    await svc.updateCase(su, caseId, { status: 'waiting-for-company', assigneeId: s.id, dueDate: '2019-07-01' });
    await svc.createGuide(su, { slug: 'business-manager-visa', titleJa: '経営・管理の在留資格', titleEn: 'The Business Manager status of residence', bodyJa: '## 必要な書類\n\n- 事業計画書', bodyEn: '## Documents you need\n\n- A business plan', categories: ['residence-status'], published: true });
  });
  after(async () => {
    await browser?.close();
    await live?.close();
  });

  for (const lang of ['ja', 'en'] as const) {
    it(`has no serious accessibility problem on the member pages (${lang})`, async () => {
      const context = await browser.newContext(JA_BROWSER);
      try {
        const page = await context.newPage();
        await signInThroughForm(page, live.url, member, '/support');
        for (const path of ['/support', '/support/cases/new', `/support/cases/${caseId}`, '/support/guides', '/support/guides/business-manager-visa']) {
          await open(page, `${live.url}${path}?lang=${lang}`);
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          await expectAccessible(page, `${path}?lang=${lang}`);
        }
        // The form shown again with its problems.
        await open(page, `${live.url}/support/cases/new?lang=${lang}`);
        await page.locator('form.support-form button[type="submit"]').click();
        await page.waitForSelector('.error-summary');
        await expectAccessible(page, `/support/cases/new with problems (${lang})`);
      } finally {
        await context.close();
      }
    });

    it(`has no serious accessibility problem on the staff pages (${lang})`, async () => {
      const context = await browser.newContext(JA_BROWSER);
      try {
        const page = await context.newPage();
        await signInThroughForm(page, live.url, staff, '/support/staff');
        for (const path of ['/support/staff', `/support/cases/${caseId}`, '/support/staff/guides', '/support/staff/guides/new', '/support/outbox']) {
          await open(page, `${live.url}${path}?lang=${lang}`);
          await expectAccessible(page, `${path}?lang=${lang}`);
        }
      } finally {
        await context.close();
      }
    });
  }

  it('lets a member open a case and reply with JavaScript turned off', async () => {
    const context = await browser.newContext({ ...JA_BROWSER, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, live.url, member, '/support?lang=en');
      await open(page, `${live.url}/support/cases/new?lang=en`);
      await page.getByLabel('Tax').check();
      await page.getByLabel('Subject').fill('Consumption tax registration');
      await page.getByLabel('Your question').fill('Do we need to register in the first year?');
      await Promise.all([page.waitForURL(/\/support\/cases\/\d+\?done=created/), page.locator('form.support-form button[type="submit"]').click()]);
      assert.match(await page.locator('main').innerText(), /We have received your case/);
      await page.getByLabel('Message').fill('We also have a question about withholding tax.');
      await Promise.all([page.waitForURL(/done=message/), page.getByRole('button', { name: 'Send' }).click()]);
      assert.match(await page.locator('.support-thread').innerText(), /withholding tax/);
    } finally {
      await context.close();
    }
  });
});
