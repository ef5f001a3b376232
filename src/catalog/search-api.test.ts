import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, type TestApp } from '../../test/helpers.js';
import { act, catalogApp, dataset, token } from './testing.js';

for (const dialect of DIALECTS) {
  describe(`package_search parameters and result shape [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: string;
    let meguro: string;
    before(async () => {
      t = await catalogApp(dialect);
      staff = await token(t.app, 'staff');
      meguro = await token(t.app, 'publisher', '131105');
      for (let i = 0; i < 12; i++) {
        const org = i % 3 === 0 ? 'meguro-ku' : 'tokyo';
        const r = await act(t.app, 'package_create', dataset(`search-${String(i).padStart(2, '0')}`, org, { title: i % 2 ? `保育園の一覧 ${i}` : `人口統計 ${i}`, groups: [{ name: i % 2 ? 'health-welfare' : 'population-ageing' }], license_id: i === 11 ? 'gov-std-2.0' : 'cc-by-4.0' }), { token: staff });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      await act(t.app, 'package_create', dataset('search-private', 'meguro-ku', { private: true, title: '非公開の保育園データ' }), { token: meguro });
    });
    after(async () => t?.close());

    it('returns count, full package dicts, facets and search_facets as CKAN shapes them', async () => {
      const r = await act(t.app, 'package_search', { q: '保育園', 'facet.field': '["organization","groups","license_id","tags","res_format"]', rows: 3 }, { method: 'GET' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const res = r.body.result;
      assert.equal(res.count, 6);
      assert.equal(res.results.length, 3);
      assert.ok(res.results.every((p: { title: string; resources: unknown[]; organization: { name: string } }) => p.title.includes('保育園') && Array.isArray(p.resources) && p.organization.name));
      assert.equal(res.sort, 'score desc, metadata_modified desc');
      assert.deepEqual(Object.keys(res.facets).sort(), ['groups', 'license_id', 'organization', 'res_format', 'tags']);
      assert.equal(res.facets.groups['health-welfare'], 6);
      const org = res.search_facets.organization;
      assert.equal(org.title, 'organization');
      assert.deepEqual(
        org.items.map((i: { name: string; display_name: string; count: number }) => [i.name, i.display_name, i.count]),
        [
          ['meguro-ku', '目黒区', 2],
          ['tokyo', '東京都', 4],
        ],
        'items carry name, display_name (the title) and count, sorted by display name descending as CKAN does',
      );
      const lic = res.search_facets.license_id.items.find((i: { name: string }) => i.name === 'gov-std-2.0');
      assert.equal(lic.display_name, '政府標準利用規約（第2.0版）');
    });

    it('defaults rows to 10, caps it at 1000, and pages with start', async () => {
      const d = await act(t.app, 'package_search', {}, { method: 'GET' });
      assert.equal(d.body.result.count, 12);
      assert.equal(d.body.result.results.length, 10);
      assert.deepEqual(d.body.result.facets, {}, 'no facet.field, no facets');
      const big = await act(t.app, 'package_search', { rows: 5000 }, { method: 'GET' });
      assert.equal(big.status, 200);
      assert.equal(big.body.result.results.length, 12);
      const page = await act(t.app, 'package_search', { rows: 5, start: 10, sort: 'name asc' }, { method: 'GET' });
      assert.deepEqual(page.body.result.results.map((p: { name: string }) => p.name), ['search-10', 'search-11']);
      const zero = await act(t.app, 'package_search', { rows: 0, 'facet.field': ['groups'] });
      assert.equal(zero.body.result.results.length, 0);
      assert.equal(zero.body.result.count, 12);
    });

    it('answers CKAN validation errors for a negative start or rows, bad integers and a facet.field that is not a JSON list', async () => {
      for (const [params, field, message] of [
        [{ start: -1 }, 'start', 'Must be a natural number'],
        [{ rows: -5 }, 'rows', 'Must be a natural number'],
        [{ rows: 'ten' }, 'rows', 'Invalid integer'],
        [{ 'facet.limit': 'x' }, 'facet.limit', 'Invalid integer'],
        [{ 'facet.mincount': -1 }, 'facet.mincount', 'Must be a natural number'],
        [{ 'facet.field': 'groups' }, 'facet.field', 'Could not parse as valid JSON'],
        [{ 'facet.field': '{"a":1}' }, 'facet.field', 'Not a list'],
      ] as const) {
        const r = await act(t.app, 'package_search', params as Record<string, unknown>, { method: 'GET' });
        assert.equal(r.status, 409, JSON.stringify(params));
        assert.equal(r.body.error!.__type, 'Validation Error');
        assert.deepEqual(r.body.error![field], [message], JSON.stringify(r.body.error));
      }
    });

    it('applies facet.limit (-1 for all) and facet.mincount', async () => {
      const one = await act(t.app, 'package_search', { 'facet.field': '["organization"]', 'facet.limit': 1 }, { method: 'GET' });
      assert.equal(Object.keys(one.body.result.facets.organization).length, 1);
      const all = await act(t.app, 'package_search', { 'facet.field': '["organization"]', 'facet.limit': -1 }, { method: 'GET' });
      assert.equal(Object.keys(all.body.result.facets.organization).length, 2);
      const min = await act(t.app, 'package_search', { 'facet.field': '["organization"]', 'facet.mincount': 5 }, { method: 'GET' });
      assert.deepEqual(Object.keys(min.body.result.facets.organization), ['tokyo']);
    });

    it('filters with fq and fq_list', async () => {
      const fq = await act(t.app, 'package_search', { fq: 'organization:meguro-ku' }, { method: 'GET' });
      assert.equal(fq.body.result.count, 4);
      const list = await act(t.app, 'package_search', { fq_list: ['organization:meguro-ku', 'groups:health-welfare'] });
      assert.equal(list.body.result.count, 2);
    });

    it('shows private datasets only with include_private to callers who may see them', async () => {
      const q = { q: '非公開', include_private: 'true' };
      assert.equal((await act(t.app, 'package_search', q, { method: 'GET' })).body.result.count, 0);
      assert.equal((await act(t.app, 'package_search', { q: '非公開' }, { method: 'GET', token: meguro })).body.result.count, 0, 'not without include_private');
      assert.equal((await act(t.app, 'package_search', q, { method: 'GET', token: meguro })).body.result.count, 1);
      assert.equal((await act(t.app, 'package_search', q, { method: 'GET', token: staff })).body.result.count, 1);
      const other = await token(t.app, 'publisher', '131016');
      assert.equal((await act(t.app, 'package_search', q, { method: 'GET', token: other })).body.result.count, 0);
    });

    it("refuses Solr local params, unknown parameters and bad sorts with CKAN's errors, and survives a 10,000-character query", async () => {
      const local = await act(t.app, 'package_search', { q: '{!lucene}name:x' }, { method: 'GET' });
      assert.equal(local.status, 409);
      assert.equal(local.body.error!.__type, 'Search Error');
      const localFq = await act(t.app, 'package_search', { fq: '{!join from=id to=id}x' }, { method: 'GET' });
      assert.equal(localFq.body.error!.__type, 'Search Error');
      const unknown = await act(t.app, 'package_search', { qq: 'x' }, { method: 'GET' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error!.__type, 'Search Query Error');
      const sort = await act(t.app, 'package_search', { sort: 'password desc' }, { method: 'GET' });
      assert.equal(sort.status, 400);
      assert.equal(sort.body.error!.__type, 'Search Query Error');
      const quote = await act(t.app, 'package_search', { q: 'title:"unbalanced' }, { method: 'GET' });
      assert.ok([200, 400].includes(quote.status));
      const long = await act(t.app, 'package_search', { q: '保育'.repeat(5000) });
      assert.ok(long.status < 500, `a 10,000-character query answered ${long.status}`);
      assert.equal(long.body.success, long.status === 200);
    });
  });
}
