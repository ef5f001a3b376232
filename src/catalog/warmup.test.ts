import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, skipFor } from '../../test/helpers.js';
import { act, catalogApp, dataset, token } from './testing.js';
import { searchWarmup, type SearchWarmup } from './module.js';

/** Log lines of the app's logger at info and error level (the test config logs nothing by itself). */
function spyLog(app: FastifyInstance): { level: string; obj: unknown; msg: unknown }[] {
  const seen: { level: string; obj: unknown; msg: unknown }[] = [];
  const log = app.kabuto.log as unknown as Record<string, unknown>;
  for (const level of ['info', 'error']) log[level] = (obj: unknown, msg?: unknown) => void seen.push({ level, obj, msg });
  return seen;
}

for (const dialect of DIALECTS) {
  describe(`catalog search warm-up at start-up [${dialect}]`, { skip: skipFor(dialect) }, () => {
    it('runs one search in the background once the server listens, and logs its duration and the datasets it saw', async () => {
      const t = await catalogApp(dialect);
      try {
        const staff = await token(t.app, 'staff');
        for (const name of ['warm-a', 'warm-b']) assert.equal((await act(t.app, 'package_create', dataset(name), { token: staff })).status, 200);
        // An app that only injects requests (every other test) never warms.
        assert.equal(searchWarmup(t.app.kabuto), undefined);
        const seen = spyLog(t.app);
        await t.app.listen({ port: 0, host: '127.0.0.1' });
        const w = await searchWarmup(t.app.kabuto);
        assert.ok(w && 'datasets' in w, JSON.stringify(w));
        assert.equal(w.datasets, 2);
        const line = seen.find((s) => s.msg === 'catalog search warmed up');
        assert.ok(line, `no warm-up log line in ${JSON.stringify(seen)}`);
        assert.deepEqual(line.obj, { ms: w.ms, datasets: 2 });
      } finally {
        await t.close();
      }
    });

    it('is awaited when the app closes right after listening, so the database is never closed under it', async () => {
      const t = await catalogApp(dialect);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      let settled: SearchWarmup | undefined;
      void searchWarmup(t.app.kabuto)!.then((w) => (settled = w));
      await t.close();
      // One turn for the .then above, which ran after the warm-up settled.
      await Promise.resolve();
      assert.ok(settled, 'the warm-up was still running after close');
      assert.ok(!('error' in settled), JSON.stringify(settled));
    });

    it('logs a failure and keeps serving', async () => {
      const t = await catalogApp(dialect);
      try {
        // An index written by another tokenizer: every search refuses until it is rebuilt.
        await t.app.kabuto.db.updateTable('catalog_search_meta').set({ value: 'another-tokenizer' }).where('key', '=', 'tokenizer').execute();
        const seen = spyLog(t.app);
        await t.app.listen({ port: 0, host: '127.0.0.1' });
        const w = await searchWarmup(t.app.kabuto);
        assert.ok(w && 'error' in w, JSON.stringify(w));
        assert.match(w.error, /another-tokenizer/);
        assert.ok(seen.some((s) => s.level === 'error' && s.msg === 'catalog search warm-up failed'), JSON.stringify(seen));
        const res = await fetch(`http://127.0.0.1:${(t.app.server.address() as { port: number }).port}/healthz`);
        assert.equal(res.status, 200);
      } finally {
        await t.close();
      }
    });
  });
}
