import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, freshDatabase, skipFor, type TestDatabase } from '../../../test/helpers.js';
import { openDatabase, type DatabaseHandle } from '../../core/db/index.js';
import { migrateDownAll, migrateToLatest } from '../../core/db/migrate.js';
import {
  SearchError,
  SearchQueryError,
  TOKENIZER_ID,
  clearSearchIndex,
  deleteSearchDoc,
  ensureSearchIndex,
  prepareSearchDoc,
  reindexAll,
  ReindexBusy,
  searchDatasets,
  searchIndexStatus,
  setSearchDocSource,
  writeSearchDoc,
  type DatasetSearchDoc,
  type SearchParams,
  type SearchResult,
} from './index.js';
import { catalogDocSource } from './source.js';
import { releaseLease, takeLease } from '../../core/lease.js';
import { systemClock } from '../../core/clock.js';

function doc(id: string, title: string, notes = '', extra: Partial<DatasetSearchDoc> = {}): DatasetSearchDoc {
  return {
    id,
    name: `ds-${id}`,
    title,
    notes,
    tags: [],
    organization: 'meguro',
    groups: [],
    resFormats: ['CSV'],
    resNames: [],
    resDescriptions: [],
    licenseId: 'cc-by-4.0',
    private: false,
    state: 'active',
    metadataCreated: '2020-01-01T00:00:00Z',
    metadataModified: '2020-01-01T00:00:00Z',
    extras: {},
    author: null,
    maintainer: null,
    ...extra,
  };
}

const DOCS: DatasetSearchDoc[] = [
  doc('hoiku', '区内保育園の空き状況', '認可保育園と認証保育所の一覧です。', { tags: ['子育て', '保育'], groups: ['kosodate'], resFormats: ['CSV', 'XLSX'], metadataModified: '2023-04-01T00:00:00Z' }),
  doc('jinko', '人口統計', '住民基本台帳による町丁別の人口です。', { tags: ['人口'], groups: ['toukei'], organization: 'setagaya', licenseId: 'cc-by-2.1', metadataModified: '2021-05-01T00:00:00Z' }),
  doc('aed', 'ＡＥＤ設置箇所一覧', '区施設に設置しているAEDの一覧', { extras: { update_frequency: '随時' }, tags: ['防災', '医療'], groups: ['bousai'], resFormats: ['CSV', 'GeoJSON'], metadataModified: '2019-10-01T00:00:00Z' }),
  doc('kana', 'ｶﾅ表記の施設名', '半角ｶﾅで書かれた名称の一覧', { tags: ['施設'], metadataModified: '2018-01-01T00:00:00Z' }),
  doc('tokyo', '東京都の観光統計', '東京都が公表する観光客数', { tags: ['観光'], organization: 'tmg', groups: ['toukei'], metadataModified: '2022-01-01T00:00:00Z' }),
  doc('kyoto', '京都府との連携事業', '京都府と共同で実施した事業の一覧', { tags: ['連携'], organization: 'tmg', metadataModified: '2022-02-01T00:00:00Z' }),
  doc('compound', '子育て支援センター利用者数', '各センターの利用者数', { tags: ['子育て'], groups: ['kosodate'], metadataModified: '2022-03-01T00:00:00Z' }),
  doc('unknown', '碑文谷ピヨピヨランドの来場者', '碑文谷地区の施設', { tags: ['施設'], metadataModified: '2022-03-02T00:00:00Z' }),
  doc('notesonly', '施設の一覧', 'この中には人口の推計も含まれます', { tags: ['施設'], metadataModified: '2024-01-01T00:00:00Z' }),
  doc('private', '非公開の保育データ', '内部用', { private: true, organization: 'setagaya', tags: ['保育'], metadataModified: '2023-06-01T00:00:00Z' }),
  doc('draft', '下書きの保育データ', '', { state: 'draft', tags: ['保育'] }),
  doc('deleted', '削除された保育データ', '', { state: 'deleted', tags: ['保育'] }),
  doc('phrase', '人口 保育 の 動態', '', { metadataModified: '2020-06-01T00:00:00Z' }),
  doc('phrase2', '保育 人口 調査', '', { metadataModified: '2020-06-01T00:00:00Z' }),
  doc('older', 'ごみ収集カレンダー', '', { metadataModified: '2019-01-01T00:00:00Z', extras: { theme: 'くらし' } }),
  doc('newer', 'ごみ収集カレンダー', '', { metadataModified: '2021-01-01T00:00:00Z', extras: { theme: 'くらし' } }),
  doc('escape', 'A&B <script> の人口', '"引用" & <b>タグ</b> 人口', { metadataModified: '2017-01-01T00:00:00Z' }),
];

