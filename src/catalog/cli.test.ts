import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kabuto, show, tempDir } from '../../test/cli/run.js';

const MEGURO = fileURLToPath(new URL('./fixtures/tokyo-catalog-meguro-metadata.csv', import.meta.url));

describe('kabuto catalog import and reindex', () => {
  let tmp: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  before(() => {
    tmp = tempDir();
    env = { DATABASE_URL: `sqlite:${join(tmp.dir, 'kabuto.db')}`, DATA_DIR: tmp.dir };
  });
  after(() => tmp?.cleanup());

  it('imports the Meguro export with a progress line, then reports a second run unchanged', async () => {
    const first = await kabuto(['catalog', 'import', MEGURO], { env });
    assert.equal(first.code, 0, show(first));
    assert.match(first.stdout, /^created\s+47$/m);
    assert.match(first.stdout, /^resources: 215$/m);
    assert.match(first.stdout, /^problems: 0$/m);
    assert.match(first.stderr, /catalog import: 100% \(47\/47 datasets\)/);
    const second = await kabuto(['catalog', 'import', MEGURO], { env });
    assert.equal(second.code, 0, show(second));
    assert.match(second.stdout, /^created\s+0$/m);
    assert.match(second.stdout, /^unchanged\s+47$/m);
  });

  it('lists every problem with its row, dataset, column and reason, and exits 1', async () => {
    const lines = readFileSync(MEGURO, 'utf8').split('\n');
    const bad = join(tmp.dir, 'bad.csv');
    const row = 't131105d0000000777,壊れた日付,説明,,,クリエイティブ・コモンズ 表示（CC BY）,目黒区,,総務課,2022/13/01 10:00:00,2022/04/02 10:00:00,毎月,生活,一つ目,https://example.jp/a.csv,,CSV,1KB,0,,';
    writeFileSync(bad, [lines[0], row].join('\n'));
    const r = await kabuto(['catalog', 'import', bad], { env });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /^2\s+t131105d0000000777\s+データセット作成日時\s+not a date/m);
    assert.match(r.stderr, /1 problem\(s\)/);
    const missing = await kabuto(['catalog', 'import', join(tmp.dir, 'nope.csv')], { env });
    assert.equal(missing.code, 2);
  });

  it('rebuilds the search index', async () => {
    const r = await kabuto(['catalog', 'reindex'], { env });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), '47');
  });
});
