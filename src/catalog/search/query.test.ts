import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseQuery, type QueryNode } from './query.js';
import { SearchQueryError } from './errors.js';
import { fts5Expression, isPureText, tsQueryExpression } from './fts.js';
import { parseSort } from './index.js';

const NOW = Date.parse('2024-06-15T12:00:00Z');
const q = (s: string) => parseQuery(s, { mode: 'q', now: NOW });
const fq = (s: string) => parseQuery(s, { mode: 'fq', now: NOW });
const text = (...words: string[]): QueryNode => ({ kind: 'text', column: 'any', chunks: words.map((w) => [...w]), phrase: false });

describe('CKAN query parser', () => {
  it('reads free text, AND by default, OR and NOT', () => {
    assert.deepEqual(q('保育 人口'), { kind: 'and', items: [text('保育'), text('人口')] });
    assert.deepEqual(q('保育 OR 人口'), { kind: 'or', items: [text('保育'), text('人口')] });
    assert.deepEqual(q('保育 AND NOT 人口'), { kind: 'and', items: [text('保育'), { kind: 'not', item: text('人口') }] });
    assert.deepEqual(q('+保育 -人口'), { kind: 'and', items: [text('保育'), { kind: 'not', item: text('人口') }] });
    assert.deepEqual(q('(保育 OR 幼稚園) 人口'), { kind: 'and', items: [{ kind: 'or', items: [text('保育'), text('幼稚園')] }, text('人口')] });
  });

  it('keeps a quoted phrase as one phrase and folds widths', () => {
    assert.deepEqual(q('"保育 人口"'), { kind: 'text', column: 'any', chunks: [['保', '育'], ['人', '口']], phrase: true });
    assert.deepEqual(q('ＡＥＤ'), text('aed'));
  });

  it('reads field terms, groups, wildcards and ranges', () => {
    assert.deepEqual(fq('tags:保育'), { kind: 'term', field: 'tags', value: '保育', match: 'exact' });
    assert.deepEqual(fq('tags:"子育て 支援"'), { kind: 'term', field: 'tags', value: '子育て 支援', match: 'exact' });
    assert.deepEqual(fq('res_format:(CSV OR XLSX)'), {
      kind: 'or',
      items: [
        { kind: 'term', field: 'res_format', value: 'CSV', match: 'exact' },
        { kind: 'term', field: 'res_format', value: 'XLSX', match: 'exact' },
      ],
    });
    assert.deepEqual(fq('-organization:meguro'), { kind: 'not', item: { kind: 'term', field: 'organization', value: 'meguro', match: 'exact' } });
    assert.deepEqual(fq('tags:*'), { kind: 'term', field: 'tags', value: '', match: 'exists' });
    assert.deepEqual(fq('license_id:cc-by*'), { kind: 'term', field: 'license_id', value: 'cc-by', match: 'prefix' });
    assert.deepEqual(fq('metadata_modified:[2020-01-01T00:00:00Z TO NOW]'), { kind: 'range', field: 'metadata_modified', from: Date.parse('2020-01-01T00:00:00Z'), to: NOW, fromInclusive: true, toInclusive: true });
    assert.deepEqual(fq('metadata_created:{* TO NOW-1YEAR}'), { kind: 'range', field: 'metadata_created', from: null, to: Date.parse('2023-06-15T12:00:00Z'), fromInclusive: false, toInclusive: false });
    assert.deepEqual(fq('metadata_modified:[NOW/DAY-7DAYS TO *]'), { kind: 'range', field: 'metadata_modified', from: Date.parse('2024-06-08T00:00:00Z'), to: null, fromInclusive: true, toInclusive: true });
    assert.deepEqual(q('title:保育'), { kind: 'text', column: 'title', chunks: [['保', '育']], phrase: false });
    assert.deepEqual(q('*:*'), { kind: 'all' });
    assert.equal(q(''), null);
    assert.equal(q('""'), null);
  });

  it('searches what Solr would not understand as text', () => {
    assert.deepEqual(q('NEAR(a b)'), { kind: 'and', items: [text('near'), { kind: 'and', items: [text('a'), text('b')] }] });
    assert.deepEqual(q('保育*'), text('保育'));
    assert.deepEqual(q('foo:bar'), text('foo', 'bar'));
    assert.equal(q('-'), null);
    assert.deepEqual(q('保育 - 人口'), { kind: 'and', items: [text('保育'), text('人口')] });
    assert.equal(q('AND'), null);
    assert.deepEqual(q('保育 AND'), text('保育'));
  });

  it('refuses what would mislead: unbalanced quotes or parentheses, local params, bad ranges, unknown fq fields', () => {
    for (const bad of ['"保育', '(保育', '保育)', '{!lucene}保育', 'x {!func}y']) assert.throws(() => q(bad), SearchQueryError, bad);
    for (const bad of ['metadata_modified:[2020 TO', 'metadata_modified:[2020-01-01 TO soon]', 'tags:[a TO b]', 'nosuchfield:x', 'tags:', 'tags:a*b']) assert.throws(() => fq(bad), SearchQueryError, bad);
    assert.throws(() => q('('.repeat(40) + 'a' + ')'.repeat(40)), SearchQueryError);
    assert.throws(() => q('x'.repeat(3000)), SearchQueryError);
    assert.throws(() => parseSort('popularity desc'), SearchQueryError);
    assert.deepEqual(parseSort('title_string asc'), [{ field: 'title_string', desc: false }]);
    assert.deepEqual(parseSort(undefined), [
      { field: 'score', desc: true },
      { field: 'metadata_modified', desc: true },
    ]);
  });

  it('never throws anything but SearchQueryError, and text compiles to encoded words only (property)', () => {
    const alphabet = fc.constantFrom(...'保育京都人口 ()"\'*:-+!{}[]\\^~?&|ANDORNOTtagsTO,.aé　ｶﾅ'.split(''), 'AND', 'OR', 'NOT', 'tags:', 'title:', 'metadata_modified:', '[* TO NOW]', 'NEAR', '{!', '*:*');
    const queries = fc.oneof(fc.string({ maxLength: 60 }), fc.array(alphabet, { maxLength: 20 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 30 }));
    fc.assert(
      fc.property(queries, fc.boolean(), (s, asFq) => {
        let node: QueryNode | null;
        try {
          node = asFq ? fq(s) : q(s);
        } catch (err) {
          if (err instanceof SearchQueryError) return;
          throw err;
        }
        const visit = (n: QueryNode) => {
          if (isPureText(n)) {
            assert.match(fts5Expression(n), /^[()kA-Za-z0-9 ":*]*$/);
            assert.match(tsQueryExpression(n), /^[()k0-9a-f '<\->&|!:*AC]*$/);
          }
          if (n.kind === 'and' || n.kind === 'or') n.items.forEach(visit);
          if (n.kind === 'not') visit(n.item);
        };
        if (node) visit(node);
      }),
      { numRuns: 3000 },
    );
  });
});
