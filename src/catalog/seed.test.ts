import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { planService } from '../plan/index.js';
import { foldLongVowels, romanizeMunicipality } from './romanize.js';
import { licenceIdFor } from './licences.js';
import { OPEN_DATA_INDICATOR, seedCatalog, seedOrganizations, seedReferenceData } from './seed.js';
import { act, dataset, token } from './testing.js';

/** Check digit of a local government code (MIC's rule: weights 6..2 over the first five digits; the last digit of 11 minus the sum mod 11). */
function checkDigit(code5: string): number {
  const sum = [...code5].reduce((s, d, i) => s + Number(d) * (6 - i), 0);
  return (11 - (sum % 11)) % 10;
}

describe('municipality names romanized from kana', () => {
  const cases: [string, string, string][] = [
    ['千代田区', 'ﾁﾖﾀﾞｸ', 'Chiyoda-ku'],
    ['中央区', 'ﾁｭｳｵｳｸ', 'Chuo-ku'],
    ['大田区', 'ｵｵﾀｸ', 'Ota-ku'],
    ['江東区', 'ｺｳﾄｳｸ', 'Koto-ku'],
    ['八王子市', 'ﾊﾁｵｳｼﾞｼ', 'Hachioji-shi'],
    ['青梅市', 'ｵｳﾒｼ', 'Ome-shi'],
    ['小金井市', 'ｺｶﾞﾈｲｼ', 'Koganei-shi'],
    ['檜原村', 'ﾋﾉﾊﾗﾑﾗ', 'Hinohara-mura'],
    ['青ヶ島村', 'ｱｵｶﾞｼﾏﾑﾗ', 'Aogashima-mura'],
    ['八丈町', 'ﾊﾁｼﾞｮｳﾏﾁ', 'Hachijo-machi'],
    ['新島村', 'ﾆｲｼﾞﾏﾑﾗ', 'Niijima-mura'],
    ['神津島村', 'ｺｳﾂﾞｼﾏﾑﾗ', 'Kozushima-mura'],
    ['日の出町', 'ﾋﾉﾃﾞﾏﾁ', 'Hinode-machi'],
    ['福生市', 'ﾌｯｻｼ', 'Fussa-shi'],
    ['西東京市', 'ﾆｼﾄｳｷｮｳｼ', 'Nishitokyo-shi'],
  ];
  for (const [kanji, kana, en] of cases) {
    it(`${kanji} (${kana}) → ${en}`, () => {
      const r = romanizeMunicipality(kanji, kana);
      assert.equal(r.en, en);
      assert.equal(r.slug, en.toLowerCase());
    });
  }

  it('folds ou, oo and uu but keeps ii and ei', () => {
    assert.equal(foldLongVowels('toukyou'), 'tokyo');
    assert.equal(foldLongVowels('niijima'), 'niijima');
    assert.equal(foldLongVowels('koganei'), 'koganei');
  });

  it('refuses a name whose suffix does not match its kana', () => {
    assert.throws(() => romanizeMunicipality('千代田区', 'ﾁﾖﾀﾞｼ'), /suffix/);
  });
});

