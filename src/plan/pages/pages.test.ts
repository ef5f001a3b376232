import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, loginAs, skipFor, testApp, tokenFor, type Session, type TestApp } from '../../../test/helpers.js';
import { JAPANESE_SCRIPT } from '../../core/i18n/index.js';
import type { KabutoModule } from '../../core/context.js';
import { systemActor } from '../../core/audit.js';
import { planService } from '../index.js';
import type { PlanView } from '../service.js';

const FORM = 'application/x-www-form-urlencoded';

/** Text as preact writes it into HTML. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The card of one indicator on /plan (from its id to the end of its description list). */
function card(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `/plan has no entry with id ${id}`);
  return html.slice(start, html.indexOf('</dl>', start));
}

function main(html: string): string {
  return html.slice(html.indexOf('<main'), html.indexOf('</main>'));
}

async function measurementCount(t: TestApp, indicatorId: string): Promise<number> {
  const rows = await t.handle.db.selectFrom('plan_measurements').select('id').where('indicator_id', '=', indicatorId).execute();
  return rows.length;
}

/** A module publishing a fixed metric, so an indicator can be bound to it. */
const counter: KabutoModule = {
  name: 'pagetest',
  registerMetrics(ctx) {
    ctx.metrics.register({
      name: 'pagetest.cases',
      module: 'pagetest',
      description_ja: 'テスト用：支援件数',
      description_en: 'Test: support cases',
      scopes: ['pagetest'],
      compute: async () =>
        new Map([
          [2017, 300],
          [2018, 410],
        ]),
    });
  },
  routes() {},
};

