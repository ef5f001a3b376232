import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, loginAs, csrfFrom, type Session, type TestApp } from '../../test/helpers.js';
import { act, catalogApp, counts, dataset, token } from './testing.js';
import { catalogService } from './index.js';
import { harvestStore } from './harvest/store.js';

function form(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer }): { payload: Buffer; contentType: string } {
  const boundary = '----kabutotest' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const dialect of DIALECTS) {
  describe(`catalog pages [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let publisher: Session;
    let member: Session;
    before(async () => {
      t = await catalogApp(dialect);
      publisher = await loginAs(t.app, 'publisher', { orgId: '131105' });
      member = await loginAs(t.app, 'member');
      const staff = await token(t.app, 'staff');
      await act(t.app, 'package_create', dataset('page-one', 'meguro-ku', { title: '区内の保育園一覧', notes: '保育園の所在地と定員です。' }), { token: staff });
      await act(t.app, 'package_create', dataset('page-two', 'tokyo', { title: '都の人口統計' }), { token: staff });
      await act(t.app, 'package_create', dataset('page-private', 'meguro-ku', { title: '非公開', private: true }), { token: staff });
    });
    after(async () => t?.close());

    it('searches with a query, facets, highlights and a result count, in both languages', async () => {
      const ja = await t.app.inject({ url: '/catalog?q=%E4%BF%9D%E8%82%B2%E5%9C%92' });
      assert.equal(ja.statusCode, 200);
      assert.match(ja.body, /<html lang="ja"/);
      assert.match(ja.body, /1 件のデータセット/);
      assert.match(ja.body, /<mark>保育園<\/mark>/);
      assert.match(ja.body, /href="\/dataset\/page-one"/);
      assert.doesNotMatch(ja.body, /page-two/);
      const en = await t.app.inject({ url: '/catalog?lang=en&organization=tokyo' });
      assert.match(en.body, /<html lang="en"/);
      assert.match(en.body, /1 datasets/);
      assert.match(en.body, /name="organization" value="tokyo" checked/);
      assert.match(en.body, /Remove Organization: Tokyo Metropolitan Government/);
      assert.doesNotMatch(en.body, /page-private/);
    });

    it('shows a dataset with resources, licence, organization and history; private ones are 404 to others', async () => {
      const r = await t.app.inject({ url: '/dataset/page-one' });
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /<h1>区内の保育園一覧/);
      assert.match(r.body, /href="https:\/\/example.jp\/data.csv"/);
      assert.match(r.body, /rel="license">クリエイティブ・コモンズ 表示 4.0 国際/);
      assert.match(r.body, /href="\/organization\/meguro-ku">目黒区/);
      assert.match(r.body, /データセットを作成/);
      assert.doesNotMatch(r.body, /@example\.jp/, 'who changed it is not shown to the public');
      assert.equal((await t.app.inject({ url: '/dataset/page-private' })).statusCode, 404);
      assert.equal((await t.app.inject({ url: '/dataset/page-private', headers: { cookie: publisher.cookie } })).statusCode, 200);
      assert.equal((await t.app.inject({ url: '/dataset/no-such' })).statusCode, 404);
    });

    it('shows where a harvested dataset came from, without the harvest extras among the other fields', async () => {
      const db = t.app.kabuto.db;
      const now = t.clock.now().toISOString();
      const sourceId = '7c1e0f52-3a4b-4c8d-9e10-2f3a4b5c6d01';
      await harvestStore.insertSource(db, { id: sourceId, name: 'meguro-ckan', title: '目黒区オープンデータ', kind: 'ckan', url: 'https://data.example.jp', org_id: '131105', schedule: 'daily', config_json: '{}', active: 1, created_at: now, updated_at: now, last_run_id: null, last_run_at: null, last_status: null, high_water: null, last_success_at: null });
      const staffToken = await token(t.app, 'staff');
      const extras = [
        { key: 'frequency', value: '毎月' },
        { key: 'population', value: '290000' },
        { key: 'harvest_source_id', value: sourceId },
        { key: 'harvest_source_title', value: '目黒区（旧名）' },
        { key: 'harvest_remote_id', value: 'remote-0001' },
        { key: 'harvest_url', value: 'https://data.example.jp/dataset/hoikuen' },
      ];
      const created = await act(t.app, 'package_create', dataset('page-harvested', 'meguro-ku', { title: '収集した保育園一覧', extras }), { token: staffToken });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      await harvestStore.upsertObject(db, { source_id: sourceId, remote_id: 'remote-0001', dataset_id: created.body.result.id, remote_name: 'hoikuen', remote_modified: null, content_hash: 'x', state: 'active', last_run_id: 1, updated_at: '2019-06-14T01:30:00.000Z' });

      const ja = await t.app.inject({ url: '/dataset/page-harvested' });
      assert.equal(ja.statusCode, 200);
      const block = /<section aria-labelledby="harvest-origin-heading"[\s\S]*?<\/section>/.exec(ja.body)?.[0] ?? '';
      assert.match(block, /<h3 id="harvest-origin-heading">収集元<\/h3>/);
      assert.match(block, /<dd>目黒区オープンデータ<\/dd>/, "the source's current title, not linked for the public (its page is staff's)");
      assert.match(block, /href="https:\/\/data\.example\.jp\/dataset\/hoikuen"/);
      assert.match(block, /最終収集日時[\s\S]*<time datetime="2019-06-14T01:30:00.000Z">2019\/06\/14 10:30<\/time>/, 'in Japan time');
      const table = /<table class="metadata">[\s\S]*?<\/table>/.exec(ja.body)?.[0] ?? '';
      assert.match(table, /population/, 'other extras stay in the table');
      assert.doesNotMatch(table, /harvest_|remote-0001/);
      const api = (await act(t.app, 'package_show', { id: 'page-harvested' })).body.result;
      assert.deepEqual(api.extras.map((e: { key: string }) => e.key).sort(), ['frequency', 'harvest_remote_id', 'harvest_source_id', 'harvest_source_title', 'harvest_url', 'population'], 'the API keeps them, as CKAN does');

      const staff = await loginAs(t.app, 'staff');
      const en = await t.app.inject({ url: '/dataset/page-harvested?lang=en', headers: { cookie: staff.cookie } });
      assert.match(en.body, /<h3 id="harvest-origin-heading">Harvested from<\/h3>/);
      assert.match(en.body, /Last harvested/);
      assert.match(en.body, /<a href="\/catalog\/harvest\/meguro-ckan">目黒区オープンデータ<\/a>/, 'staff follow the title to the source page');

      const plain = await t.app.inject({ url: '/dataset/page-one' });
      assert.doesNotMatch(plain.body, /harvest-origin/, 'a dataset not harvested has no such block');

      // The source is removed (its datasets stay): the title recorded on the dataset, no time.
      await harvestStore.deleteSource(db, sourceId);
      const gone = await t.app.inject({ url: '/dataset/page-harvested', headers: { cookie: staff.cookie } });
      assert.match(gone.body, /<dd>目黒区（旧名）<\/dd>/);
      assert.doesNotMatch(gone.body, /最終収集日時/);
      assert.doesNotMatch(gone.body, /\/catalog\/harvest\//);
    });

    it('lists organizations and shows organization and category pages', async () => {
      const list = await t.app.inject({ url: '/catalog/organizations?lang=en' });
      assert.match(list.body, /Hinohara-mura/);
      assert.match(list.body, /href="\/organization\/meguro-ku">Meguro-ku/);
      const org = await t.app.inject({ url: '/organization/meguro-ku' });
      assert.equal(org.statusCode, 200);
      assert.match(org.body, /目黒区 のデータセット/);
      assert.match(org.body, /131105/);
      assert.match(org.body, /page-one/);
      assert.doesNotMatch(org.body, /page-two/);
      const byId = await t.app.inject({ url: '/organization/131105' });
      assert.equal(byId.statusCode, 301);
      const group = await t.app.inject({ url: '/group/town-planning' });
      assert.match(group.body, /page-one/);
      assert.equal((await t.app.inject({ url: '/organization/nowhere' })).statusCode, 404);
    });

    it('organization and category pages show their counts and lead to the search filtered by them; categories are listed with counts', async () => {
      const org = await t.app.inject({ url: '/organization/meguro-ku' });
      const orgCount = Number(/<strong>(\d+) 件のデータセット<\/strong>/.exec(org.body)?.[1]);
      const expected = (await act(t.app, 'package_search', { fq: 'organization:meguro-ku', rows: 0 }, { method: 'GET' })).body.result.count;
      assert.equal(orgCount, expected, 'the count of public datasets, as package_search counts them');
      assert.match(org.body, /<a href="\/catalog\?organization=meguro-ku">カタログの検索でこの組織に絞り込む<\/a>/);
      const filtered = await t.app.inject({ url: '/catalog?organization=meguro-ku' });
      assert.match(filtered.body, new RegExp(`<strong>${orgCount} 件のデータセット</strong>`), 'the search finds as many');

      const group = await t.app.inject({ url: '/group/town-planning?lang=en' });
      assert.match(group.body, /<strong>\d+ datasets<\/strong>/);
      assert.match(group.body, /<a href="\/catalog\?groups=town-planning">Search the catalog filtered by this category<\/a>/);

      const groups = await t.app.inject({ url: '/catalog/groups' });
      assert.equal(groups.statusCode, 200);
      const row = /<a href="\/group\/town-planning">([^<]+)<\/a><\/td><td class="num">(\d+)<\/td>/.exec(groups.body);
      assert.ok(row, 'the category is listed with its count');
      const inGroup = (await act(t.app, 'package_search', { fq: 'groups:town-planning', rows: 0 }, { method: 'GET' })).body.result.count;
      assert.equal(Number(row[2]), inGroup);
      assert.match(groups.body, /href="\/group\/health-welfare"/, 'categories without datasets are listed too');

      const search = await t.app.inject({ url: '/catalog' });
      assert.match(search.body, /href="\/catalog\/groups"/);
      assert.doesNotMatch(search.body, /href="\/catalog\/harvest"/, 'the harvest pages are linked for staff only');
      const staff = await loginAs(t.app, 'staff');
      assert.match((await t.app.inject({ url: '/catalog', headers: { cookie: staff.cookie } })).body, /href="\/catalog\/harvest"/);
    });

    it('refuses the forms to anonymous callers (sign-in) and members (403)', async () => {
      const anon = await t.app.inject({ url: '/dataset/new' });
      assert.equal(anon.statusCode, 303);
      assert.match(String(anon.headers.location), /^\/login/);
      const m = await t.app.inject({ url: '/dataset/new', headers: { cookie: member.cookie } });
      assert.equal(m.statusCode, 403);
      const post = await t.app.inject({ method: 'POST', url: '/dataset/page-one/delete', headers: { cookie: member.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: member.csrf }) });
      assert.equal(post.statusCode, 403);
    });

    it('creates a dataset through the form, re-rendering it with messages on errors and storing nothing', async () => {
      const page = await t.app.inject({ url: '/dataset/new', headers: { cookie: publisher.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<option value="131105" selected>目黒区<\/option>/);
      assert.doesNotMatch(page.body, /value="130001"/, 'a publisher chooses only its own organization');
      const csrf = csrfFrom(page.body);
      const before = await counts(t.app);
      const bad = await t.app.inject({
        method: 'POST',
        url: '/dataset/new',
        headers: { cookie: publisher.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: csrf, title: '新しい', name: 'Bad Name', owner_org: '131105', license_id: 'cc-by-4.0', author_email: 'nope', tag_string: 'x' }),
      });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /URL名は半角の小文字英数字と - _ だけで入力してください。/);
      assert.match(bad.body, /メールアドレスの形式で入力してください。/);
      assert.match(bad.body, /タグ「x」は 2 文字以上にしてください。/);
      assert.match(bad.body, /value="Bad Name"/, 'what was typed is kept');
      assert.match(bad.body, /<a href="#f-name">URL名は/, 'the summary links to the field');
      assert.match(bad.body, /<input id="f-name" aria-describedby="f-name-hint f-name-error" aria-invalid="true" name="name"/, 'the field is marked invalid and described by its hint and problem');
      assert.match(bad.body, /<p class="field-error" id="f-author_email-error">メールアドレスの形式で入力してください。<\/p>/);
      assert.match(bad.body, /<input type="hidden" name="_csrf"/);
      assert.deepEqual(await counts(t.app), before);
      const noCsrf = await t.app.inject({ method: 'POST', url: '/dataset/new', headers: { cookie: publisher.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ title: 'x', name: 'no-csrf', owner_org: '131105' }) });
      assert.equal(noCsrf.statusCode, 403);
      const ok = await t.app.inject({
        method: 'POST',
        url: '/dataset/new',
        headers: { cookie: publisher.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: csrf, title: '目黒区のAED設置場所', name: 'meguro-aed', owner_org: '131105', license_id: 'cc-by-4.0', groups: ['health-welfare', 'disaster-prevention'], tag_string: 'AED, 防災', frequency: '随時', state: 'active' }),
      });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
      assert.equal(ok.headers.location, '/dataset/meguro-aed?saved=1');
      const p = (await act(t.app, 'package_show', { id: 'meguro-aed' })).body.result;
      assert.deepEqual(p.tags.map((x: { name: string }) => x.name), ['AED', '防災']);
      assert.deepEqual(p.groups.map((g: { name: string }) => g.name).sort(), ['disaster-prevention', 'health-welfare']);
      assert.deepEqual(p.extras, [{ key: 'frequency', value: '随時' }]);
      const en = await t.app.inject({ method: 'POST', url: '/dataset/new?lang=en', headers: { cookie: publisher.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrf, title: 'x', name: 'meguro-aed', owner_org: '131105' }) });
      assert.match(en.body, /This URL name is already in use\./);
    });

    it('edits a dataset (rename keeps the old URL) and deletes it', async () => {
      const edit = await t.app.inject({ url: '/dataset/meguro-aed/edit', headers: { cookie: publisher.cookie } });
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /value="AED, 防災"/);
      const csrf = csrfFrom(edit.body);
      const r = await t.app.inject({
        method: 'POST',
        url: '/dataset/meguro-aed/edit',
        headers: { cookie: publisher.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: csrf, title: '目黒区のAED', name: 'meguro-aed-locations', owner_org: '131105', license_id: 'cc-by-4.0', tag_string: 'AED', frequency: '' }),
      });
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/dataset/meguro-aed-locations?saved=1');
      const p = (await act(t.app, 'package_show', { id: 'meguro-aed' })).body.result;
      assert.equal(p.name, 'meguro-aed-locations');
      assert.deepEqual(p.groups, [], 'unticked categories are removed');
      assert.deepEqual(p.extras, []);
      const old = await t.app.inject({ url: '/dataset/meguro-aed/edit', headers: { cookie: publisher.cookie } });
      assert.equal(old.statusCode, 301);
      assert.equal(old.headers.location, '/dataset/meguro-aed-locations/edit');
      const other = await loginAs(t.app, 'publisher', { orgId: '130001' });
      assert.equal((await t.app.inject({ url: '/dataset/meguro-aed-locations/edit', headers: { cookie: other.cookie } })).statusCode, 403);
      const del = await t.app.inject({ method: 'POST', url: '/dataset/meguro-aed-locations/delete', headers: { cookie: publisher.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrf }) });
      assert.equal(del.statusCode, 303);
      assert.equal((await t.app.inject({ url: '/dataset/meguro-aed-locations' })).statusCode, 404);
    });

    it('uploads a file through the resource form, checks its content, serves it as a download and replaces it', async () => {
      const page = await t.app.inject({ url: '/dataset/page-one/resource/new', headers: { cookie: publisher.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /enctype="multipart\/form-data"/);
      const csrf = csrfFrom(page.body);
      const post = (fields: Record<string, string>, file?: { name: string; bytes: Buffer }, url = '/dataset/page-one/resource/new') => {
        const m = multipart({ _csrf: csrf, ...fields }, file);
        return t.app.inject({ method: 'POST', url, headers: { cookie: publisher.cookie, 'content-type': m.contentType }, payload: m.payload });
      };
      const pdfAsCsv = await post({ name: '偽のCSV', format: 'CSV' }, { name: 'data.csv', bytes: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n') });
      assert.equal(pdfAsCsv.statusCode, 422);
      assert.match(pdfAsCsv.body, /ファイルの中身は PDF で、CSV ではありません。/);
      const exe = await post({ name: '実行ファイル' }, { name: 'tool.csv', bytes: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0)]) });
      assert.equal(exe.statusCode, 422);
      const none = await post({ name: '空' });
      assert.equal(none.statusCode, 422);
      assert.match(none.body, /URL を入力するか、ファイルを選んでください。/);

      const csv = Buffer.from('施設名,定員\n目黒保育園,60\n', 'utf8');
      const ok = await post({ name: '定員一覧', description: '2024年4月' }, { name: '定員.csv', bytes: csv });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
      const p = (await act(t.app, 'package_show', { id: 'page-one' })).body.result;
      const res = p.resources.find((x: { name: string }) => x.name === '定員一覧');
      assert.equal(res.url_type, 'upload');
      assert.equal(res.format, 'CSV');
      assert.equal(res.mimetype, 'text/csv');
      assert.equal(res.size, csv.length);
      const path = new URL(res.url).pathname;
      assert.match(path, new RegExp(`^/dataset/${p.id}/resource/${res.id}/download/`));
      const dl = await t.app.inject({ url: path });
      assert.equal(dl.statusCode, 200);
      assert.equal(dl.rawPayload.toString('utf8'), csv.toString('utf8'));
      assert.match(String(dl.headers['content-disposition']), /^attachment;/);
      assert.equal(dl.headers['x-content-type-options'], 'nosniff');

      const edit = `/dataset/page-one/resource/${res.id}/edit`;
      const keyOf = async () => (await t.app.kabuto.db.selectFrom('catalog_resources').select('upload_key').where('id', '=', res.id).executeTakeFirstOrThrow()).upload_key!;
      const uploads = catalogService(t.app.kabuto).uploads;
      const oldKey = await keyOf();
      assert.ok(await uploads.exists(oldKey));
      const replaced = await post({ name: '定員一覧', description: '2025年4月' }, { name: 'teiin.csv', bytes: Buffer.from('a,b\n1,2\n') }, edit);
      assert.equal(replaced.statusCode, 303);
      assert.notEqual(await keyOf(), oldKey);
      assert.equal(await uploads.exists(oldKey), false, 'the replaced file is gone from the disk');
      const kept = await post({ name: '定員', description: '' }, undefined, edit);
      assert.equal(kept.statusCode, 303, 'an edit without a new file keeps the stored one');
      const after = (await act(t.app, 'package_show', { id: 'page-one' })).body.result.resources.find((x: { id: string }) => x.id === res.id);
      assert.equal(after.name, '定員');
      assert.equal(after.url_type, 'upload');
      assert.equal((await t.app.inject({ url: new URL(after.url).pathname })).rawPayload.toString(), 'a,b\n1,2\n');
    });

    it('takes an upload through the CKAN API too (multipart resource_create)', async () => {
      const staff = await token(t.app, 'staff');
      const m = multipart({ package_id: 'page-two', name: 'API経由', format: 'JSON' }, { name: 'data.json', bytes: Buffer.from('{"a": [1, 2]}') });
      const r = await t.app.inject({ method: 'POST', url: '/api/3/action/resource_create', headers: { authorization: staff, 'content-type': m.contentType }, payload: m.payload });
      assert.equal(r.statusCode, 200, r.body);
      const res = JSON.parse(r.body).result;
      assert.equal(res.url_type, 'upload');
      assert.equal(res.format, 'JSON');
      const bad = multipart({ package_id: 'page-two', name: 'bad', format: 'XLSX' }, { name: 'data.xlsx', bytes: Buffer.from('just text') });
      const rb = await t.app.inject({ method: 'POST', url: '/api/3/action/resource_create', headers: { authorization: staff, 'content-type': bad.contentType }, payload: bad.payload });
      assert.equal(rb.statusCode, 409);
      assert.deepEqual(JSON.parse(rb.body).error.upload, ["The file's content is TXT, not XLSX"]);
    });
  });
}
