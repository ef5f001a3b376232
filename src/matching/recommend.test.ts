import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecommenderIndex, conceptLabel, type CardDoc } from './recommend.js';
import { analyze } from './analyze.js';
import { plantedRecall, syntheticMarketplace } from '../../bench/matching-data.js';

const doc = (over: Partial<CardDoc> & Pick<CardDoc, 'id' | 'companyId' | 'kind'>): CardDoc => ({ title: '', text: '', jsic: [], regions: [], country: 'JP', tokyo: true, ...over });

describe('recommendations', () => {
  it('reads a Japanese card and an English card about the same thing into the same concepts', () => {
    const ja = analyze('キャッシュレス決済と本人確認の仕組みを探しています');
    const en = analyze('We offer cashless solutions, payments and identity verification (eKYC)');
    for (const c of ['c:cashless', 'c:payment', 'c:identity verification']) {
      assert.ok(ja.has(c), `Japanese: ${c}`);
      assert.ok(en.has(c), `English: ${c}`);
    }
    assert.equal(conceptLabel('payment', 'ja'), '決済');
    assert.equal(conceptLabel('payment', 'en'), 'payment');
  });

  it('recommends the answering card across languages, never the reader\'s own and never one already met', () => {
    const need = doc({ id: 1, companyId: 10, kind: 'procurement-need', title: '物流倉庫向けの在庫管理と需要予測', text: 'AIによる需要予測と在庫管理システムを導入したい。', jsic: ['H'] });
    const offer = doc({ id: 2, companyId: 20, kind: 'product-offer', title: 'Inventory management with demand forecasting', text: 'Our AI forecasts demand for warehouses.', jsic: ['H'], country: 'DE', tokyo: false });
    const ownOther = doc({ id: 3, companyId: 10, kind: 'product-offer', title: '在庫管理', text: '', jsic: ['H'] });
    const wrongKind = doc({ id: 4, companyId: 30, kind: 'procurement-need', title: 'Inventory management and demand forecasting needed', text: '', jsic: ['H'], country: 'US', tokyo: false });
    const unrelated = doc({ id: 5, companyId: 40, kind: 'product-offer', title: 'Dental imaging', text: 'Radiology for clinics', jsic: ['P'], country: 'US', tokyo: false });
    const index = new RecommenderIndex([need, offer, ownOther, wrongKind, unrelated]);
    const recs = index.recommend({ companyId: 10, country: 'JP', tokyo: true, own: [need] });
    assert.equal(recs[0]?.cardId, 2);
    assert.ok(!recs.some((r) => r.companyId === 10), 'not its own company');
    assert.ok(!recs.some((r) => r.cardId === 4), 'a need does not answer a need');
    assert.deepEqual(recs[0]!.reason.industries, ['H']);
    assert.ok(recs[0]!.reason.concepts.includes('inventory management'), recs[0]!.reason.concepts.join());
    const back = index.recommend({ companyId: 20, country: 'DE', tokyo: false, own: [offer] });
    assert.equal(back[0]?.cardId, 1, 'reciprocal: the offer sees the need');
    const blocked = index.recommend({ companyId: 10, country: 'JP', tokyo: true, own: [need], blocked: new Set([2]) });
    assert.ok(!blocked.some((r) => r.cardId === 2));
  });

  it('prefers a card whose company also wants what the reader offers', () => {
    const mineNeed = doc({ id: 1, companyId: 1, kind: 'procurement-need', title: 'Cybersecurity audit', jsic: ['J'] });
    const mineOffer = doc({ id: 2, companyId: 1, kind: 'product-offer', title: 'Cloud accounting software', jsic: ['J'] });
    const plain = doc({ id: 3, companyId: 2, kind: 'product-offer', title: 'Cybersecurity audit', jsic: ['J'] });
    const mutual = doc({ id: 4, companyId: 3, kind: 'product-offer', title: 'Cybersecurity audit', jsic: ['J'] });
    const mutualNeed = doc({ id: 5, companyId: 3, kind: 'procurement-need', title: 'Cloud accounting software wanted', jsic: ['J'] });
    const recs = new RecommenderIndex([mineNeed, mineOffer, plain, mutual, mutualNeed]).recommend({ companyId: 1, country: 'JP', tokyo: true, own: [mineNeed, mineOffer] });
    assert.equal(recs[0]?.cardId, 4);
    assert.equal(recs[0]?.reason.mutual, true);
    assert.equal(recs.find((r) => r.cardId === 3)?.reason.mutual, false);
  });

  it('gives the same list with its shortcuts as when it scores every candidate', () => {
    const market = syntheticMarketplace({ pairs: 60, noise: 2000, seed: 13 });
    const index = new RecommenderIndex(market.cards);
    for (const [a, b] of market.planted) {
      for (const reader of [a, b]) {
        const q = { companyId: reader.companyId, country: reader.country, tokyo: reader.tokyo, own: index.cardsOfCompany(reader.companyId), limit: 10 };
        assert.deepEqual(index.recommend(q), index.recommend({ ...q, exhaustive: true }));
      }
    }
  });

  it('finds planted bilingual reciprocal pairs among noise: recall@10 ≥ 0.8, well above a same-industry baseline', (t) => {
    const market = syntheticMarketplace({ pairs: 200, noise: 3000, seed: 5 });
    const { hits, base: baseHits, queries } = plantedRecall(market, new RecommenderIndex(market.cards));
    const recall = hits / queries;
    const baseline = baseHits / queries;
    t.diagnostic(`recall@10 over ${queries} queries (200 pairs, both directions, ${market.cards.length} cards): ${recall.toFixed(3)}; same-industry baseline ${baseline.toFixed(3)}`);
    assert.ok(recall >= 0.8, `recall@10 ${recall}`);
    assert.ok(recall > baseline + 0.3, `baseline ${baseline}`);
  });
});