for (const dialect of DIALECTS) {
  describe(`plan pages (${dialect})`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let view: PlanView;
    let staff: Session;

    before(async () => {
      t = await testApp(dialect, { modules: [counter], config: { seedPlan: true } });
      // Other modules bind indicators to their metrics (attraction: 1-01, 1-02, 1-04); these tests
      // stand on figures entered by staff, whatever the modules bind, and bind one themselves below.
      const svc = planService(t.app.kabuto);
      for (const ind of (await svc.view())!.indicators) await svc.bind(systemActor('test'), ind.id, null);
      view = (await svc.view())!;
      staff = await loginAs(t.app, 'staff');
    });
    after(async () => t?.close());

    const get = (url: string, cookie?: string) => t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });
    const postForm = (url: string, fields: Record<string, string>, session: Session | null = staff) =>
      t.app.inject({ method: 'POST', url, headers: { accept: 'text/html', 'content-type': FORM, ...(session ? { cookie: session.cookie } : {}) }, payload: new URLSearchParams({ ...(session ? { _csrf: session.csrf } : {}), ...fields }).toString() });

    it('lists all 14 indicators and 18 targets on /plan with the Japanese wording verbatim', async () => {
      const res = await get('/plan?lang=ja');
      assert.equal(res.statusCode, 200);
      const html = res.body;
      assert.equal(view.indicators.length, 14);
      assert.equal(view.indicators.flatMap((i) => i.targets).length, 18);
      assert.equal((html.match(/class="card indicator-card"/g) ?? []).length, 14);
      for (const ind of view.indicators) {
        assert.ok(html.includes(`href="/plan/indicators/${ind.id}"`), `no link to ${ind.id}`);
        assert.ok(html.includes(esc(ind.name.ja)), `the Japanese name of ${ind.id} is not shown verbatim`);
        for (const x of ind.targets) assert.ok(html.includes(esc(`${x.label}：${x.valueText}`)), `target ${x.label} (${x.valueText}) is not shown verbatim`);
      }
      // Paired targets share an indicator; the years carry 和暦; the plan's own words stay.
      const paired = card(html, 'IND-SME-GROWTH-ENTRY');
      assert.match(paired, /2-01：700件（2020年度（令和2年度））/);
      assert.match(paired, /2-02：1,200件（2024年度（令和6年度））/);
      assert.ok(html.includes('1-01：40社（2020年度（令和2年度））'));
      assert.ok(html.includes('４万件') && html.includes('10％台（米国・英国並み）') && html.includes('竣工'));
      for (const s of ['平成29年度事業費', '380億円', '４か年事業費', '1,700億円', '計画期間２年終了後、取組状況を検証し、目標数値と対応施策を適宜見直す', '日本経済を牽引する、国際金融・経済都市を目指そう']) {
        assert.ok(html.includes(s), `/plan does not show ${s}`);
      }
      assert.ok(html.includes('/api/v1/plan/export.csv') && html.includes('/api/v1/plan/export.xlsx'), 'the exports are not linked');
    });

    it('writes out the status rule with the thresholds the code judges by, and marks inferred kinds', async () => {
      const html = (await get('/plan?lang=ja')).body;
      assert.match(html, /達成状況の判定方法/);
      assert.match(html, /期待値の80％以上なら「要注意」/);
      assert.match(html, /90％以上なら「要注意」/);
      assert.match(html, /2017年4月1日/);
      assert.match(html, /最小二乗法/);
      // 2-01/02 are assumed cumulative (medium confidence): the card says the kind is inferred.
      assert.match(card(html, 'IND-SME-GROWTH-ENTRY'), /class="badge inferred"[^>]*>推定</);
      assert.doesNotMatch(card(html, 'IND-FOREIGN-FINANCIAL-ATTRACTION'), /badge inferred/);
      assert.match(card(html, 'IND-FOREIGN-FINANCIAL-ATTRACTION'), /class="status status-no_data">実績なし</);
    });

    it('shows every indicator and target in English on ?lang=en with no Japanese left in the page body', async () => {
      const res = await get('/plan?lang=en');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<html lang="en"/);
      for (const ind of view.indicators) assert.ok(res.body.includes(esc(ind.name.en)), `the English name of ${ind.id} is missing`);
      assert.ok(res.body.includes('1-01: 40 companies by FY2020'));
      assert.ok(res.body.includes('2-02: 1,200 cases by FY2024'));
      assert.ok(res.body.includes('38 billion yen') && res.body.includes('170 billion yen'));
      const body = main(res.body);
      assert.doesNotMatch(body, JAPANESE_SCRIPT, `Japanese text on the English page: ${JAPANESE_SCRIPT.exec(body)?.index !== undefined ? body.slice(JAPANESE_SCRIPT.exec(body)!.index - 80, JAPANESE_SCRIPT.exec(body)!.index + 40) : ''}`);
    });

    it('shows a measurement entered by staff through the form as the latest actual and status on /plan', async () => {
      const id = 'IND-FOREIGN-IOT-ATTRACTION';
      assert.match(card((await get('/plan')).body, id), /実績はまだありません/);
      const form = await get(`/plan/indicators/${id}`, staff.cookie);
      assert.match(form.body, new RegExp(`<form method="post" action="/plan/indicators/${id}/measurements"`));
      assert.match(form.body, /name="_csrf"/);
      for (const [period, value] of [
        ['2017', '12'],
        ['2018', '9'],
      ]) {
        const res = await postForm(`/plan/indicators/${id}/measurements`, { period: period!, value: value!, source: '産業労働局調べ', asOf: `${Number(period) + 1}-05-31`, note: '' });
        assert.equal(res.statusCode, 303, res.body.slice(0, 500));
        assert.equal(res.headers.location, `/plan/indicators/${id}?done=measurement`);
      }
      const after = card((await get('/plan')).body, id);
      assert.match(after, /累計 21社（2018年度（平成30年度）まで）/);
      // 21 against the annual plan's running sum of 20 for FY2018.
      assert.match(after, /class="status status-on_track">順調</);
      const done = await get(`/plan/indicators/${id}?done=measurement`, staff.cookie);
      assert.match(done.body, /role="status">実績を登録しました/);
    });

    it('re-renders a bad measurement with the error summary and per-field messages, keeps what was typed and stores nothing', async () => {
      const id = 'IND-FOREIGN-TOTAL-ATTRACTION';
      const before = await measurementCount(t, id);
      const res = await postForm(`/plan/indicators/${id}/measurements`, { period: '2018', value: 'abc', source: '', asOf: 'soon', note: 'typed note' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /class="error-summary"/);
      assert.match(res.body, /<a href="#f-value">値を数字で入力してください。<\/a>/);
      assert.match(res.body, /<p class="field-error" id="f-source-error">出典を入力してください。<\/p>/);
      assert.match(res.body, /id="f-asOf-error">時点を日付/);
      assert.match(res.body, /id="f-value"[^>]* aria-invalid="true" name="value"[^>]*value="abc"/);
      assert.match(res.body, /<textarea id="f-note"[^>]*>typed note<\/textarea>/);
      assert.match(res.body, /<option value="2018" selected/);
      assert.equal(await measurementCount(t, id), before);
    });

    it('refuses a measurement for a year outside the plan, in English on an English page', async () => {
      const id = 'IND-FOREIGN-TOTAL-ATTRACTION';
      const res = await t.app.inject({
        method: 'POST',
        url: `/plan/indicators/${id}/measurements?lang=en`,
        headers: { accept: 'text/html', 'content-type': FORM, cookie: staff.cookie },
        payload: new URLSearchParams({ _csrf: staff.csrf, period: '1999', value: '5', source: 'x' }).toString(),
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Choose a year from FY2012 to FY2024\./);
      assert.equal(await measurementCount(t, id), 0);
    });

    it('requires a reason to revise a target, then shows the old and new values with the planned value still visible', async () => {
      const id = 'IND-FOREIGN-TOTAL-ATTRACTION';
      const page = await get(`/plan/indicators/${id}`, staff.cookie);
      assert.match(page.body, /<form method="post" action="\/plan\/targets\/T1-04\/revisions"/);
      const refused = await postForm('/plan/targets/T1-04/revisions', { targetId: 'T1-04', newValue: '450', effectiveFiscalYear: '2019', reason: '' });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /<a href="#f-reason">改定の理由を入力してください（3文字以上）。<\/a>/);
      assert.match(refused.body, /id="f-newValue"[^>]* name="newValue"[^>]*value="450"/);
      assert.equal((await t.handle.db.selectFrom('plan_target_revisions').select('id').where('target_id', '=', 'T1-04').where('source', '=', 'staff').execute()).length, 0);

      const ok = await postForm('/plan/targets/T1-04/revisions', { targetId: 'T1-04', newValue: '450', effectiveFiscalYear: '2019', reason: '2年経過時点の見直しで上方修正' });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
      assert.equal(ok.headers.location, `/plan/indicators/${id}?done=revision#revisions`);
      const after = await get(`/plan/indicators/${id}?done=revision`, staff.cookie);
      assert.match(after.body, /role="status">目標を改定しました/);
      assert.match(after.body, /<td class="num old-value">400社<\/td><td class="num new-value">450社<\/td><td>2019年度（令和元年度）<\/td><td>2年経過時点の見直しで上方修正<\/td>/);
      // Current and planned values side by side in the targets table.
      assert.match(after.body, /<th scope="row">1-04<\/th><td>[^<]+<\/td><td>2020年度（令和2年度）<\/td><td>450社<\/td><td>400社<\/td>/);
      assert.match(card((await get('/plan')).body, id), /1-04：450社/);
    });

    it('refuses a target of another indicator chosen in the revision form', async () => {
      const res = await postForm('/plan/targets/T1-04/revisions', { targetId: 'T1-01', newValue: '45', effectiveFiscalYear: '2019', reason: 'not this indicator' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /<a href="#f-targetId">この指標の目標を選んでください。<\/a>/);
      assert.match(res.body, /<option value="T1-04" selected/, 'the select falls back to a target of this indicator');
      assert.match(res.body, /id="f-newValue"[^>]* name="newValue"[^>]*value="45"/, 'what was typed is kept');
    });

    for (const [method, url] of [
      ['POST', '/plan/indicators/IND-OPEN-DATA/measurements'],
      ['POST', '/plan/targets/T2-04/revisions'],
    ] as const) {
      it(`refuses ${method} ${url} to an anonymous caller and to a caller of the wrong role`, async () => {
        const anon = await t.app.inject({ method, url, headers: { accept: 'text/html', 'content-type': FORM }, payload: 'period=2018&value=1&source=x' });
        assert.equal(anon.statusCode, 401);
        for (const role of ['member', 'publisher'] as const) {
          const s = await loginAs(t.app, role);
          const res = await postForm(url, { period: '2018', value: '1', source: 'x', targetId: 'T2-04', newValue: '1', effectiveFiscalYear: '2019', reason: 'because' }, s);
          assert.equal(res.statusCode, 403, `${role} was not refused`);
        }
        assert.equal(await measurementCount(t, 'IND-OPEN-DATA'), 0);
      });
    }

    it('shows no staff forms to the public', async () => {
      const res = await get('/plan/indicators/IND-OPEN-DATA');
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /\/measurements"/);
      assert.doesNotMatch(res.body, /\/revisions"/);
    });

    it('draws the indicator chart as labelled SVG followed by a table of the same actuals', async () => {
      const id = 'IND-WOMEN-ENTREPRENEURS';
      const svc = planService(t.app.kabuto);
      await svc.addMeasurement({ id: null, label: 'test', role: 'staff' }, id, { period: 2017, value: 420, source: '産業労働局調べ', asOf: '2018-06-30', provisional: true });
      for (const lang of ['ja', 'en'] as const) {
        const res = await get(`/plan/indicators/${id}?lang=${lang}`);
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /<svg[^>]* role="img" aria-label="[^"]+"/);
        assert.match(res.body, lang === 'ja' ? /<title>都の支援により起業を目指す女性数：実績と目標<\/title>/ : /<title>Number of women aiming to start a business with TMG support: actuals and targets<\/title>/);
        assert.match(res.body, /<table class="chart-table">/);
        const year = lang === 'ja' ? '2017年度（平成29年度）' : 'FY2017';
        assert.match(res.body, new RegExp(`<th scope="row">${year.replace(/[()（）]/g, '.')}</th><td class="num">420`));
      }
      const ja = (await get(`/plan/indicators/${id}?lang=ja`)).body;
      assert.match(ja, /<td>産業労働局調べ<\/td><td>2018\/06\/30<\/td><td>速報値<\/td>/);
      assert.match(ja, /href="\/plan\/annual#AP-19"/);
      assert.match(ja, /見通し/);
    });

    it('says a metric-bound indicator takes its figures from the metric instead of showing the measurement form', async () => {
      const id = 'IND-SME-OVERSEAS';
      await planService(t.app.kabuto).bind(systemActor('test'), id, 'pagetest.cases');
      const page = await get(`/plan/indicators/${id}`, staff.cookie);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /action="\/plan\/indicators\/IND-SME-OVERSEAS\/measurements"/);
      assert.match(page.body, /業務データの指標「pagetest.cases」から自動で集計されます/);
      assert.match(page.body, /<p class="small">テスト用：支援件数<\/p>/);
      assert.match(page.body, /<td>業務データの指標「pagetest.cases」<\/td>/);
      assert.match(page.body, /<td class="num">710<\/td>/, 'the running total of the metric is in the chart table');
      const res = await postForm(`/plan/indicators/${id}/measurements`, { period: '2018', value: '5', source: 'typed anyway' });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /<a href="#measurement-heading">この指標の実績は業務データから自動で集計されるため、手入力できません。<\/a>/);
      assert.equal(await measurementCount(t, id), 0);
    });

    it('shows baselines as context, flagged as estimates, not as a starting level', async () => {
      const res = await get('/plan/indicators/IND-FOREIGN-IOT-ATTRACTION');
      assert.match(res.body, /参考：計画策定前の実績/);
      assert.match(res.body, /2012年度から2016年度までに50社誘致/);
      assert.match(res.body, /<span class="badge">見込み<\/span>/);
      assert.match(res.body, /起点（累計のゼロ）ではありません/);
    });

    it('answers an unknown indicator with the 404 page', async () => {
      const res = await get('/plan/indicators/IND-NOPE');
      assert.equal(res.statusCode, 404);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /ページが見つかりません/);
    });

    it('lists the 36 rows of the annual plan, AP-01 to AP-36, with low-confidence milestones marked', async () => {
      for (const lang of ['ja', 'en'] as const) {
        const res = await get(`/plan/annual?lang=${lang}`);
        assert.equal(res.statusCode, 200);
        const ids = [...res.body.matchAll(/<tr id="(AP-\d\d)"/g)].map((m) => m[1]);
        assert.deepEqual(ids, Array.from({ length: 36 }, (_, i) => `AP-${String(i + 1).padStart(2, '0')}`));
        assert.match(res.body, lang === 'ja' ? /<li class="confidence-low">.*?<span class="inferred-marker">（推定）<\/span>/ : /<li class="confidence-low">.*?<span class="inferred-marker"> \(inferred\)<\/span>/);
        // AP-11 is a low-confidence row: marked as a whole too.
        const ap11 = res.body.slice(res.body.indexOf('<tr id="AP-11"'), res.body.indexOf('</tr>', res.body.indexOf('<tr id="AP-11"')));
        assert.match(ap11, /row-inferred/);
        assert.match(ap11, /confidence-low/);
      }
      const ja = (await get('/plan/annual?lang=ja')).body;
      assert.match(ja, /2016年度まで（見込み）/);
      assert.match(ja, /４年後の到達点/);
      assert.match(ja, /<h2 id="dev-1">政策展開 1：特区制度等活用による国際金融都市の実現・外国企業誘致の加速化<\/h2>/);
    });

    it('puts actuals beside the milestones of the same year in the annual plan', async () => {
      const res = await get('/plan/annual');
      const ap03 = res.body.slice(res.body.indexOf('<tr id="AP-03"'), res.body.indexOf('</tr>', res.body.indexOf('<tr id="AP-03"')));
      // IND-FOREIGN-IOT-ATTRACTION got 12 (FY2017) and 9 (FY2018) through the form above.
      assert.match(ap03, /10社<\/span><\/li><li class="ms-actual"><a href="\/plan\/indicators\/IND-FOREIGN-IOT-ATTRACTION">実績 12社<\/a>/);
      assert.match(ap03, /実績 9社/);
    });

    it('prints the two-year review with one page per target group', async () => {
      const res = await get('/plan/review');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<body class="bare">/);
      assert.equal((res.body.match(/class="print-page/g) ?? []).length, view.groups.length);
      assert.equal(view.groups.length, 3);
      assert.equal((res.body.match(/<article class="review-target"/g) ?? []).length, 18);
      assert.match(res.body, /計画期間２年終了後、取組状況を検証し、目標数値と対応施策を適宜見直す/);
      assert.match(res.body, /計画策定時の目標値/);
    });

    it('notices a measurement written through the API between two page requests (no stale page or chart)', async () => {
      const id = 'IND-SME-SUCCESSION';
      const first = await get('/plan');
      assert.match(card(first.body, id), /実績はまだありません/);
      const chart1 = await get(`/plan/indicators/${id}`);
      const token = await tokenFor(t.app, 'staff');
      const api = await t.app.inject({ method: 'POST', url: `/api/v1/plan/indicators/${id}/measurements`, headers: { authorization: `Bearer ${token}` }, payload: { period: 2017, value: 480, source: 'API test' } });
      assert.equal(api.statusCode, 201, api.body);
      const second = await get('/plan');
      assert.match(card(second.body, id), /累計 480件/);
      const chart2 = await get(`/plan/indicators/${id}`);
      const svg = (html: string) => html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
      assert.notEqual(svg(chart2.body), svg(chart1.body), 'the chart SVG was served from a stale cache');
      assert.match(chart2.body, /<td class="num">480<\/td>/);
    });
  });
}
