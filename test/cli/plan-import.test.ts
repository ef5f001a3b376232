import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/core/db/index.js';
import { kabuto, show, tempDir } from './run.js';

const PLAN = 'seed/plan/tokyo-econ-plan.json';

describe('kabuto plan import', () => {
  let tmp: ReturnType<typeof tempDir>;
  let url: string;
  before(() => {
    tmp = tempDir();
    url = `sqlite:${join(tmp.dir, 'kabuto.db')}`;
  });
  after(() => tmp?.cleanup());

  it('imports the shipped plan with its 18 targets, then reports a second run unchanged', async () => {
    const first = await kabuto(['plan', 'import', PLAN], { env: { DATABASE_URL: url } });
    assert.equal(first.code, 0, show(first));
    assert.match(first.stdout, /: created/);
    assert.match(first.stdout, /^targets\s+18$/m);
    assert.match(first.stdout, /^revisions: 0$/m);
    assert.match(first.stdout, /^conflicts: 0$/m);
    assert.match(first.stderr, /plan import: 100%/, 'plain progress lines when stderr is not a terminal');

    const h = openDatabase(url);
    try {
      const n = await h.db.selectFrom('plan_targets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 18);
    } finally {
      await h.close();
    }

    const second = await kabuto(['plan', 'import', PLAN], { env: { DATABASE_URL: url } });
    assert.equal(second.code, 0, show(second));
    assert.match(second.stdout, /: unchanged/);
    assert.match(second.stdout, /^targets\s+18$/m);
  });

  it('reports where a plan file is broken and exits 1', async () => {
    const file = join(tmp.dir, 'broken.json');
    writeFileSync(file, '{\n  "meta": {,\n}\n');
    const r = await kabuto(['plan', 'import', file], { env: { DATABASE_URL: url } });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /plan file invalid at \S+/);
    assert.match(r.stderr, /nothing was written/);
  });

  it('exits 2 for a file that does not exist', async () => {
    const r = await kabuto(['plan', 'import', join(tmp.dir, 'missing.json')], { env: { DATABASE_URL: url } });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /no such file/);
  });
});
