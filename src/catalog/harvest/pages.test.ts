/**
 * The staff's harvest pages, on both dialects: who may use them, the add and edit forms (CSRF,
 * re-rendered with messages on bad input, nothing stored), settings the form does not show kept on
 * save, and "run now" starting a real run in its own process (so the database is a file here, which
 * the worker can open), its report, and the refusal while another run holds the source's lease.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, freshDatabase, skipFor, loginAs, csrfFrom, type Session } from '../../../test/helpers.js';
import { buildApp } from '../../app.js';
import { testConfig } from '../../core/config.js';
import { FixedClock, systemClock } from '../../core/clock.js';
import { openDatabase, type DatabaseHandle } from '../../core/db/index.js';
import { systemActor } from '../../core/audit.js';
import { seedReferenceData } from '../seed.js';
import { FakeCkan, ckanPackage } from './testing.js';
import { HarvestSources, parseConfigRow } from './sources.js';
import { harvestStore } from './store.js';
import { harvestLeaseName, newOwner, releaseLease, takeLease } from './lease.js';

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The app on a database a child process can open too (a file for SQLite). */
async function appOnFile(dialect: 'sqlite' | 'postgres'): Promise<{ app: FastifyInstance; handle: DatabaseHandle; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-harvest-pages-'));
  const tdb = dialect === 'sqlite' ? { url: `sqlite:${join(dir, 'kabuto.db')}`, drop: async () => undefined } : await freshDatabase('postgres');
  const handle = openDatabase(tdb.url);
  const clock = new FixedClock(new Date('2019-06-15T03:00:00Z'));
  const app = await buildApp(testConfig({ databaseUrl: tdb.url, dataDir: dir }), { clock, handle });
  await app.ready();
  await seedReferenceData({ db: handle.db, clock });
  return {
    app,
    handle,
    close: async () => {
      await app.close();
      await handle.close();
      await tdb.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`harvest pages [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: Awaited<ReturnType<typeof appOnFile>>;
    let ckan: FakeCkan;
    let staff: Session;
    const sourceRow = (name: string) => harvestStore.source(t.handle.db, name);

    before(async () => {
      t = await appOnFile(dialect);
      ckan = new FakeCkan();
      await ckan.start();
      const base = Date.parse('2019-06-01T00:00:00Z');
      for (let i = 0; i < 3; i++) ckan.put(ckanPackage(i, new Date(base + i * 1000)));
      ckan.put(ckanPackage(3, new Date(base + 3000), { resources: [{ id: 'bad', url: 'javascript:alert(1)', format: 'CSV' }] }));
      staff = await loginAs(t.app, 'staff');
    });
    after(async () => {
      await ckan?.stop();
      await t?.close();
    });

    it('are for staff and administrators only', async () => {
      const anon = await t.app.inject({ url: '/catalog/harvest' });
      assert.equal(anon.statusCode, 303);
      assert.match(String(anon.headers.location), /^\/login/);
      for (const role of ['member', 'publisher'] as const) {
        const s = await loginAs(t.app, role);
        assert.equal((await t.app.inject({ url: '/catalog/harvest', headers: { cookie: s.cookie } })).statusCode, 403, role);
        const post = await t.app.inject({ method: 'POST', url: '/catalog/harvest', headers: { cookie: s.cookie, ...FORM }, payload: form({ _csrf: s.csrf, name: 'x1', kind: 'ckan', url: ckan.url, organization: '131105' }) });
        assert.equal(post.statusCode, 403, role);
      }
      const admin = await loginAs(t.app, 'admin');
      const list = await t.app.inject({ url: '/catalog/harvest', headers: { cookie: admin.cookie } });
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /ハーベスト元はまだありません。/);
    });

    it('adds a source through the form; bad input comes back with messages, what was typed, and nothing stored', async () => {
      const page = await t.app.inject({ url: '/catalog/harvest/new', headers: { cookie: staff.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="post" action="\/catalog\/harvest" class="stack harvest-form" novalidate>/);
      assert.match(page.body, /<option value="daily" selected>毎日<\/option>/);
      const csrf = csrfFrom(page.body);
      const good = { _csrf: csrf, name: 'meguro', title: '目黒区オープンデータ', kind: 'ckan', url: ckan.url, organization: '131105', schedule: 'manual', format: 'auto', pageSize: '2', timeoutSeconds: '10', retries: '1', active: 'yes' };

      const noCsrf = await t.app.inject({ method: 'POST', url: '/catalog/harvest', headers: { cookie: staff.cookie, ...FORM }, payload: form({ ...good, _csrf: '' }) });
      assert.equal(noCsrf.statusCode, 403);

      const bad = await t.app.inject({ method: 'POST', url: '/catalog/harvest', headers: { cookie: staff.cookie, ...FORM }, payload: form({ ...good, name: 'Not Valid', url: 'ftp://example.org/', pageSize: '0' }) });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /<title>エラー：ハーベスト元の追加/);
      assert.match(bad.body, /<a href="#f-name">英小文字・数字・-・_ の 2〜60 文字で、英小文字か数字で始めてください。<\/a>/);
      assert.match(bad.body, /<a href="#f-url">URL は http:\/\/ か https:\/\/ で始めてください。<\/a>/);
      assert.match(bad.body, /<a href="#f-pageSize">1〜1000 の整数を入力してください。<\/a>/);
      assert.match(bad.body, /<input id="f-name" aria-describedby="f-name-hint f-name-error" aria-invalid="true" name="name" type="text" value="Not Valid" autocomplete="off" required\/>/);
      assert.match(bad.body, /<p class="field-error" id="f-url-error">/);
      assert.match(bad.body, /<option value="131105" selected>目黒区<\/option>/, 'the choices made are kept');
      assert.equal(await sourceRow('meguro'), undefined);
      assert.equal(await sourceRow('Not Valid'), undefined);

      const en = await t.app.inject({ method: 'POST', url: '/catalog/harvest?lang=en', headers: { cookie: staff.cookie, ...FORM }, payload: form({ ...good, url: '' }) });
      assert.equal(en.statusCode, 422);
      assert.match(en.body, /<a href="#f-url">Enter a value\.<\/a>/);

      const ok = await t.app.inject({ method: 'POST', url: '/catalog/harvest', headers: { cookie: staff.cookie, ...FORM }, payload: form(good) });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
      assert.equal(ok.headers.location, '/catalog/harvest/meguro?done=saved');
      const row = (await sourceRow('meguro'))!;
      assert.equal(row.title, '目黒区オープンデータ');
      assert.equal(row.org_id, '131105');
      assert.equal(row.schedule, 'manual');
      assert.equal(row.active, 1);
      assert.deepEqual(parseConfigRow(row), { format: 'auto', pageSize: 2, timeoutSeconds: 10, retries: 1, orgMap: {} });
      const shown = await t.app.inject({ url: ok.headers.location, headers: { cookie: staff.cookie } });
      assert.match(shown.body, /<p class="notice" role="status">保存しました。<\/p>/);
      assert.match(shown.body, /まだ実行していません。/);

      const taken = await t.app.inject({ method: 'POST', url: '/catalog/harvest', headers: { cookie: staff.cookie, ...FORM }, payload: form({ ...good, title: 'another' }) });
      assert.equal(taken.statusCode, 422);
      assert.match(taken.body, /この名前は別のハーベスト元が使っています。/);
    });

    it('edits a source, keeping the organization map that only the API sets', async () => {
      const svc = new HarvestSources({ db: t.handle.db, clock: systemClock });
      const user = { id: staff.user.id, email: staff.user.email, role: 'staff', displayName: 'staff', orgId: null, companyId: null } as unknown as Parameters<HarvestSources['list']>[0];
      await svc.update(user, systemActor('test'), 'meguro', { config: { pageSize: 2, timeoutSeconds: 10, retries: 1, orgMap: { 'meguro-city': '131105' } } });
      const page = await t.app.inject({ url: '/catalog/harvest/meguro/edit', headers: { cookie: staff.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>目黒区オープンデータ の設定<\/h1>/);
      assert.match(page.body, /<input id="f-retries" name="retries" type="number" value="1"/);
      const csrf = csrfFrom(page.body);
      const fields = { _csrf: csrf, name: 'meguro', title: '目黒区オープンデータカタログ', kind: 'ckan', url: ckan.url, organization: '131105', schedule: 'weekly', format: 'auto', pageSize: '3', timeoutSeconds: '10', retries: '0' };

      const bad = await t.app.inject({ method: 'POST', url: '/catalog/harvest/meguro/edit', headers: { cookie: staff.cookie, ...FORM }, payload: form({ ...fields, name: 'x', timeoutSeconds: '9999' }) });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /<h1>目黒区オープンデータ の設定<\/h1>/, 'the heading names the source as it is stored');
      assert.match(bad.body, /action="\/catalog\/harvest\/meguro\/edit"/);
      assert.match(bad.body, /<a href="#f-timeoutSeconds">1〜600 の整数を入力してください。<\/a>/);
      assert.equal((await sourceRow('meguro'))!.title, '目黒区オープンデータ');

      const ok = await t.app.inject({ method: 'POST', url: '/catalog/harvest/meguro/edit', headers: { cookie: staff.cookie, ...FORM }, payload: form(fields) });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
      const row = (await sourceRow('meguro'))!;
      assert.equal(row.title, '目黒区オープンデータカタログ');
      assert.equal(row.schedule, 'weekly');
      assert.equal(row.active, 0, 'an unticked box pauses the source');
      assert.deepEqual(parseConfigRow(row), { format: 'auto', pageSize: 3, timeoutSeconds: 10, retries: 0, orgMap: { 'meguro-city': '131105' } });
      const shown = await t.app.inject({ url: '/catalog/harvest/meguro?lang=en', headers: { cookie: staff.cookie } });
      assert.match(shown.body, /<code>meguro-city<\/code> → <code>131105<\/code>/);
      assert.match(shown.body, /<dt>Active<\/dt><dd>No<\/dd>/);
      const list = await t.app.inject({ url: '/catalog/harvest?lang=en', headers: { cookie: staff.cookie } });
      assert.match(list.body, /Weekly<span class="muted small"> \(paused\)<\/span>/);
    });

    it('starts a run from the source page in its own process, shows its report, and refuses a second run while one holds the lease', async () => {
      const page = await t.app.inject({ url: '/catalog/harvest/meguro', headers: { cookie: staff.cookie } });
      const csrf = csrfFrom(page.body);
      const noCsrf = await t.app.inject({ method: 'POST', url: '/catalog/harvest/meguro/run', headers: { cookie: staff.cookie, ...FORM }, payload: form({ full: '1' }) });
      assert.equal(noCsrf.statusCode, 403);
      const start = await t.app.inject({ method: 'POST', url: '/catalog/harvest/meguro/run', headers: { cookie: staff.cookie, ...FORM }, payload: form({ _csrf: csrf, full: '1' }) });
      assert.equal(start.statusCode, 303, start.body.slice(0, 500));
      const m = /^\/catalog\/harvest\/meguro\?done=started&run=(\d+)$/.exec(String(start.headers.location));
      assert.ok(m, String(start.headers.location));
      const runId = Number(m[1]);
      const started = await t.app.inject({ url: String(start.headers.location), headers: { cookie: staff.cookie } });
      assert.match(started.body, new RegExp(`実行を開始しました（実行 ${runId}）。`));

      let run = await harvestStore.run(t.handle.db, runId);
      for (let i = 0; i < 600 && run?.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        run = await harvestStore.run(t.handle.db, runId);
      }
      assert.equal(run?.status, 'partial', JSON.stringify(run));
      assert.equal(run.full, 1);
      assert.equal(run.trigger, 'manual');
      assert.deepEqual([run.added, run.failed], [3, 1]);

      const source = await t.app.inject({ url: '/catalog/harvest/meguro', headers: { cookie: staff.cookie } });
      assert.match(source.body, new RegExp(`<a href="/catalog/harvest/meguro/runs/${runId}"><time`));
      assert.match(source.body, /<td>一部失敗<span class="muted small"> （全件）<\/span><\/td><td>手動<\/td><td class="num">3<\/td>/);
      const report = await t.app.inject({ url: `/catalog/harvest/meguro/runs/${runId}`, headers: { cookie: staff.cookie } });
      assert.equal(report.statusCode, 200);
      assert.match(report.body, /<h2 id="errors-heading">取り込めなかったレコード<\/h2>/);
      assert.match(report.body, /<td>dataset-00003<\/td><td><code>[0-9a-f-]+<\/code><\/td><td lang="en">resources\.0\.url: [^<]+<\/td>/);
      const reportEn = await t.app.inject({ url: `/catalog/harvest/meguro/runs/${runId}?lang=en`, headers: { cookie: staff.cookie } });
      assert.match(reportEn.body, /<dt>Status<\/dt><dd>Partly failed/);
      assert.match(reportEn.body, /Records not brought in/);

      // The harvested dataset's page says where it came from.
      const ds = await t.app.inject({ url: '/dataset/dataset-00001' });
      assert.equal(ds.statusCode, 200);
      assert.match(ds.body, /<dd>目黒区オープンデータカタログ<\/dd>/);
      assert.match(ds.body, new RegExp(`href="${ckan.url}/dataset/dataset-00001"`));
      assert.match(ds.body, /最終収集日時/);

      // Another process holds the source's lease: the page says so and starts nothing.
      const owner = newOwner();
      const lease = harvestLeaseName((await sourceRow('meguro'))!.id);
      assert.ok(await takeLease(t.handle.db, systemClock, lease, owner, 60_000));
      try {
        const busy = await t.app.inject({ method: 'POST', url: '/catalog/harvest/meguro/run', headers: { cookie: staff.cookie, ...FORM }, payload: form({ _csrf: csrf }) });
        assert.equal(busy.statusCode, 303);
        assert.equal(busy.headers.location, '/catalog/harvest/meguro?done=busy');
        const shown = await t.app.inject({ url: busy.headers.location, headers: { cookie: staff.cookie } });
        assert.match(shown.body, /別の実行が進行中のため、開始しませんでした。/);
        assert.match(shown.body, /このハーベスト元は実行中です。/);
      } finally {
        await releaseLease(t.handle.db, lease, owner);
      }
      const runs = await harvestStore.runs(t.handle.db, (await sourceRow('meguro'))!.id, 10);
      assert.equal(runs.length, 1, 'no second run was recorded');
    });

    it('answers 404 for a run of another source, a bad run id and an unknown source', async () => {
      const other = await t.app.inject({ url: '/catalog/harvest/nowhere', headers: { cookie: staff.cookie } });
      assert.equal(other.statusCode, 404);
      assert.equal((await t.app.inject({ url: '/catalog/harvest/meguro/runs/abc', headers: { cookie: staff.cookie } })).statusCode, 404);
      assert.equal((await t.app.inject({ url: '/catalog/harvest/meguro/runs/999999', headers: { cookie: staff.cookie } })).statusCode, 404);
    });
  });
}