const PUBLIC = { includePrivate: false, orgs: [] as string[] };
const base: SearchParams = { facetFields: [], facetLimit: 50, facetMinCount: 1, rows: 100, start: 0, visibility: PUBLIC };

for (const dialect of DIALECTS) {
  describe(`catalog search (${dialect})`, { skip: skipFor(dialect) }, () => {
    let tdb: TestDatabase;
    let h: DatabaseHandle;
    const search = (p: Partial<SearchParams>) => searchDatasets(h.db, dialect, { ...base, ...p });
    const ids = async (p: Partial<SearchParams>) => (await search(p)).ids;
    const sorted = async (p: Partial<SearchParams>) => [...(await ids(p))].sort();
    const writeAll = async (docs: DatasetSearchDoc[]) => {
      const prepared = docs.map(prepareSearchDoc);
      await h.db.transaction().execute(async (trx) => {
        for (const p of prepared) await writeSearchDoc(trx, dialect, p);
      });
    };

    before(async () => {
      tdb = await freshDatabase(dialect);
      h = openDatabase(tdb.url);
      await migrateToLatest(h.db);
      await writeAll(DOCS);
    });
    after(async () => {
      setSearchDocSource(null);
      await h.close();
      await tdb.drop();
    });

    it('finds two-character words inside longer ones (保育, 人口)', async () => {
      assert.deepEqual(await sorted({ q: '保育' }), ['hoiku', 'phrase', 'phrase2']);
      assert.deepEqual(await sorted({ q: '人口' }), ['escape', 'jinko', 'notesonly', 'phrase', 'phrase2']);
    });

    it('folds widths and cases: ＡＥＤ, ａｅｄ and AED are one word; ｶﾅ and カナ too', async () => {
      for (const q of ['ＡＥＤ', 'ａｅｄ', 'AED', 'aed']) assert.deepEqual(await ids({ q }), ['aed'], q);
      for (const q of ['ｶﾅ', 'カナ']) assert.deepEqual(await ids({ q }), ['kana'], q);
    });

    it('respects word boundaries: 京都 does not match 東京都, 東京都 does', async () => {
      assert.deepEqual(await ids({ q: '京都' }), ['kyoto']);
      assert.deepEqual(await ids({ q: '東京都' }), ['tokyo']);
      assert.deepEqual(await ids({ q: '京都府' }), ['kyoto']);
    });

    it('finds compounds by their parts and words no dictionary knows', async () => {
      assert.deepEqual(await ids({ q: '支援' }), ['compound']);
      assert.deepEqual(await ids({ q: '子育て支援' }), ['compound']);
      assert.deepEqual(await ids({ q: '碑文谷' }), ['unknown']);
      assert.deepEqual(await ids({ q: 'ピヨピヨランド' }), ['unknown']);
      assert.deepEqual(await ids({ q: '保育園' }), ['hoiku']);
    });

    it('ranks a title match before a notes-only match', async () => {
      const r = await ids({ q: '人口 統計' });
      assert.deepEqual(r, ['jinko']);
      const all = await ids({ q: '人口', fq: 'id:jinko OR id:notesonly' });
      assert.deepEqual(all, ['jinko', 'notesonly']);
    });

    it('ranks the phrase before the same words scattered', async () => {
      assert.deepEqual(await ids({ q: '保育 人口' }), ['phrase2', 'phrase']);
      assert.deepEqual(await ids({ q: '人口 保育' }), ['phrase', 'phrase2']);
    });

    it('breaks ties by freshness, and sorts by date, name and title', async () => {
      assert.deepEqual(await ids({ q: 'ごみ収集カレンダー' }), ['newer', 'older']);
      assert.deepEqual(await ids({ q: 'ごみ', sort: 'metadata_modified asc' }), ['older', 'newer']);
      assert.deepEqual(await ids({ fq: 'tags:施設', sort: 'metadata_modified desc' }), ['notesonly', 'unknown', 'kana']);
      assert.deepEqual(await ids({ fq: 'tags:施設', sort: 'name asc' }), ['kana', 'notesonly', 'unknown']);
      assert.deepEqual(await ids({ fq: 'tags:施設', sort: 'name desc' }), ['unknown', 'notesonly', 'kana']);
      assert.deepEqual(await ids({ fq: 'tags:施設', sort: 'title_string asc' }), ['kana', 'notesonly', 'unknown']);
      assert.deepEqual(await ids({ fq: 'tags:施設', sort: 'name asc', rows: 1, start: 1 }), ['notesonly']);
      assert.deepEqual(await ids({ fq: 'tags:施設', sort: 'metadata_modified desc', rows: 2, start: 1 }), ['unknown', 'kana']);
    });

    it('applies every fq form', async () => {
      assert.deepEqual(await sorted({ fq: 'tags:保育' }), ['hoiku']);
      assert.deepEqual(await sorted({ fq: 'tags:"子育て"' }), ['compound', 'hoiku']);
      assert.deepEqual(await sorted({ fq: 'res_format:(GeoJSON OR XLSX)' }), ['aed', 'hoiku']);
      assert.deepEqual(await sorted({ fq: '+organization:tmg +groups:toukei' }), ['tokyo']);
      assert.deepEqual(await sorted({ fq: 'organization:tmg AND -tags:観光' }), ['kyoto']);
      assert.deepEqual(await sorted({ fq: 'organization:tmg OR organization:setagaya' }), ['jinko', 'kyoto', 'tokyo']);
      assert.deepEqual(await sorted({ fq: 'license_id:cc-by-2*' }), ['jinko']);
      assert.deepEqual(await sorted({ fq: 'extras_theme:くらし' }), ['newer', 'older']);
      assert.deepEqual(await sorted({ fq: 'extras_update_frequency:*' }), ['aed']);
      assert.deepEqual(await sorted({ fq: 'name:ds-aed' }), ['aed']);
      assert.deepEqual(await sorted({ fqList: ['groups:kosodate', 'res_format:XLSX'] }), ['hoiku']);
      assert.deepEqual(await sorted({ fq: 'groups:kosodate', fqList: ['-tags:保育'] }), ['compound']);
      assert.deepEqual(await sorted({ fq: 'capacity:public +site_id:default +dataset_type:dataset tags:観光' }), ['tokyo']);
      assert.deepEqual(await sorted({ q: 'tags:観光' }), ['tokyo']);
      assert.deepEqual(await sorted({ q: '一覧 -organization:meguro' }), ['kyoto']);
      assert.deepEqual(await sorted({ q: '観光 OR tags:連携' }), ['kyoto', 'tokyo']);
      assert.deepEqual(await sorted({ q: 'title:一覧' }), ['aed', 'notesonly']);
      assert.deepEqual(await sorted({ q: 'notes:一覧 -title:一覧' }), ['hoiku', 'kana', 'kyoto']);
    });

    it('filters by date ranges, open ends and exclusive bounds', async () => {
      assert.deepEqual(await sorted({ fq: 'metadata_modified:[2023-01-01T00:00:00Z TO NOW]' }), ['hoiku', 'notesonly']);
      assert.deepEqual(await sorted({ fq: 'metadata_modified:[* TO 2018-01-01T00:00:00Z]' }), ['escape', 'kana']);
      assert.deepEqual(await sorted({ fq: 'metadata_modified:{* TO 2018-01-01T00:00:00Z}' }), ['escape']);
      assert.deepEqual(await sorted({ fq: '-metadata_modified:[2019-01-01T00:00:00Z TO *]' }), ['escape', 'kana']);
      assert.deepEqual(await sorted({ fq: 'metadata_created:[2019-12-31 TO 2020-01-02]', q: '保育' }), ['hoiku', 'phrase', 'phrase2']);
    });

    it('shows private datasets only to callers who may see their organization, drafts and deleted only on request', async () => {
      assert.ok(!(await ids({ q: '保育' })).includes('private'));
      assert.ok(!(await ids({ q: '保育', visibility: { includePrivate: true, orgs: ['meguro'] } })).includes('private'));
      assert.ok((await ids({ q: '保育', visibility: { includePrivate: true, orgs: ['setagaya'] } })).includes('private'));
      assert.ok((await ids({ q: '保育', visibility: { includePrivate: true, orgs: 'all' } })).includes('private'));
      assert.deepEqual(await sorted({ fq: 'capacity:private', visibility: { includePrivate: true, orgs: 'all' } }), ['private']);
      assert.deepEqual(await sorted({ fq: 'tags:保育', includeDrafts: true }), ['draft', 'hoiku']);
      assert.deepEqual(await sorted({ fq: 'tags:保育', includeDeleted: true }), ['deleted', 'hoiku']);
      assert.deepEqual(await sorted({ fq: 'state:draft', includeDrafts: true }), ['draft']);
      assert.deepEqual(await sorted({ fq: 'state:draft' }), []);
    });

    it('counts facets with limit and mincount', async () => {
      const r = await search({ fq: 'tags:*', facetFields: ['organization', 'tags', 'res_format', 'groups', 'license_id', 'capacity'], facetLimit: 2, facetMinCount: 1, rows: 0 });
      assert.equal(r.count, 9);
      assert.deepEqual(r.ids, []);
      assert.deepEqual(r.facets.organization, { meguro: 6, tmg: 2 });
      assert.deepEqual(r.facets.tags, { 施設: 3, 子育て: 2 });
      assert.deepEqual(r.facets.res_format, { CSV: 9, GeoJSON: 1 });
      assert.deepEqual(r.facets.capacity, { public: 9 });
      assert.deepEqual(r.facets.license_id, { 'cc-by-4.0': 8, 'cc-by-2.1': 1 });
      const all = await search({ q: '保育', facetFields: ['tags', 'organization'], facetLimit: -1, facetMinCount: 1 });
      assert.deepEqual(all.facets.tags, { 保育: 1, 子育て: 1 });
      assert.deepEqual(all.facets.organization, { meguro: 3 });
      const min = await search({ facetFields: ['groups'], facetLimit: -1, facetMinCount: 2 });
      assert.deepEqual(min.facets.groups, { kosodate: 2, toukei: 2 });
      const unknown = await search({ facetFields: ['nosuch'], facetLimit: 10, facetMinCount: 1 });
      assert.deepEqual(unknown.facets, { nosuch: {} });
    });

    it('highlights matches from the tokenizer offsets and escapes the rest', async () => {
      const r = await search({ q: '人口', fq: 'id:escape OR id:jinko' });
      assert.equal(r.highlights.escape?.title, 'A&amp;B &lt;script&gt; の<mark>人口</mark>');
      assert.equal(r.highlights.escape?.notes, '&quot;引用&quot; &amp; &lt;b&gt;タグ&lt;/b&gt; <mark>人口</mark>');
      assert.equal(r.highlights.jinko?.title, '<mark>人口</mark>統計');
      const w = await search({ q: 'aed' });
      assert.equal(w.highlights.aed?.title, '<mark>ＡＥＤ</mark>設置箇所一覧');
      assert.equal(w.highlights.aed?.notes, '区施設に設置している<mark>AED</mark>の一覧');
      const k = await search({ q: 'カナ' });
      assert.equal(k.highlights.kana?.title, '<mark>ｶﾅ</mark>表記の施設名');
    });

    it('refuses bad syntax with SearchQueryError and searches odd text as text', async () => {
      for (const p of [{ q: '"保育' }, { q: '(保育' }, { q: '{!lucene}保育' }, { fq: 'nosuch:1' }, { fq: 'metadata_modified:[2020 TO x]' }, { sort: 'rank desc' }]) {
        await assert.rejects(search(p), SearchQueryError, JSON.stringify(p));
      }
      for (const q of ['*', 'NEAR(保育 人口)', 'title : 保育', '保育 - 人口', '* OR', "'; drop table x; --", 'col:保育']) {
        await assert.doesNotReject(search({ q }), q);
      }
      assert.deepEqual(await sorted({ q: '*:*', fq: 'tags:観光' }), ['tokyo']);
    });

    it('never fails on random input with anything but SearchQueryError (property)', async () => {
      const alphabet = fc.constantFrom(...'保育京都 ()"*:-+!{}[]^~?ORANDNOT'.split(''), 'tags:', 'title:', 'metadata_modified:', '[* TO NOW]', 'NEAR', '*:*');
      await fc.assert(
        fc.asyncProperty(fc.array(alphabet, { maxLength: 12 }).map((a) => a.join('')), fc.string({ maxLength: 20 }), async (q, f) => {
          try {
            await search({ q, fq: f, facetFields: ['tags'] });
          } catch (err) {
            if (!(err instanceof SearchQueryError)) throw err;
          }
        }),
        { numRuns: 150 },
      );
    });

    it('leaves the index unchanged when the write or delete transaction rolls back', async () => {
      const before = await search({ q: '保育', facetFields: ['tags'] });
      const p = prepareSearchDoc(doc('rolled', '保育の新しいデータ', '', { tags: ['新規'] }));
      await assert.rejects(
        h.db.transaction().execute(async (trx) => {
          await writeSearchDoc(trx, dialect, p);
          await deleteSearchDoc(trx, dialect, 'hoiku');
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual(await search({ q: '保育', facetFields: ['tags'] }), before);
    });

    it('updates and deletes in place, and the in-memory facets follow', async () => {
      await writeAll([doc('extra', '保育の追加データ', '', { tags: ['追加'] })]);
      assert.deepEqual((await search({ q: '保育', facetFields: ['tags'] })).facets.tags, { 保育: 1, 子育て: 1, 追加: 1 });
      await writeAll([doc('extra', '別の題名', '', { tags: ['変更'] })]);
      assert.ok(!(await ids({ q: '保育' })).includes('extra'));
      assert.deepEqual(await ids({ fq: 'tags:変更' }), ['extra']);
      await h.db.transaction().execute((trx) => deleteSearchDoc(trx, dialect, 'extra'));
      assert.deepEqual(await ids({ fq: 'tags:変更' }), []);
      assert.deepEqual(await ids({ q: '別の題名' }), []);
    });

    it('rebuilds the same results after the index is dropped and reindexed', async () => {
      const queries: Array<Partial<SearchParams>> = [{ q: '保育' }, { q: '人口 統計' }, { q: '京都' }, { fq: 'tags:施設', sort: 'name asc' }, { q: 'aed', facetFields: ['tags', 'organization'] }, { facetFields: ['res_format', 'groups'] }];
      const before = await Promise.all(queries.map((q) => search(q)));
      setSearchDocSource({
        count: async () => DOCS.length,
        async *batches(_db, size) {
          for (let i = 0; i < DOCS.length; i += size) yield DOCS.slice(i, i + size);
        },
      });
      await clearSearchIndex(h);
      assert.deepEqual(await ids({ q: '保育' }), []);
      const seen: number[] = [];
      assert.equal(await reindexAll(h, (done) => seen.push(done)), DOCS.length);
      assert.equal(seen.at(-1), DOCS.length);
      const afterward = await Promise.all(queries.map((q) => search(q)));
      assert.deepEqual(afterward, before);
    });

    it('demands a reindex when the tokenizer changes, and ensureSearchIndex runs it', async () => {
      assert.deepEqual(await searchIndexStatus(h.db), { tokenizer: TOKENIZER_ID, current: TOKENIZER_ID, documents: DOCS.length, stale: false });
      await h.db.updateTable('catalog_search_meta').set({ value: 'old-tokenizer/v0' }).where('key', '=', 'tokenizer').execute();
      await h.db.updateTable('catalog_search_meta').set({ num: sql`num + 1` }).where('key', '=', 'version').execute();
      await assert.rejects(search({ q: '保育' }), SearchError);
      assert.equal((await searchIndexStatus(h.db)).stale, true);
      assert.equal(await ensureSearchIndex(h), true);
      assert.equal(await ensureSearchIndex(h), false);
      assert.deepEqual(await sorted({ q: '保育' }), ['hoiku', 'phrase', 'phrase2']);
    });

    it('rebuilds once at a time: a second rebuild is refused while another process holds the lease', async () => {
      await takeLease(h.db, systemClock, 'catalog-search-reindex', 'other-process', 60_000);
      try {
        await assert.rejects(reindexAll(h), ReindexBusy);
        await h.db.updateTable('catalog_search_meta').set({ value: 'old-tokenizer/v0' }).where('key', '=', 'tokenizer').execute();
        // A server starting while the other process rebuilds leaves the rebuild to it.
        assert.equal(await ensureSearchIndex(h), false);
      } finally {
        await releaseLease(h.db, 'catalog-search-reindex', 'other-process');
      }
      assert.equal(await ensureSearchIndex(h), true);
      assert.deepEqual(await sorted({ q: '保育' }), ['hoiku', 'phrase', 'phrase2']);
    });

    it('migrates down and up again', async () => {
      await migrateDownAll(h.db);
      await migrateToLatest(h.db);
      assert.deepEqual(await ids({ q: '保育' }), []);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`catalog search rebuilt from the catalog's tables (${dialect})`, { skip: skipFor(dialect) }, () => {
    it('reads datasets with their organization, tags, groups, extras and active resources', async () => {
      const tdb = await freshDatabase(dialect);
      const h = openDatabase(tdb.url);
      try {
        await migrateToLatest(h.db);
        setSearchDocSource(null);
        const db = h.db as unknown as import('kysely').Kysely<any>;
        const now = '2024-01-01T00:00:00Z';
        await db.insertInto('catalog_organizations').values({ id: '131105', name: 'meguro', title_ja: '目黒区', title_en: 'Meguro', kind: 'municipality', created: now }).execute();
        await db.insertInto('catalog_groups').values({ id: 'g1', name: 'kosodate', title_ja: '子育て', title_en: 'Child care', created: now }).execute();
        await db.insertInto('catalog_tags').values([{ id: 't1', name: '保育' }, { id: 't2', name: '待機児童' }]).execute();
        await db
          .insertInto('catalog_datasets')
          .values([
            { id: 'd1', name: 'hoikuen', title: '保育園一覧', notes: '区内の認可保育園', private: 0, state: 'active', owner_org: '131105', metadata_created: now, metadata_modified: now },
            { id: 'd2', name: 'secret', title: '非公開の保育資料', notes: '', private: 1, state: 'active', owner_org: '131105', metadata_created: now, metadata_modified: '2024-02-01T00:00:00Z' },
          ])
          .execute();
        await db.insertInto('catalog_dataset_tags').values([{ dataset_id: 'd1', tag_id: 't1', position: 0 }, { dataset_id: 'd1', tag_id: 't2', position: 1 }]).execute();
        await db.insertInto('catalog_dataset_groups').values({ dataset_id: 'd1', group_id: 'g1' }).execute();
        await db.insertInto('catalog_dataset_extras').values({ dataset_id: 'd1', key: 'theme', value: 'くらし' }).execute();
        await db
          .insertInto('catalog_resources')
          .values([
            { id: 'r1', package_id: 'd1', name: '一覧表', format: 'CSV', created: now, metadata_modified: now, state: 'active' },
            { id: 'r2', package_id: 'd1', name: '古い地図', format: 'PDF', created: now, metadata_modified: now, state: 'deleted' },
          ])
          .execute();
        assert.equal(await reindexAll(h), 2);
        // What a reindex re-reads for the datasets written during it: the same documents as the batches.
        const batched: DatasetSearchDoc[] = [];
        for await (const b of catalogDocSource.batches(h.db, 10)) batched.push(...b);
        assert.deepEqual(await catalogDocSource.byIds!(h.db, ['d1', 'missing']), batched.filter((d) => d.id === 'd1'));
        const r = await searchDatasets(h.db, dialect, { ...base, q: '保育', facetFields: ['tags', 'groups', 'res_format', 'organization'], facetLimit: -1 });
        assert.deepEqual(r.ids, ['d1']);
        assert.deepEqual(r.facets, { tags: { 保育: 1, 待機児童: 1 }, groups: { kosodate: 1 }, res_format: { CSV: 1 }, organization: { meguro: 1 } });
        assert.deepEqual((await searchDatasets(h.db, dialect, { ...base, q: '一覧表', fq: 'extras_theme:くらし' })).ids, ['d1']);
        assert.deepEqual((await searchDatasets(h.db, dialect, { ...base, q: '古い地図' })).ids, []);
        assert.deepEqual([...(await searchDatasets(h.db, dialect, { ...base, q: '保育', visibility: { includePrivate: true, orgs: ['meguro'] } })).ids].sort(), ['d1', 'd2']);
      } finally {
        await h.close();
        await tdb.drop();
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`catalog search reindexed atomically (${dialect})`, { skip: skipFor(dialect) }, () => {
    it('shows the old complete index until the rebuilt one is swapped in, with the writes made meanwhile carried over', async () => {
      const tdb = await freshDatabase(dialect);
      const h = openDatabase(tdb.url);
      const search = (p: Partial<SearchParams>) => searchDatasets(h.db, dialect, { ...base, ...p });
      const writeAll = async (docs: DatasetSearchDoc[]) => {
        const prepared = docs.map(prepareSearchDoc);
        await h.db.transaction().execute(async (trx) => {
          for (const p of prepared) await writeSearchDoc(trx, dialect, p);
        });
      };
      try {
        await migrateToLatest(h.db);
        // 300 documents: the rebuild writes them in two batches, so a partial index would show.
        const bulk = Array.from({ length: 300 }, (_, i) => doc(`bulk${String(i).padStart(3, '0')}`, `統計資料 第${i}号`, '', { tags: ['一般'] }));
        const docs = [...DOCS, ...bulk];
        await writeAll(docs);
        const queries: Array<Partial<SearchParams>> = [{ q: '統計' }, { q: '保育', facetFields: ['tags'] }, { q: 'ｶﾅ' }, { q: '人口推計' }, { facetFields: ['tags', 'organization'] }];
        const old = await Promise.all(queries.map(search));
        assert.ok(old[0]!.count > 300);
        // The catalog as the rebuild reads it: jinko renamed; during the rebuild a dataset is added and one purged.
        const current = new Map(docs.map((d) => [d.id, d.id === 'jinko' ? { ...d, title: '人口推計の結果' } : d]));
        const added = doc('added', '新設の保育ルーム', '', { tags: ['保育'] });
        const during: SearchResult[][] = [];
        setSearchDocSource({
          count: async () => current.size,
          async *batches(_db, size) {
            const list = [...current.values()];
            for (let i = 0; i < list.length; i += size) {
              yield list.slice(i, i + size);
              during.push(await Promise.all(queries.map(search))); // the batch sits in the shadow tables now
            }
            current.set('added', added);
            current.delete('kana');
            await writeAll([added]);
            await h.db.transaction().execute((trx) => deleteSearchDoc(trx, dialect, 'kana'));
          },
          byIds: async (_db, ids) => ids.flatMap((id) => current.get(id) ?? []),
        });
        assert.equal(await reindexAll(h), current.size);
        assert.ok(during.length >= 2);
        for (const seen of during) assert.deepEqual(seen, old);
        const now = await Promise.all(queries.map(search));
        assert.equal(now[0]!.count, old[0]!.count - 1); // jinko lost 統計 from its title
        assert.deepEqual(now[2]!.ids, []);
        assert.deepEqual(now[3]!.ids, ['jinko']);
        assert.deepEqual(now[1]!.facets.tags, { 保育: 2, 子育て: 1 });
        assert.deepEqual([...now[1]!.ids].sort(), ['added', 'hoiku', 'phrase', 'phrase2']);
        assert.deepEqual((await searchIndexStatus(h.db)).documents, current.size);
        // Writes after the swap land in the new index.
        await writeAll([doc('later', '後から追加した人口推計', '')]);
        assert.deepEqual([...(await search({ q: '人口推計' })).ids].sort(), ['jinko', 'later']);
      } finally {
        setSearchDocSource(null);
        await h.close();
        await tdb.drop();
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`catalog search facet arrays from the stored snapshot (${dialect})`, { skip: skipFor(dialect) }, () => {
    it('a new process loads the stored arrays, replays the writes since, and ignores a snapshot it cannot bring up to date', async () => {
      // Two handles on one database: a file on SQLite (each in-memory handle is a database of its own).
      const file = join(tmpdir(), `kabuto-search-snapshot-${process.pid}.db`);
      const tdb = dialect === 'sqlite' ? { url: `sqlite:${file}`, drop: async () => ['', '-wal', '-shm'].forEach((x) => rmSync(`${file}${x}`, { force: true })) } : await freshDatabase(dialect);
      const handles: DatabaseHandle[] = [];
      const open = () => {
        const x = openDatabase(tdb.url);
        handles.push(x);
        return x;
      };
      const facets = ['tags', 'organization', 'res_format', 'license_id', 'groups'];
      const query = (x: DatabaseHandle, p: Partial<SearchParams> = {}) => searchDatasets(x.db, dialect, { ...base, facetFields: facets, facetLimit: -1, ...p });
      try {
        const a = open();
        await migrateToLatest(a.db);
        const write = async (docs: DatasetSearchDoc[]) => {
          const prepared = docs.map(prepareSearchDoc);
          await a.db.transaction().execute(async (trx) => {
            for (const p of prepared) await writeSearchDoc(trx, dialect, p);
          });
        };
        await write(DOCS);
        const first = await query(a); // decodes the rows and stores the snapshot
        const stored = await a.db.selectFrom('catalog_search_snapshot').select(['epoch', 'version']).executeTakeFirstOrThrow();
        assert.ok(stored.version > 0);
        assert.deepEqual(await query(open()), first);
        await write([doc('snap', 'スナップショット後の保育', '', { tags: ['新タグ'], organization: 'ota', metadataModified: '2025-01-01T00:00:00Z' })]);
        await a.db.transaction().execute((trx) => deleteSearchDoc(trx, dialect, 'kana'));
        const later = await query(a);
        assert.equal(later.facets.tags!['新タグ'], 1);
        assert.deepEqual(await query(open()), later); // the snapshot plus the replayed changes
        assert.deepEqual((await query(open(), { q: '保育', fq: 'organization:ota' })).ids, ['snap']);
        // A version bump the change log does not cover (a bulk load): the snapshot is not trusted.
        await a.db.updateTable('catalog_search_meta').set({ num: sql`num + 1` }).where('key', '=', 'version').execute();
        await a.db.deleteFrom('catalog_search_docs').where('id', '=', 'aed').execute();
        assert.ok(!('防災' in (await query(open())).facets.tags!));
      } finally {
        for (const x of handles) await x.close();
        await tdb.drop();
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`catalog search ranking past heavy filters (${dialect})`, { skip: skipFor(dialect) }, () => {
    it('still finds and orders the hits when the filters drop most of the best matches', async () => {
      const tdb = await freshDatabase(dialect);
      const h = openDatabase(tdb.url);
      try {
        await migrateToLatest(h.db);
        const docs = Array.from({ length: 300 }, (_, i) => doc(`bulk${i}`, `統計資料 第${i}号`, '', { tags: ['一般'], metadataModified: `2020-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z` }));
        docs.push(doc('rare-old', '施設の一覧', '統計の付録', { tags: ['稀'], metadataModified: '2019-01-01T00:00:00Z' }));
        docs.push(doc('rare-new', '施設の一覧', '統計の付録', { tags: ['稀'], metadataModified: '2021-01-01T00:00:00Z' }));
        const prepared = docs.map(prepareSearchDoc);
        await h.db.transaction().execute(async (trx) => {
          for (const p of prepared) await writeSearchDoc(trx, dialect, p);
        });
        const r = await searchDatasets(h.db, dialect, { ...base, q: '統計', fq: 'tags:稀', rows: 10 });
        assert.equal(r.count, 2);
        assert.deepEqual(r.ids, ['rare-new', 'rare-old']);
        const all = await searchDatasets(h.db, dialect, { ...base, q: '統計', rows: 5, start: 300 });
        assert.equal(all.count, 302);
        assert.deepEqual(all.ids, ['rare-new', 'rare-old']);
      } finally {
        await h.close();
        await tdb.drop();
      }
    });
  });
}
