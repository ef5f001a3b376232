/**
 * The plan pages in real Chromium: accessible in both languages (axe), usable without JavaScript
 * (a staff member signs in and enters a measurement through the forms), and the language switch
 * is remembered. One browser for the file; each test gets its own context.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { browserSkip, launchBrowser, startApp, createUser, signInThroughForm, open, expectAccessible, seriousViolations, JA_BROWSER, type LiveApp } from './browser.js';

const INDICATOR = 'IND-FOREIGN-FINANCIAL-ATTRACTION';
const PLAN_PAGES = ['/plan', `/plan/indicators/${INDICATOR}`, '/plan/annual'];
const LANGS = ['ja', 'en'] as const;

describe('plan pages in a real browser', { skip: browserSkip }, () => {
  let browser: Browser;
  let live: LiveApp;

  before(async () => {
    browser = await launchBrowser();
    live = await startApp();
  });
  after(async () => {
    await browser?.close();
    await live?.close();
  });

  it('has an axe check that really fails a page with a serious violation (so a pass means something)', async () => {
    const context = await browser.newContext(JA_BROWSER);
    try {
      const page = await context.newPage();
      await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1><input type="text" id="unlabelled"></main></body></html>');
      const violations = await seriousViolations(page);
      assert.ok(violations.some((v) => v.id === 'label'), `axe missed an unlabelled input: ${JSON.stringify(violations.map((v) => v.id))}`);
      await assert.rejects(expectAccessible(page, 'a test page'), (err: Error) => /label \((critical|serious)\).*\n.*#unlabelled/s.test(err.message));
    } finally {
      await context.close();
    }
  });

  describe('axe finds no serious or critical violation', () => {
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      context = await browser.newContext(JA_BROWSER);
      page = await context.newPage();
    });
    after(async () => context?.close());

    for (const path of PLAN_PAGES) {
      for (const lang of LANGS) {
        it(`on ${path}?lang=${lang}`, async () => {
          await open(page, `${live.url}${path}?lang=${lang}`);
          assert.equal(await page.getAttribute('html', 'lang'), lang, `${path}?lang=${lang} is not marked as ${lang}`);
          await expectAccessible(page, `${path}?lang=${lang}`);
        });
      }
    }

    for (const lang of LANGS) {
      it(`on /login?lang=${lang}`, async () => {
        await open(page, `${live.url}/login?lang=${lang}`);
        await expectAccessible(page, `/login?lang=${lang}`);
      });
    }
  });

  it('lets staff enter a measurement through the forms with JavaScript off, and /plan shows it', async () => {
    const id = await manualIndicator(live);
    const context = await browser.newContext({ ...JA_BROWSER, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const staff = await createUser(live.app, 'staff');
      const before = await planRow(page, live.url, id);
      assert.doesNotMatch(before, /\b37\b/, `the /plan row of ${id} already shows 37 before the entry: ${before}`);

      await signInThroughForm(page, live.url, staff, `/plan/indicators/${id}`);
      assert.equal(new URL(page.url()).pathname, `/plan/indicators/${id}`, 'sign-in did not return to the indicator page');

      const form = measurementForm(page, id);
      assert.equal(await form.count(), 1, 'the indicator page shows staff one measurement form');
      await setField(form, 'period', '2018');
      await setField(form, 'value', '37');
      await setField(form, 'source', '東京都 産業労働局 調べ (browser test)');
      await setField(form, ['as_of', 'asOf'], '2019-05-31');
      await setField(form, 'note', 'entered in a browser without JavaScript');
      await submit(form);
      assert.equal(await page.locator('.error-summary, [aria-invalid="true"]').count(), 0, `the form was refused: ${await page.locator('main').innerText()}`);

      const after = await planRow(page, live.url, id);
      assert.notEqual(after, before, `the /plan row of ${id} did not change: ${after}`);
      assert.match(after, /\b37\b/, `the /plan row of ${id} does not show the new actual 37: ${after}`);
      const latest = page.locator(`main [id="${id}"] .latest`);
      if ((await latest.count()) === 1) assert.match(await latest.innerText(), /\b37\b/, 'the latest actual of the indicator is the one just entered');
    } finally {
      await context.close();
    }
  });

  it('shows staff an accessible indicator page with its forms, and an accessible refusal', async () => {
    const id = await manualIndicator(live);
    const context = await browser.newContext(JA_BROWSER);
    try {
      const page = await context.newPage();
      await signInThroughForm(page, live.url, await createUser(live.app, 'staff'), `/plan/indicators/${id}`);
      for (const lang of LANGS) {
        await open(page, `${live.url}/plan/indicators/${id}?lang=${lang}`);
        assert.equal(await measurementForm(page, id).count(), 1, 'staff see the measurement form');
        await expectAccessible(page, `/plan/indicators/${id}?lang=${lang} (signed in as staff)`);
      }
      // Nothing typed: the server refuses the form and shows it again with the errors.
      await submit(measurementForm(page, id));
      assert.ok((await page.locator('.error-summary').count()) > 0, 'a refused form shows an error summary');
      await expectAccessible(page, `the refused measurement form of ${id}`);
    } finally {
      await context.close();
    }
  });

  it('switches language with the link and remembers the choice on the next page', async () => {
    const context = await browser.newContext(JA_BROWSER);
    try {
      const page = await context.newPage();
      await open(page, `${live.url}/plan`);
      assert.equal(await page.getAttribute('html', 'lang'), 'ja', 'a Japanese browser gets Japanese first');

      await Promise.all([page.waitForURL(/[?&]lang=en\b/), page.locator('a.lang-switch').click()]);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(new URL(page.url()).pathname, '/plan', 'the switch stays on the same page');

      await open(page, `${live.url}/plan/annual`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the next page without ?lang stays English');
      await open(page, `${live.url}/plan/indicators/${INDICATOR}`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');

      await Promise.all([page.waitForURL(/[?&]lang=ja\b/), page.locator('a.lang-switch').click()]);
      await open(page, `${live.url}/plan`);
      assert.equal(await page.getAttribute('html', 'lang'), 'ja', 'switching back to Japanese is remembered too');
    } finally {
      await context.close();
    }
  });
});

/** The text of the indicator's entry on /plan: the element with its id, else the element around its link. */
async function planRow(page: Page, base: string, id: string): Promise<string> {
  await open(page, `${base}/plan`);
  const byId = page.locator(`main [id="${id}"]`);
  const link = `a[href$="/plan/indicators/${id}"]`;
  assert.ok((await page.locator(`main ${link}`).count()) > 0, `/plan has no link to ${id}`);
  const row = (await byId.count()) === 1 ? byId : page.locator('tr, li, article').filter({ has: page.locator(link) }).last();
  return (await row.innerText()).replace(/\s+/g, ' ').trim();
}

