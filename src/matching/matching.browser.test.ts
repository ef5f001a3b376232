/**
 * The matching pages in real Chromium: axe finds no serious or critical violation on any page a
 * member or staff see (marketplace, cards, forms with errors, recommendations, requests, meetings,
 * fairs, schedule, agenda, reports), in both languages; and a member posts a card and asks for a
 * meeting with JavaScript disabled.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser, startApp, signInThroughForm, open, expectAccessible, BROWSER_PASSWORD, JA_BROWSER, type LiveApp } from '../../test/browser/browser.js';
import { systemActor } from '../core/audit.js';
import type { Role } from '../core/tables.js';
import { companiesService } from '../companies/index.js';
import { fairService, matchingService } from './index.js';
import { viewerOf } from './access.js';

const LANGS = ['ja', 'en'] as const;
let seq = 0;

describe('matching pages in a real browser', { skip: browserSkip }, () => {
  let browser: Browser;
  let live: LiveApp;
  let member: BrowserContext;
  let staff: BrowserContext;
  let noJs: BrowserContext;
  let memberPage: Page;
  let staffPage: Page;
  let noJsPage: Page;
  const ids: Record<string, number> = {};

  async function user(role: Role, companyId?: number) {
    const email = `matching-browser-${role}${++seq}@example.jp`;
    const u = await live.app.kabuto.auth.createUser(systemActor('test'), { email, role, password: BROWSER_PASSWORD, companyId: role === 'member' ? String(companyId) : null });
    return { id: u.id, email, password: BROWSER_PASSWORD, auth: { ...u } };
  }

  before(async () => {
    browser = await launchBrowser();
    live = await startApp({ now: '2020-06-15T03:00:00Z' });
    const ctx = live.app.kabuto;
    const actor = systemActor('test');
    const reg = companiesService(ctx);
    ids.tokyo = (await reg.create(actor, { nameJa: '大手町商事', nameEn: 'Otemachi Trading', country: 'JP', lgCode: '131016', jsicMajor: 'I' })).company.id;
    ids.foreign = (await reg.create(actor, { nameEn: 'Lyon Sensors SA', country: 'FR', jsicMajor: 'I' })).company.id;
    const tokyoUser = await user('member', ids.tokyo);
    const foreignUser = await user('member', ids.foreign);
    const staffUser = await user('staff');
    const svc = matchingService(ctx);
    const fairs = fairService(ctx);
    const vt = viewerOf(tokyoUser.auth);
    const vf = viewerOf(foreignUser.auth);
    const vs = viewerOf(staffUser.auth);
    await svc.saveProfile(vt, { summaryJa: '食品の卸売', summaryEn: 'Food wholesale', languages: ['ja', 'en'], regions: ['europe'] });
    const need = await svc.createCard(vt, { kind: 'procurement-need', titleJa: 'コールドチェーン向けIoTセンサー', titleEn: 'IoT sensors for the cold chain', bodyJa: '倉庫の温度を遠隔監視したい。', jsic: ['I'], regions: ['europe'] });
    const offer = await svc.createCard(vf, { kind: 'product-offer', titleEn: 'Wireless IoT temperature sensors', bodyEn: 'Remote monitoring for warehouses and cold chain logistics.', jsic: ['I'], regions: ['global'] });
    await svc.reviewCard(vs, need.id, 'approved', null);
    await svc.reviewCard(vs, offer.id, 'approved', null);
    ids.card = offer.id;
    const req = await svc.createRequest(vt, { cardId: offer.id, message: 'We would like a demo.' });
    const answered = await svc.answerRequest(vf, req.id, { decision: 'accept' });
    ids.request = req.id;
    ids.meeting = answered.meetingId!;
    await svc.recordHeld(vt, ids.meeting, { held: true, heldOn: '2020-06-10' });
    await svc.rate(vt, ids.meeting, { score: 5 });
    const fair = await fairs.createFair(vs, { nameJa: '食品商談会', nameEn: 'Food Matching Fair', requestDeadline: '2020-06-30T09:00:00Z', status: 'open', sessions: [{ date: '2020-07-01', start: '10:00', end: '12:00', slotMinutes: 30 }], tables: ['1', '2'] });
    ids.fair = fair.id;
    await fairs.setParticipant(vs, fair.id, ids.tokyo, 'buyer');
    await fairs.setParticipant(vs, fair.id, ids.foreign, 'seller');
    const fr = await svc.createRequest(vt, { fairId: fair.id, toCompanyId: ids.foreign, message: 'See you at the fair' });
    await svc.answerRequest(vf, fr.id, { decision: 'accept' });
    await fairs.runSchedule(vs, fair.id);

    member = await browser.newContext(JA_BROWSER);
    memberPage = await member.newPage();
    await signInThroughForm(memberPage, live.url, tokyoUser);
    staff = await browser.newContext(JA_BROWSER);
    staffPage = await staff.newPage();
    await signInThroughForm(staffPage, live.url, staffUser);
    noJs = await browser.newContext({ ...JA_BROWSER, javaScriptEnabled: false });
    noJsPage = await noJs.newPage();
    await signInThroughForm(noJsPage, live.url, tokyoUser);
  });
  after(async () => {
    await member?.close();
    await staff?.close();
    await noJs?.close();
    await browser?.close();
    await live?.close();
  });

  const memberPaths = () => ['/matching', '/matching/market', '/matching/cards/new', `/matching/cards/${ids.card}`, '/matching/mine', '/matching/profile', '/matching/recommendations', '/matching/requests', `/matching/requests/${ids.request}`, '/matching/meetings', `/matching/meetings/${ids.meeting}`, `/matching/fairs/${ids.fair}`, `/matching/fairs/${ids.fair}/agenda`, `/matching/fairs/${ids.fair}/agenda/print`];
  const staffPaths = () => ['/matching', '/matching/review', '/matching/introduce', '/matching/fairs', '/matching/fairs/new', `/matching/fairs/${ids.fair}`, `/matching/fairs/${ids.fair}/schedule`, `/matching/fairs/${ids.fair}/report`, '/matching/reports', '/matching/settings'];

  for (const lang of LANGS) {
    it(`every page a member sees is accessible (${lang})`, async () => {
      for (const path of memberPaths()) {
        await open(memberPage, `${live.url}${path}?lang=${lang}`);
        assert.equal(await memberPage.getAttribute('html', 'lang'), lang);
        await expectAccessible(memberPage, `${path} (${lang})`);
      }
    });
    it(`every page staff see is accessible (${lang})`, async () => {
      for (const path of staffPaths()) {
        await open(staffPage, `${live.url}${path}?lang=${lang}`);
        await expectAccessible(staffPage, `${path} (${lang})`);
      }
    });
  }

  it('posts a card with JavaScript disabled: the errors first, with what was typed, then the card', async () => {
    const p = noJsPage;
    await open(p, `${live.url}/matching/cards/new?lang=en`);
    await p.locator('#f-bodyEn').fill('We need route planning for refrigerated trucks.');
    await Promise.all([p.waitForLoadState('load'), p.waitForEvent('framenavigated'), p.locator('form.matching-form button[type="submit"]').click()]);
    assert.match(await p.locator('.error-summary').innerText(), /give a title in Japanese or English/);
    assert.equal(await p.locator('#f-bodyEn').inputValue(), 'We need route planning for refrigerated trucks.');
    await p.locator('#f-titleEn').fill('Route planning for refrigerated trucks');
    await p.locator('#f-jsic-7').check();
    await Promise.all([p.waitForLoadState('load'), p.waitForEvent('framenavigated'), p.locator('form.matching-form button[type="submit"]').click()]);
    assert.match(new URL(p.url()).pathname, /^\/matching\/cards\/\d+$/);
    assert.match(await p.locator('h1').innerText(), /Route planning for refrigerated trucks/);
    assert.match(await p.locator('.notice').innerText(), /Created/);
  });

  it('shows the form with errors accessibly', async () => {
    await open(memberPage, `${live.url}/matching/cards/new?lang=ja`);
    await Promise.all([memberPage.waitForLoadState('load'), memberPage.waitForEvent('framenavigated'), memberPage.locator('form.matching-form button[type="submit"]').click()]);
    assert.match(await memberPage.locator('.error-summary').innerText(), /タイトル/);
    await expectAccessible(memberPage, 'the card form with errors');
  });
});
