import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { DIALECTS, skipFor, type TestApp } from '../../../test/helpers.js';
import { catalogService, systemCaller } from '../index.js';
import { catalogApp, dataset } from '../testing.js';
import { cellProblem, isValidCorporateNumber, isValidLgCode, lgCodeCheckDigit } from './codes.js';
import { checkFile } from './check.js';
import { modelById, standardModels } from './models.js';

const LG_CODES = fileURLToPath(new URL('../../../seed/catalog/tokyo-local-government-codes.csv', import.meta.url));

const AED_HEADER = '全国地方公共団体コード,NO,都道府県名,市区町村名,名称,名称_カナ,住所,方書,緯度,経度,設置位置,電話番号,内線番号,法人番号,団体名,利用可能曜日,開始時間,終了時間,利用可能日時特記事項,小児対応設備の有無,URL,備考';
const AED_GOOD = [
  '131105,1,東京都,目黒区,目黒区総合庁舎,メグロククソウゴウチョウシャ,東京都目黒区上目黒二丁目19番15号,,35.6415,139.6983,1階 総合案内,03-3715-1111,,1000020131105,目黒区,月火水木金,08:30,17:15,,有,https://www.city.meguro.tokyo.jp/,',
  '131105,2,東京都,目黒区,中目黒駅前施設,ナカメグロエキマエシセツ,東京都目黒区上目黒一丁目,2階,35.6440,139.6990,入口,(03)5722-0000,123,,目黒区,毎日,9:00,24:00,,無,,',
];
const AED_BAD = [
  '131106,3,東京都,目黒区,検査数字違い,ケンサスウジチガイ,東京都目黒区,,35.64,139.69,入口,03-1111-2222,,,目黒区,,,,,,,',
  '131105,4,東京都,目黒区,,メイショウナシ,東京都目黒区,,139.69,35.64,入口,abc,,1234567890123,目黒区,,25:00,17:00,,,www.example.jp,',
];

describe('local government codes and corporate numbers', () => {
  it('computes the check digit of real codes: 131105 Meguro, 130001 Tokyo', () => {
    assert.equal(lgCodeCheckDigit('13110'), 5);
    assert.equal(lgCodeCheckDigit('13000'), 1);
    assert.ok(isValidLgCode('131105'));
    assert.ok(isValidLgCode('130001'));
    assert.ok(!isValidLgCode('131106'));
    assert.ok(!isValidLgCode('13110'));
  });

  it("accepts every code of Tokyo's 63 local governments and refuses each with its last digit changed", () => {
    const rows = parse(readFileSync(LG_CODES), { columns: true, bom: true }) as Record<string, string>[];
    const codes = rows.map((r) => r['団体コード']!).filter((c) => c.startsWith('13'));
    assert.equal(codes.length, 63);
    for (const c of codes) {
      assert.ok(isValidLgCode(c), c);
      assert.ok(!isValidLgCode(c.slice(0, 5) + ((Number(c[5]) + 1) % 10)), `${c} with a wrong check digit`);
    }
  });

  it('checks corporate numbers (法人番号) by their leading check digit', () => {
    assert.ok(isValidCorporateNumber('7000012050002'), 'National Tax Agency');
    assert.ok(isValidCorporateNumber('1000020131105'), 'Meguro: 000020 + its local government code');
    assert.ok(!isValidCorporateNumber('8000012050002'));
    assert.ok(!isValidCorporateNumber('700001205000'));
  });

  it('checks cells by type: numbers, dates, times, URLs, phones, coordinates in Japan, full-width input folded', () => {
    const cases: [Parameters<typeof cellProblem>[0], string, string | null][] = [
      ['number', '1,234.5', null],
      ['number', '１２３', null],
      ['number', '12a', 'number'],
      ['date', '2024-02-29', null],
      ['date', '2024/3/1', null],
      ['date', '2024年3月1日', null],
      ['date', '2023-02-29', 'date'],
      ['time', '08:30', null],
      ['time', '24:00', null],
      ['time', '25:00', 'time'],
      ['url', 'https://www.city.meguro.tokyo.jp/', null],
      ['url', 'www.example.jp', 'url'],
      ['phone', '03-3715-1111', null],
      ['phone', '０９０-１２３４-５６７８', null],
      ['phone', '3715-1111', 'phone'],
      ['latitude', '35.64', null],
      ['latitude', '139.69', 'latitude'],
      ['longitude', '139.69', null],
      ['longitude', '35.64', 'longitude'],
      ['lgCode', '131105', null],
      ['lgCode', '131106', 'lgCodeCheckDigit'],
      ['lgCode', '13110', 'lgCode'],
    ];
    for (const [check, value, want] of cases) assert.equal(cellProblem(check, value), want, `${check} ${value}`);
  });
});

