import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bigramPhrases, bigrams, decodeToken, encodeToken, normalize } from './text.js';
import { fts5Match, tsQuery } from './fts.js';

describe('search text', () => {
  it('folds widths and cases', () => {
    assert.equal(normalize('ＡＥＤ'), 'aed');
    assert.equal(normalize('ａｅｄ'), 'aed');
    assert.equal(normalize('ｶﾅ'), 'カナ');
    assert.equal(normalize('  Tokyo\u3000Metro '), 'tokyo metro');
  });
  it('splits words into overlapping bigrams, so two-character words are found', () => {
    assert.deepEqual(bigrams('保育園'), ['保育', '育園']);
    assert.deepEqual(bigrams('人口'), ['人口']);
    assert.deepEqual(bigrams('A・B'), ['a', 'b']);
    assert.deepEqual(bigramPhrases('三菱 商事'), [['三菱'], ['商事']]);
  });
  it('encodes tokens so query syntax in user text is inert', () => {
    for (const nasty of ['"', 'OR', '*', 'NEAR(a b)', 'title:x', '-', '(', "'; drop table x; --"]) {
      const enc = encodeToken(nasty);
      assert.match(enc, /^k[0-9a-f]+$/);
      assert.equal(decodeToken(enc), nasty);
    }
    assert.match(fts5Match([['"a', 'b*']]), /^"k[0-9a-f]+ k[0-9a-f]+"$/);
    assert.match(tsQuery([['a:', 'b'], ['c']]), /^\(k[0-9a-f]+ <-> k[0-9a-f]+\) & \(k[0-9a-f]+\)$/);
  });
});