/**
 * An indicator staff measure by hand (others take their actuals from module metrics and have no
 * measurement form): the first fiscal-year count or annual figure of the seeded plan.
 */
async function manualIndicator(live: LiveApp): Promise<string> {
  const res = await live.app.inject({ url: '/api/v1/plan' });
  const { indicators } = JSON.parse(res.body) as { indicators: { id: string; kind: string; periodBasis: string; binding: { type: string } }[] };
  const ind = indicators.find((i) => i.binding.type === 'manual' && (i.kind === 'cumulative' || i.kind === 'annual') && i.periodBasis === 'fiscal');
  assert.ok(ind, 'the seeded plan has no manually measured fiscal-year indicator');
  return ind.id;
}

function measurementForm(page: Page, id: string): Locator {
  return page.locator(`form[action$="/plan/indicators/${id}/measurements"]`);
}

/** Submit a form by its button and wait for the answer page (a real navigation, no script needed). */
async function submit(form: Locator): Promise<void> {
  const page = form.page();
  await Promise.all([page.waitForEvent('load'), form.locator('button[type="submit"], input[type="submit"]').first().click()]);
}

/** Fill a form field by name whatever control it is (text, number, date, select, textarea). */
async function setField(form: Locator, names: string | string[], value: string): Promise<void> {
  for (const name of Array.isArray(names) ? names : [names]) {
    const field = form.locator(`[name="${name}"]`);
    if ((await field.count()) === 0) continue;
    const tag = await field.first().evaluate((el) => el.tagName.toLowerCase());
    if (tag === 'select') await field.first().selectOption(value);
    else await field.first().fill(value);
    return;
  }
  assert.fail(`the measurement form has no field named ${[names].flat().join(' or ')}`);
}
