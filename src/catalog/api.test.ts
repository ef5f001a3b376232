import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, type TestApp } from '../../test/helpers.js';
import { act, catalogApp, counts, dataset, token, type TokenHeader } from './testing.js';

for (const dialect of DIALECTS) {
  describe(`CKAN Action API [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let admin: string;
    let staff: string;
    let tmgPublisher: string;
    let meguroPublisher: string;
    let member: string;
    before(async () => {
      t = await catalogApp(dialect);
      admin = await token(t.app, 'admin');
      staff = await token(t.app, 'staff');
      tmgPublisher = await token(t.app, 'publisher', '130001');
      meguroPublisher = await token(t.app, 'publisher', '131105');
      member = await token(t.app, 'member');
    });
    after(async () => t?.close());

    it('creates a dataset with each token header form and answers in the CKAN envelope', async () => {
      const forms: TokenHeader[] = ['authorization', 'bearer', 'x-ckan-api-key'];
      for (const header of forms) {
        const name = `header-${header}`;
        const r = await act(t.app, 'package_create', dataset(name), { token: tmgPublisher, header });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.success, true);
        assert.match(r.body.help, /\/api\/3\/action\/help_show\?name=package_create$/);
        const p = r.body.result;
        assert.equal(p.name, name);
        assert.equal(p.owner_org, '130001');
        assert.equal(p.organization.name, 'tokyo');
        assert.equal(p.state, 'active');
        assert.equal(p.private, false);
        assert.equal(p.type, 'dataset');
        assert.equal(p.isopen, true);
        assert.equal(p.license_title, 'クリエイティブ・コモンズ 表示 4.0 国際');
        assert.deepEqual(p.tags.map((x: { name: string }) => x.name), ['テスト', 'open-data']);
        assert.deepEqual(p.extras, [{ key: 'frequency', value: '毎月' }]);
        assert.deepEqual(p.groups.map((g: { name: string }) => g.name), ['town-planning']);
        assert.equal(p.num_resources, 1);
        assert.equal(p.resources[0].format, 'CSV');
        assert.equal(p.resources[0].position, 0);
        assert.equal(p.resources[0].package_id, p.id);
        assert.match(p.metadata_created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
      }
      const r = await act(t.app, 'package_create', dataset('header-prefix'), { token: tmgPublisher, prefix: '/api/action' });
      assert.equal(r.status, 200);
      assert.match(r.body.help, /\/api\/action\/help_show\?name=package_create$/);
    });

    it('reads: package_show by id and name, package_list, current_package_list_with_resources, GET and POST', async () => {
      const created = (await act(t.app, 'package_create', dataset('reads-one'), { token: staff })).body.result;
      for (const method of ['GET', 'POST'] as const) {
        const byId = await act(t.app, 'package_show', { id: created.id }, { method });
        assert.equal(byId.status, 200);
        assert.equal(byId.body.result.name, 'reads-one');
        const byName = await act(t.app, 'package_show', { id: 'reads-one' }, { method });
        assert.equal(byName.body.result.id, created.id);
      }
      const list = await act(t.app, 'package_list', {}, { method: 'GET' });
      assert.ok(list.body.result.includes('reads-one'));
      assert.deepEqual(list.body.result, [...list.body.result].sort());
      const page = await act(t.app, 'package_list', { limit: 1, offset: 1 }, { method: 'GET' });
      assert.deepEqual(page.body.result, [list.body.result[1]]);
      const cur = await act(t.app, 'current_package_list_with_resources', { limit: 2 }, { method: 'GET' });
      assert.equal(cur.status, 200);
      assert.equal(cur.body.result.length, 2);
      assert.ok(cur.body.result[0].metadata_modified >= cur.body.result[1].metadata_modified);
      assert.ok(Array.isArray(cur.body.result[0].resources));
    });

    it('reads: organizations, groups, tags, licences, resources, status and help', async () => {
      const orgs = await act(t.app, 'organization_list', {}, { method: 'GET' });
      assert.equal(orgs.body.result.length, 1 + 24 + 62, 'the TMG, its 24 bureaus and 62 municipalities');
      assert.ok(orgs.body.result.includes('meguro-ku') && orgs.body.result.includes('tokyo') && orgs.body.result.includes('tokyo-sangyorodo'));
      const full = await act(t.app, 'organization_list', { all_fields: 'true', sort: 'package_count desc' }, { method: 'GET' });
      assert.equal(full.body.result.length, 25, 'all_fields pages at 25 as CKAN does');
      assert.equal(full.body.result[0].name, 'tokyo');
      assert.ok(full.body.result[0].package_count >= 5);
      assert.equal(full.body.result[0].is_organization, true);

      const org = await act(t.app, 'organization_show', { id: 'meguro-ku', include_datasets: 'true' }, { method: 'GET' });
      assert.equal(org.body.result.id, '131105');
      assert.equal(org.body.result.title, '目黒区');
      assert.deepEqual(org.body.result.title_translated, { ja: '目黒区', en: 'Meguro-ku' });
      assert.deepEqual(org.body.result.packages, []);
      assert.ok(org.body.result.extras.some((e: { key: string; value: string }) => e.key === 'lg_code' && e.value === '131105'));
      const tmg = await act(t.app, 'organization_show', { id: '130001', include_datasets: true });
      assert.ok(tmg.body.result.packages.length > 0 && tmg.body.result.packages.length <= 10);
      assert.equal((await act(t.app, 'organization_show', { id: 'no-such-org' })).status, 404);

      const groups = await act(t.app, 'group_list', {}, { method: 'GET' });
      assert.ok(groups.body.result.includes('town-planning') && groups.body.result.includes('disaster-prevention'));
      const g = await act(t.app, 'group_show', { id: 'town-planning', include_datasets: true }, { method: 'GET' });
      assert.equal(g.body.result.title, 'まちづくり');
      assert.ok(g.body.result.package_count >= 1);
      assert.ok(g.body.result.packages.length >= 1);

      const tags = await act(t.app, 'tag_list', {}, { method: 'GET' });
      assert.ok(tags.body.result.includes('テスト'));
      const someTags = await act(t.app, 'tag_list', { query: 'open', all_fields: true }, { method: 'GET' });
      assert.deepEqual(someTags.body.result.map((x: { name: string }) => x.name), ['open-data']);

      const lic = await act(t.app, 'license_list', {}, { method: 'GET' });
      const ids = lic.body.result.map((l: { id: string }) => l.id);
      for (const id of ['cc-by-4.0', 'cc-by-2.1-jp', 'gov-std-2.0', 'cc-zero', 'pdl-1.0', 'odc-by', 'other']) assert.ok(ids.includes(id), id);
      assert.equal(lic.body.result.find((l: { id: string }) => l.id === 'gov-std-2.0').compatible_with, 'cc-by-4.0');

      const pkg = (await act(t.app, 'package_show', { id: 'reads-one' })).body.result;
      const res = await act(t.app, 'resource_show', { id: pkg.resources[0].id }, { method: 'GET' });
      assert.equal(res.body.result.url, 'https://example.jp/data.csv');
      const rs = await act(t.app, 'resource_search', { query: 'url:EXAMPLE.jp/data' }, { method: 'GET' });
      assert.ok(rs.body.result.count >= 1);
      assert.ok(rs.body.result.results.every((r: { url: string }) => r.url.includes('example.jp/data')));
      const rsBad = await act(t.app, 'resource_search', { query: 'secret:x' });
      assert.equal(rsBad.status, 409);
      assert.match(String((rsBad.body.error!.query as string[])[0]), /not recognised/);

      const status = await act(t.app, 'status_show', {}, { method: 'GET' });
      assert.equal(status.body.result.locale_default, 'ja');
      const help = await act(t.app, 'help_show', { name: 'package_search' }, { method: 'GET' });
      assert.match(help.body.result, /rows/);
    });

    it('refuses writes to anonymous callers, members, a publisher of another organization and a bad token (403, nothing stored)', async () => {
      const before = await counts(t.app);
      const cases: [string | undefined, string][] = [
        [undefined, 'anonymous'],
        [member, 'member'],
        [meguroPublisher, 'Meguro publisher into the TMG'],
        ['kbt_not-a-real-token', 'unknown token'],
      ];
      for (const [tok, who] of cases) {
        const r = await act(t.app, 'package_create', dataset(`refused-${who.replace(/\W+/g, '-').toLowerCase()}`), { token: tok });
        assert.equal(r.status, 403, `${who}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.success, false);
        assert.equal(r.body.error!.__type, 'Authorization Error');
      }
      const existing = (await act(t.app, 'package_show', { id: 'reads-one' })).body.result;
      for (const [action, data] of [
        ['package_update', { ...dataset('reads-one'), id: existing.id }],
        ['package_patch', { id: existing.id, title: 'x' }],
        ['package_delete', { id: existing.id }],
        ['resource_create', { package_id: existing.id, url: 'https://example.jp/x.csv' }],
        ['resource_patch', { id: existing.resources[0].id, name: 'x' }],
        ['resource_delete', { id: existing.resources[0].id }],
      ] as const) {
        for (const tok of [undefined, meguroPublisher, member]) {
          const r = await act(t.app, action, data, { token: tok });
          assert.equal(r.status, 403, `${action} ${tok ? 'wrong publisher/member' : 'anonymous'}: ${JSON.stringify(r.body)}`);
        }
      }
      for (const tok of [undefined, staff, tmgPublisher]) {
        const r = await act(t.app, 'organization_create', { name: 'new-org', title: '新しい組織' }, { token: tok });
        assert.equal(r.status, 403);
      }
      assert.deepEqual(await counts(t.app), before);
    });

    it('lets a publisher edit only its own organization, and refuses moving a dataset away', async () => {
      const mine = (await act(t.app, 'package_create', dataset('meguro-own', 'meguro-ku'), { token: meguroPublisher })).body.result;
      assert.equal(mine.owner_org, '131105');
      const patched = await act(t.app, 'package_patch', { id: mine.id, title: '目黒区のデータ' }, { token: meguroPublisher });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.result.title, '目黒区のデータ');
      const move = await act(t.app, 'package_patch', { id: mine.id, owner_org: 'tokyo' }, { token: meguroPublisher });
      assert.equal(move.status, 403);
      const byStaff = await act(t.app, 'package_patch', { id: mine.id, owner_org: 'tokyo' }, { token: staff });
      assert.equal(byStaff.status, 200);
      assert.equal(byStaff.body.result.owner_org, '130001');
      assert.equal((await act(t.app, 'package_patch', { id: mine.id, title: 'x' }, { token: meguroPublisher })).status, 403);
    });

    it('answers validation errors per field, as CKAN does, and stores nothing', async () => {
      const before = await counts(t.app);
      const bad = await act(
        t.app,
        'package_create',
        {
          name: 'Bad Name!',
          title: 'x'.repeat(1001),
          owner_org: 'no-such-org',
          license_id: 'proprietary',
          author_email: 'not-an-email',
          notes: 42,
          tags: [{ name: 'a' }],
          extras: [{ key: 'name', value: 'x' }],
          groups: [{ name: 'no-such-group' }],
          resources: [{ url: 'https://example.jp/ok.csv' }, { url: 'javascript:alert(1)', size: 'big' }],
        },
        { token: admin },
      );
      assert.equal(bad.status, 409);
      assert.equal(bad.body.success, false);
      const e = bad.body.error!;
      assert.equal(e.__type, 'Validation Error');
      assert.deepEqual(e.name, ['Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_']);
      assert.deepEqual(e.title, ['Must be a maximum of 1000 characters long']);
      assert.deepEqual(e.owner_org, ['Organization does not exist']);
      assert.deepEqual(e.license_id, ['License not found: proprietary']);
      assert.deepEqual(e.author_email, ['Email not-an-email is not a valid format']);
      assert.deepEqual(e.notes, ['Must be a string']);
      assert.deepEqual(e.tags, [{ name: ['Tag "a" length is less than minimum 2'] }]);
      assert.deepEqual(e.extras, [{ key: ['There is a schema field with the same name'] }]);
      assert.ok(Array.isArray(e.groups));
      assert.deepEqual((e.resources as unknown[])[0], {});
      assert.deepEqual((e.resources as Record<string, string[]>[])[1]!.url, ['The URL must start with http://, https:// or ftp://']);
      assert.deepEqual((e.resources as Record<string, string[]>[])[1]!.size, ['Invalid integer']);

      for (const [data, field, message] of [
        [{ ...dataset('x') }, 'name', 'Must be at least 2 characters long'],
        [{ ...dataset('n'.repeat(101)) }, 'name', 'Name must be a maximum of 100 characters long'],
        [{ ...dataset('new') }, 'name', 'That name cannot be used'],
        [{ ...dataset('reads-one') }, 'name', 'That URL is already in use.'],
        [{ ...dataset('no-org'), owner_org: undefined }, 'owner_org', 'An organization must be provided'],
        [{ ...dataset('dup-extras'), extras: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }, 'extras_validation', 'Duplicate key "a"'],
      ] as const) {
        const r = await act(t.app, 'package_create', data, { token: admin });
        assert.equal(r.status, 409, JSON.stringify(r.body));
        assert.deepEqual(r.body.error![field], [message], `${field}: ${JSON.stringify(r.body.error)}`);
      }
      const missing = await act(t.app, 'package_create', {}, { token: admin });
      assert.deepEqual(missing.body.error!.name, ['Missing value']);
      assert.deepEqual(await counts(t.app), before, 'a refused write stores nothing');
    });

    it('renames a dataset and keeps its old name working in package_show and on the page', async () => {
      const p = (await act(t.app, 'package_create', dataset('old-name'), { token: staff })).body.result;
      const renamed = await act(t.app, 'package_patch', { id: p.id, name: 'new-name' }, { token: staff });
      assert.equal(renamed.body.result.name, 'new-name');
      const old = await act(t.app, 'package_show', { id: 'old-name' }, { method: 'GET' });
      assert.equal(old.status, 200);
      assert.equal(old.body.result.id, p.id);
      assert.equal(old.body.result.name, 'new-name');
      const page = await t.app.inject({ url: '/dataset/old-name' });
      assert.equal(page.statusCode, 301);
      assert.equal(page.headers.location, '/dataset/new-name');
      // A new dataset may take the old name; the old URL then means the new dataset.
      const taker = await act(t.app, 'package_create', dataset('old-name'), { token: staff });
      assert.equal(taker.status, 200);
      assert.equal((await act(t.app, 'package_show', { id: 'old-name' })).body.result.id, taker.body.result.id);
    });

    it('records activities and audit entries for every change', async () => {
      const p = (await act(t.app, 'package_create', dataset('activity-one'), { token: staff })).body.result;
      await act(t.app, 'package_patch', { id: p.id, notes: '更新しました' }, { token: staff });
      await act(t.app, 'resource_create', { package_id: p.id, url: 'https://example.jp/second.json', name: '二つ目' }, { token: staff });
      await act(t.app, 'package_delete', { id: p.id }, { token: staff });
      const rows = await t.app.kabuto.db.selectFrom('catalog_activities').selectAll().where('object_id', '=', p.id).orderBy('id').execute();
      assert.deepEqual(rows.map((r) => r.activity_type), ['new package', 'changed package', 'changed package', 'deleted package']);
      assert.deepEqual(JSON.parse(rows[1]!.diff_json).notes, ['東京都のオープンデータ', '更新しました']);
      const audits = await t.app.kabuto.db.selectFrom('audit_log').select('action').where('entity_id', '=', p.id).orderBy('id').execute();
      assert.deepEqual(audits.map((a) => a.action), ['catalog.package.create', 'catalog.package.update', 'catalog.package.update', 'catalog.package.delete']);
      // A deleted dataset is gone for readers and stays for its editors.
      assert.equal((await act(t.app, 'package_show', { id: p.id })).status, 403);
      const forStaff = await act(t.app, 'package_show', { id: p.id }, { token: staff });
      assert.equal(forStaff.body.result.state, 'deleted');
      assert.ok(!(await act(t.app, 'package_list', {})).body.result.includes('activity-one'));
    });

    it('package_update clears what it is not given but keeps resources and groups; a write that changes nothing is not recorded', async () => {
      const created = (await act(t.app, 'package_create', dataset('update-rules-2', 'tokyo', { author: '産業労働局' }), { token: staff })).body.result;
      const u = await act(t.app, 'package_update', { id: created.id, title: '新しい題名', owner_org: 'tokyo' }, { token: staff });
      assert.equal(u.status, 200);
      assert.equal(u.body.result.title, '新しい題名');
      assert.equal(u.body.result.author, null);
      assert.deepEqual(u.body.result.tags, []);
      assert.equal(u.body.result.resources.length, 1);
      assert.equal(u.body.result.groups.length, 1);
      const n = await t.app.kabuto.db.selectFrom('catalog_activities').select((eb) => eb.fn.countAll<number>().as('n')).where('object_id', '=', created.id).executeTakeFirstOrThrow();
      const again = await act(t.app, 'package_patch', { id: created.id, title: '新しい題名' }, { token: staff });
      assert.equal(again.status, 200);
      const m = await t.app.kabuto.db.selectFrom('catalog_activities').select((eb) => eb.fn.countAll<number>().as('n')).where('object_id', '=', created.id).executeTakeFirstOrThrow();
      assert.equal(Number(m.n), Number(n.n), 'an unchanged patch writes no activity');
    });

    it('resource_create, resource_update, resource_patch and resource_delete', async () => {
      const p = (await act(t.app, 'package_create', dataset('resources-one'), { token: tmgPublisher })).body.result;
      const c = await act(t.app, 'resource_create', { package_id: 'resources-one', url: 'https://example.jp/b.json', name: 'B' }, { token: tmgPublisher });
      assert.equal(c.status, 200, JSON.stringify(c.body));
      assert.equal(c.body.result.format, 'JSON', 'the format is guessed from the URL');
      assert.equal(c.body.result.position, 1);
      const up = await act(t.app, 'resource_update', { id: c.body.result.id, url: 'https://example.jp/c.csv' }, { token: tmgPublisher });
      assert.equal(up.body.result.url, 'https://example.jp/c.csv');
      assert.equal(up.body.result.name, null, 'resource_update clears what it is not given');
      const pa = await act(t.app, 'resource_patch', { id: c.body.result.id, name: 'C', description: '説明' }, { token: tmgPublisher });
      assert.equal(pa.body.result.url, 'https://example.jp/c.csv');
      assert.equal(pa.body.result.name, 'C');
      const del = await act(t.app, 'resource_delete', { id: p.resources[0].id }, { token: tmgPublisher });
      assert.equal(del.status, 200);
      assert.equal(del.body.result, null);
      const after = (await act(t.app, 'package_show', { id: p.id })).body.result;
      assert.deepEqual(after.resources.map((r: { name: string }) => r.name), ['C']);
      assert.equal(after.resources[0].position, 0);
      assert.equal((await act(t.app, 'resource_show', { id: p.resources[0].id })).status, 404);
      assert.equal((await act(t.app, 'resource_create', { package_id: 'no-such-dataset', url: 'https://x.jp' }, { token: admin })).status, 404);
    });

    it('organization_create and organization_update (administrators); a renamed organization keeps its datasets', async () => {
      const c = await act(t.app, 'organization_create', { name: 'tokyo-digital', title: 'デジタルサービス局', title_en: 'Bureau of Digital Services', kind: 'bureau' }, { token: admin });
      assert.equal(c.status, 200, JSON.stringify(c.body));
      assert.equal(c.body.result.name, 'tokyo-digital');
      const dup = await act(t.app, 'organization_create', { name: 'tokyo-digital' }, { token: admin });
      assert.deepEqual(dup.body.error!.name, ['Group name already exists in database']);
      const pkg = await act(t.app, 'package_create', dataset('digital-one', 'tokyo-digital'), { token: admin });
      assert.equal(pkg.status, 200);
      const u = await act(t.app, 'organization_patch', { id: 'tokyo-digital', name: 'tokyo-dx' }, { token: admin });
      assert.equal(u.body.result.name, 'tokyo-dx');
      assert.equal((await act(t.app, 'package_show', { id: 'digital-one' })).body.result.organization.name, 'tokyo-dx');
      const acts = await t.app.kabuto.db.selectFrom('catalog_activities').select('activity_type').where('object_id', '=', c.body.result.id).orderBy('id').execute();
      assert.deepEqual(acts.map((a) => a.activity_type), ['new organization', 'changed organization']);
    });

    it('answers CKAN errors for unknown actions, bad JSON, GET on a write and a non-object body, never a 5xx', async () => {
      const unknown = await act(t.app, 'no_such_action', {}, { method: 'GET' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.success, false);
      assert.match(unknown.body.error!.message!, /Action name not known: no_such_action/);
      for (const payload of ['{bad json', '[1,2]', '"text"']) {
        const r = await t.app.inject({ method: 'POST', url: '/api/3/action/package_create', headers: { 'content-type': 'application/json', authorization: admin }, payload });
        assert.equal(r.statusCode, 400, payload);
        const b = JSON.parse(r.body);
        assert.equal(b.success, false);
        assert.match(b.error.message, /JSON Error/);
      }
      const get = await act(t.app, 'package_create', { name: 'x' }, { method: 'GET', token: admin });
      assert.equal(get.status, 400);
      assert.match(get.body.error!.message!, /Please use POST/);
      const notFound = await act(t.app, 'package_show', { id: 'no-such-dataset' });
      assert.equal(notFound.status, 404);
      assert.equal(notFound.body.error!.__type, 'Not Found Error');
      // CKAN's curl habit: a form whose only key is the JSON document.
      const form = await t.app.inject({ method: 'POST', url: '/api/3/action/package_show', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: JSON.stringify({ id: 'reads-one' }) });
      assert.equal(JSON.parse(form.body).result.name, 'reads-one');
      const plain = await t.app.inject({ method: 'POST', url: '/api/3/action/package_show', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ id: 'reads-one' }) });
      assert.equal(JSON.parse(plain.body).result.name, 'reads-one');
    });

    it('allows cross-origin reads with a preflight, and no CORS header on writes', async () => {
      const pre = await t.app.inject({ method: 'OPTIONS', url: '/api/3/action/package_search', headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' } });
      assert.equal(pre.statusCode, 204);
      assert.equal(pre.headers['access-control-allow-origin'], '*');
      assert.match(String(pre.headers['access-control-allow-headers']), /X-CKAN-API-Key/);
      const read = await act(t.app, 'package_list', {}, { method: 'GET' });
      assert.equal(read.res.headers['access-control-allow-origin'], '*');
      const write = await act(t.app, 'package_create', dataset('cors-write'), { token: staff });
      assert.equal(write.res.headers['access-control-allow-origin'], undefined);
    });

    it('ignores a session cookie on the API (a cross-site form cannot act for a signed-in user)', async () => {
      const { loginAs } = await import('../../test/helpers.js');
      const s = await loginAs(t.app, 'admin');
      const r = await t.app.inject({ method: 'POST', url: '/api/3/action/package_create', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name: 'cookie-write', owner_org: 'tokyo' }).toString() });
      assert.equal(r.statusCode, 403);
    });

    it('hides private datasets from readers outside the organization and serves package_show from a cache that notices writes', async () => {
      const p = (await act(t.app, 'package_create', dataset('private-one', 'tokyo', { private: true }), { token: tmgPublisher })).body.result;
      assert.equal(p.private, true);
      assert.equal((await act(t.app, 'package_show', { id: 'private-one' })).status, 403);
      assert.equal((await act(t.app, 'package_show', { id: 'private-one' }, { token: meguroPublisher })).status, 403);
      assert.equal((await act(t.app, 'package_show', { id: 'private-one' }, { token: tmgPublisher })).status, 200);
      assert.ok(!(await act(t.app, 'package_list', {})).body.result.includes('private-one'));
      // Cached answers for anonymous readers change as soon as the dataset does.
      const first = await act(t.app, 'package_show', { id: 'reads-one' }, { method: 'GET' });
      const again = await act(t.app, 'package_show', { id: 'reads-one' }, { method: 'GET' });
      assert.equal(again.res.body, first.res.body);
      await act(t.app, 'package_patch', { id: 'reads-one', title: '書き換え' }, { token: staff });
      const fresh = await act(t.app, 'package_show', { id: 'reads-one' }, { method: 'GET' });
      assert.equal(fresh.body.result.title, '書き換え');
    });
  });
}