describe('seeded organizations', () => {
  const orgs = seedOrganizations('2019-06-15T03:00:00.000Z');

  it('has the TMG, its 24 bureaus and the 62 municipalities of Tokyo, with unique names', () => {
    assert.equal(orgs.filter((o) => o.kind === 'tmg').length, 1);
    assert.equal(orgs.filter((o) => o.kind === 'bureau').length, 24);
    const m = orgs.filter((o) => o.kind === 'municipality');
    assert.equal(m.length, 62);
    assert.equal(m.filter((o) => o.name.endsWith('-ku')).length, 23);
    assert.equal(m.filter((o) => o.name.endsWith('-shi')).length, 26);
    assert.equal(m.filter((o) => o.name.endsWith('-machi')).length, 5);
    assert.equal(m.filter((o) => o.name.endsWith('-mura')).length, 8);
    assert.equal(new Set(orgs.map((o) => o.name)).size, orgs.length);
    assert.equal(new Set(orgs.map((o) => o.id)).size, orgs.length);
    const meguro = orgs.find((o) => o.title_ja === '目黒区')!;
    assert.deepEqual([meguro.id, meguro.name, meguro.title_en, meguro.kana], ['131105', 'meguro-ku', 'Meguro-ku', 'メグロク']);
    const bureau = orgs.find((o) => o.id === '130001-sangyorodo')!;
    assert.deepEqual([bureau.name, bureau.title_ja, bureau.parent_id], ['tokyo-sangyorodo', '産業労働局', '130001']);
  });

  it('keeps valid local government codes (the last digit checks the first five)', () => {
    for (const o of orgs.filter((x) => x.lg_code)) assert.equal(Number(o.lg_code!.slice(5)), checkDigit(o.lg_code!.slice(0, 5)), `${o.title_ja} ${o.lg_code}`);
  });

  it('maps the licence labels of catalog exports to licence ids', () => {
    assert.equal(licenceIdFor('クリエイティブ・コモンズ 表示（CC BY）'), 'cc-by-4.0');
    assert.equal(licenceIdFor('ＣＣ　ＢＹ　４．０'), 'cc-by-4.0');
    assert.equal(licenceIdFor('政府標準利用規約（第2.0版）'), 'gov-std-2.0');
    assert.equal(licenceIdFor('公共データ利用規約（第1.0版）'), 'pdl-1.0');
    assert.equal(licenceIdFor('CC0'), 'cc-zero');
    assert.equal(licenceIdFor('all rights reserved'), undefined);
  });
});

for (const dialect of DIALECTS) {
  describe(`catalog seed and the plan's open-data indicator [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    before(async () => {
      // The shipped plan is seeded first (the plan module runs before the catalog), then the catalog's seed binds the indicator.
      t = await testApp(dialect, { config: { seedPlan: true }, now: '2020-06-15T03:00:00Z' });
    });
    after(async () => t?.close());

    it('seeds reference data once: a second run adds nothing', async () => {
      const again = await seedReferenceData({ db: t.handle.db, clock: t.clock });
      assert.deepEqual(again, { organizations: 0, groups: 0, licences: 0 });
      await seedCatalog(t.app.kabuto);
      const n = await t.app.kabuto.db.selectFrom('catalog_organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 87);
    });

    it('binds IND-OPEN-DATA to catalog.datasets-published, and publishing a dataset moves its actual', async () => {
      const plan = planService(t.app.kabuto);
      const before = await plan.indicator(OPEN_DATA_INDICATOR);
      assert.equal(before.binding.type, 'metric');
      const fy2020 = (i: typeof before) => i.actuals.find((a) => a.year === 2020)?.value ?? 0;
      const start = fy2020(before);

      const staff = await token(t.app, 'staff');
      const created = await act(t.app, 'package_create', dataset('plan-metric-one'), { token: staff });
      assert.equal(created.status, 200);
      assert.equal(fy2020(await plan.indicator(OPEN_DATA_INDICATOR)), start + 1, 'a public dataset counts in the fiscal year it was published');

      // Private and draft datasets are not published; making one public counts it then.
      const priv = await act(t.app, 'package_create', dataset('plan-metric-private', 'tokyo', { private: true }), { token: staff });
      assert.equal(fy2020(await plan.indicator(OPEN_DATA_INDICATOR)), start + 1);
      t.clock.set('2021-04-01T00:00:00Z'); // 09:00 on 1 April in Tokyo: FY2021
      await act(t.app, 'package_patch', { id: priv.body.result.id, private: false }, { token: staff });
      const later = await plan.indicator(OPEN_DATA_INDICATOR);
      assert.equal(later.actuals.find((a) => a.year === 2021)?.value, 1);

      // A deleted dataset leaves the count of its year.
      await act(t.app, 'package_delete', { id: created.body.result.id }, { token: staff });
      assert.equal(fy2020(await plan.indicator(OPEN_DATA_INDICATOR)), start);
    });
  });
}