describe('standard dataset models', () => {
  it('reads the 14 models with their fields, required flags and checks', () => {
    const models = standardModels();
    assert.equal(models.length, 14);
    const aed = modelById('AED設置箇所一覧')!;
    assert.equal(aed.number, '01');
    assert.equal(modelById('1'), aed);
    assert.equal(modelById(aed.uri), aed);
    assert.deepEqual(aed.fields.filter((f) => f.required).map((f) => f.name), ['名称', '名称_カナ', '住所', '設置位置']);
    const check = (name: string) => aed.fields.find((f) => f.name === name)?.check;
    assert.equal(check('緯度'), 'latitude');
    assert.equal(check('電話番号'), 'phone');
    assert.equal(check('都道府県コード又は市区町村コード'), 'lgCode');
    assert.equal(check('法人番号'), 'corporateNumber');
    assert.equal(check('開始時間'), 'time');
    assert.equal(check('URL'), 'url');
    assert.equal(check('location'), undefined, 'the GeoJSON location is not a column');
    const population = modelById('11')!;
    assert.equal(population.fields.find((f) => f.name === '総人口')?.check, 'number');
    assert.equal(population.fields.find((f) => f.name === '調査年月日')?.check, 'date');
    assert.equal(modelById('15'), undefined);
  });

  describe('checking files', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kabuto-standard-'));
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    it('passes a good AED file, in UTF-8 and in Shift_JIS', async () => {
      const text = [AED_HEADER, ...AED_GOOD].join('\r\n') + '\r\n';
      for (const [name, bytes] of [['good.csv', Buffer.from(text)], ['good-sjis.csv', iconv.encode(text, 'cp932')]] as const) {
        await writeFile(join(dir, name), bytes);
        const r = await checkFile(join(dir, name), 'CSV', modelById('01')!);
        assert.deepEqual([r.ok, r.rows, r.failureCount, r.missing], [true, 2, 0, []], name);
        assert.ok(r.columns.some((c) => c.field === '都道府県コード又は市区町村コード' && c.column === '全国地方公共団体コード'), 'the 2021 column name is accepted');
      }
    });

    it('reports failing cells with their row, column, value and reason, the first N kept and all counted', async () => {
      await writeFile(join(dir, 'bad.csv'), [AED_HEADER, ...AED_GOOD, ...AED_BAD].join('\n'));
      const r = await checkFile(join(dir, 'bad.csv'), 'CSV', modelById('01')!);
      assert.equal(r.ok, false);
      assert.equal(r.rows, 4);
      assert.equal(r.failingRows, 2);
      const got = r.failures.map((f) => [f.row, f.column, f.reason]);
      assert.deepEqual(got, [
        [4, '全国地方公共団体コード', 'lgCodeCheckDigit'],
        [5, '名称', 'required'],
        [5, '緯度', 'latitude'],
        [5, '経度', 'longitude'],
        [5, '電話番号', 'phone'],
        [5, '法人番号', 'corporateNumber'],
        [5, '開始時間', 'time'],
        [5, 'URL', 'url'],
      ]);
      assert.equal(r.failures[2]!.value, '139.69');
      const limited = await checkFile(join(dir, 'bad.csv'), 'CSV', modelById('01')!, { limit: 3 });
      assert.equal(limited.failures.length, 3);
      assert.equal(limited.failureCount, r.failureCount);
    });

    it('lists required columns that are missing and columns the model does not have', async () => {
      await writeFile(join(dir, 'cols.csv'), '名称,住所,独自の列\nA,B,C\n');
      const r = await checkFile(join(dir, 'cols.csv'), 'CSV', modelById('01')!);
      assert.deepEqual(r.missing, ['名称_カナ', '設置位置']);
      assert.deepEqual(r.extra, ['独自の列']);
      assert.equal(r.ok, false);
    });

    it('stops at the row cap and says so', async () => {
      const rows = Array.from({ length: 50 }, () => AED_GOOD[0]);
      await writeFile(join(dir, 'long.csv'), [AED_HEADER, ...rows].join('\n'));
      const r = await checkFile(join(dir, 'long.csv'), 'CSV', modelById('01')!, { maxRows: 10 });
      assert.deepEqual([r.rows, r.truncated], [10, true]);
    });
  });
});

