/**
 * The attraction pages in real Chromium: accessible in both languages (axe), and usable without
 * JavaScript (a staff member creates a lead and moves it from the board through the forms).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, startApp, createUser, signInThroughForm, open, expectAccessible, JA_BROWSER, type LiveApp } from '../../test/browser/browser.js';
import { systemActor } from '../core/audit.js';
import { attractionService } from './index.js';

describe('attraction pages in a real browser', { skip: browserSkip }, () => {
  let browser: Browser;
  let live: LiveApp;
  let leadId: number;

  before(async () => {
    browser = await launchBrowser();
    live = await startApp();
    const owner = await live.app.kabuto.auth.createUser(systemActor('test'), { email: 'browser-owner@example.jp', displayName: 'Owner Browser', role: 'staff', password: 'correct horse battery staple' });
    const svc = attractionService(live.app.kabuto);
    const lead = await svc.createLead({ id: owner.id, label: owner.email, role: 'staff' }, { company: { nameEn: 'Axe Check Capital', nameJa: 'アックス・キャピタル', country: 'GB' }, sector: 'asset-management', origin: 'event' });
    await svc.moveLead({ id: owner.id, label: owner.email, role: 'staff' }, lead.id, { to: 'contacted', firstContactDate: '2019-06-01', contactChannel: 'meeting' });
    await svc.addConsultation({ id: owner.id, label: owner.email, role: 'staff' }, lead.id, { date: '2019-06-03', topic: 'Fund registration', tasks: [{ title: 'Send the FSA checklist', dueDate: '2019-06-10' }] });
    leadId = lead.id;
  });
  after(async () => {
    await browser?.close();
    await live?.close();
  });

  it('finds no serious or critical axe violation on any page, in Japanese and in English', async () => {
    const context = await browser.newContext(JA_BROWSER);
    try {
      const page = await context.newPage();
      await signInThroughForm(page, live.url, await createUser(live.app, 'staff'), '/attraction');
      const pages = ['/attraction', '/attraction/board', '/attraction/leads', '/attraction/leads/new?q=Axe', `/attraction/leads/${leadId}`, `/attraction/leads/${leadId}/move?to=consulting`, `/attraction/leads/${leadId}/edit`, '/attraction/others'];
      for (const path of pages) {
        for (const lang of ['ja', 'en'] as const) {
          const url = `${live.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
          await open(page, url);
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          await expectAccessible(page, `${path} (${lang})`);
        }
      }
      // A refused form, with its error summary, is accessible too.
      await open(page, `${live.url}/attraction/leads/${leadId}/move?to=dropped&lang=en`);
      await Promise.all([page.waitForLoadState('load'), page.locator('main form[method="post"] button[type="submit"]').click()]);
      assert.equal(await page.locator('.error-summary').count(), 1, 'the refused move shows an error summary');
      await expectAccessible(page, 'the refused move form');
    } finally {
      await context.close();
    }
  });

  it('lets staff create a lead and move it from the board with JavaScript off', async () => {
    const context = await browser.newContext({ ...JA_BROWSER, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, live.url, await createUser(live.app, 'staff'), '/attraction/leads/new?lang=en');
      await page.locator('#f-company-nameEn').fill('No Script Robotics Ltd');
      await page.locator('#f-company-country').fill('IE');
      await page.locator('#f-sector').selectOption('iot');
      await page.locator('#f-origin').selectOption('inbound');
      await Promise.all([page.waitForURL(/\/attraction\/leads\/\d+\?done=created/), page.locator('main form[action="/attraction/leads"] button[type="submit"]').click()]);
      const id = Number(/leads\/(\d+)/.exec(page.url())![1]);
      assert.match(await page.locator('main').innerText(), /The lead was created/);

      await open(page, `${live.url}/attraction/board?lang=en`);
      const card = page.locator(`section:has(#col-lead) li:has(a[href="/attraction/leads/${id}"])`);
      assert.equal(await card.count(), 1, 'the new lead is a card in the Lead column');
      await card.locator('select[name="to"]').selectOption('contacted');
      await Promise.all([page.waitForURL(new RegExp(`/attraction/leads/${id}/move\\?to=contacted`)), card.locator('button').click()]);
      await page.locator('#f-firstContactDate').fill('2019-06-14');
      await page.locator('#f-contactChannel').selectOption('email');
      await Promise.all([page.waitForURL(new RegExp(`/attraction/leads/${id}\\?done=moved`)), page.locator('main form[method="post"] button[type="submit"]').click()]);
      assert.match(await page.locator('main').innerText(), /Moved to Contacted/);

      await open(page, `${live.url}/attraction/board?lang=en`);
      assert.equal(await page.locator(`section:has(#col-contacted) li:has(a[href="/attraction/leads/${id}"])`).count(), 1, 'the card is in the Contacted column now');
    } finally {
      await context.close();
    }
  });
});