for (const dialect of DIALECTS) {
  describe(`standard checks of resources [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    const ids: Record<string, string> = {};
    before(async () => {
      t = await catalogApp(dialect);
      const svc = catalogService(t.app.kabuto);
      const sys = systemCaller('test');
      await svc.createPackage(sys, dataset('aed-list', 'meguro-ku', { extras: [{ key: 'standard_dataset', value: 'AED設置箇所一覧' }], resources: [] }));
      await svc.createPackage(sys, dataset('no-model', 'meguro-ku', { resources: [] }));
      ids.good = (await svc.resourceCreate(sys, { package_id: 'aed-list', name: '良いファイル', format: 'CSV' }, { filename: 'good.csv', bytes: iconv.encode([AED_HEADER, ...AED_GOOD].join('\r\n'), 'cp932') })).id;
      ids.bad = (await svc.resourceCreate(sys, { package_id: 'aed-list', name: '悪いファイル', format: 'CSV' }, { filename: 'bad.csv', bytes: Buffer.from([AED_HEADER, ...AED_BAD].join('\n')) })).id;
      ids.other = (await svc.resourceCreate(sys, { package_id: 'no-model', name: 'モデルなし', format: 'CSV' }, { filename: 'x.csv', bytes: Buffer.from('名称\nA\n') })).id;
    });
    after(async () => t?.close());

    const api = (id: string, q = '') => t.app.inject({ url: `/api/v1/catalog/resources/${id}/standard-check${q}` });

    it('checks against the model the dataset declares, or the one asked for', async () => {
      const good = (await api(ids.good!)).json();
      assert.equal(good.status, 'ok');
      assert.deepEqual([good.check.model.name, good.check.ok, good.check.rows], ['AED設置箇所一覧', true, 2]);
      const bad = (await api(ids.bad!, '?limit=2')).json();
      assert.deepEqual([bad.check.ok, bad.check.failingRows, bad.check.failures.length], [false, 2, 2]);
      assert.ok(bad.check.failureCount > 2);
      assert.deepEqual(bad.check.failures[0], { row: 2, column: '全国地方公共団体コード', value: '131106', reason: 'lgCodeCheckDigit' });
      const other = (await api(ids.other!, `?model=${encodeURIComponent('公共施設一覧')}`)).json();
      assert.deepEqual(other.check.missing, ['名称_カナ', '住所']);
      assert.equal((await api(ids.other!)).statusCode, 400, 'no declared model and none asked for');
      assert.equal((await api(ids.good!, '?model=99')).statusCode, 400, 'unknown model');
      assert.equal((await api('no-such-resource')).statusCode, 404);
      const models = (await t.app.inject({ url: '/api/v1/catalog/standards' })).json();
      assert.equal(models.length, 14);
    });

    it('shows the result on the dataset page and the models page, in both languages', async () => {
      for (const lang of ['ja', 'en'] as const) {
        const res = await t.app.inject({ url: `/dataset/aed-list?lang=${lang}` });
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /id="standard-heading"/);
        assert.ok(res.body.includes(lang === 'ja' ? '良いファイル: 2 行すべてがモデルに沿っています。' : '良いファイル: all 2 rows follow the model.'));
        assert.ok(res.body.includes(lang === 'ja' ? '全国地方公共団体コードの検査数字が合いません' : 'The check digit of the local government code does not match'));
        assert.ok(!/standards\.[a-z]/.test(res.body), 'no raw message keys');
        const models = await t.app.inject({ url: `/catalog/standards?lang=${lang}` });
        assert.equal(models.statusCode, 200);
        assert.match(models.body, /id="model-01"/);
      }
      const none = await t.app.inject({ url: '/dataset/no-model' });
      assert.ok(!none.body.includes('id="standard-heading"'), 'no section without a declared model');
    });

    it('declares the model in DCAT as dct:conformsTo', async () => {
      const ttl = (await t.app.inject({ url: '/dataset/aed-list.ttl' })).body;
      assert.ok(ttl.includes('dct:conformsTo <https://cio-context.fiware-testbed.jp/dataset#AED設置箇所一覧>'), ttl.slice(0, 200));
    });
  });
}
