/**
 * CKAN package_show under load: requests per second of `GET /api/3/action/package_show?id=…` (an
 * anonymous reader, as most catalog clients are) beside a bare Fastify route returning the same
 * bytes from memory, in the same run.
 *
 * warm: no write between rounds (the answer comes from the cache keyed by the catalog's version).
 * cold: the dataset is patched through the API right before each round, so each round starts on a
 *       stale cache and the first request rebuilds the package dict from the database.
 *
 * Goal: package_show at ≥ 50 % of the bare route.
 */
import { line, type BenchLine, type Benchmark, type BenchOptions } from './format.js';
import { startHost } from './host.js';
import { loadRound, rps, type LoadResult } from './load.js';
import type { CatalogShowHostInfo } from './catalog-show-host.js';

const PATH = '/api/3/action/package_show?id=t131105d0000000003';
const GOAL = 0.5;

interface Sizes {
  warmupSeconds: number;
  warmRounds: number;
  warmSeconds: number;
  coldRounds: number;
  coldSeconds: number;
  connections: number;
}

const FULL: Sizes = { warmupSeconds: 1, warmRounds: 3, warmSeconds: 2, coldRounds: 8, coldSeconds: 0.25, connections: 10 };
const SMOKE: Sizes = { warmupSeconds: 0, warmRounds: 1, warmSeconds: 0.2, coldRounds: 1, coldSeconds: 0.2, connections: 4 };

export const catalogShowBench: Benchmark = {
  name: 'catalog-show',
  description: 'CKAN package_show (anonymous) against a bare route serving the same bytes (req/s, warm and cold)',
  async *run(opts: BenchOptions): AsyncGenerator<BenchLine> {
    const size = opts.smoke ? SMOKE : FULL;
    const host = await startHost<CatalogShowHostInfo>(new URL('./catalog-show-host.ts', import.meta.url));
    try {
      const { app, bare, token, status, bytes } = host.info;
      if (status !== 200) throw new Error(`package_show answered ${status} when its body was captured`);
      opts.log(`${PATH}: ${bytes} bytes`);
      let written = 0;
      const write = async () => {
        written += 1;
        const res = await fetch(`${app}/api/3/action/package_patch`, {
          method: 'POST',
          headers: { authorization: token, 'content-type': 'application/json' },
          body: JSON.stringify({ id: 't131105d0000000003', version: `bench-${written}` }),
        });
        if (res.status !== 200) throw new Error(`package_patch answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      };
      const round = (base: string, seconds: number) => loadRound(base + PATH, { seconds, connections: size.connections });
      if (size.warmupSeconds > 0) {
        await round(app, size.warmupSeconds);
        await round(bare, size.warmupSeconds);
      }
      const warm = { app: [] as LoadResult[], bare: [] as LoadResult[] };
      for (let r = 0; r < size.warmRounds; r++) {
        for (const side of r % 2 ? (['bare', 'app'] as const) : (['app', 'bare'] as const)) warm[side].push(await round(side === 'app' ? app : bare, size.warmSeconds));
      }
      yield report(opts, 'catalog-show-warm-sqlite', warm.app, warm.bare);

      const cold = { app: [] as LoadResult[], bare: [] as LoadResult[] };
      for (let r = 0; r < size.coldRounds; r++) {
        for (const side of r % 2 ? (['bare', 'app'] as const) : (['app', 'bare'] as const)) {
          if (side === 'app') {
            await write();
            cold.app.push(await round(app, size.coldSeconds));
          } else cold.bare.push(await round(bare, size.coldSeconds));
        }
      }
      // The cold figure is honest only if reads after the writes saw them.
      const shown = (await (await fetch(app + PATH)).json()) as { result: { version: string } };
      if (shown.result.version !== `bench-${written}`) throw new Error(`after the last write package_show still shows version ${shown.result.version}: the cache did not notice`);
      yield report(opts, 'catalog-show-cold-sqlite', cold.app, cold.bare);
    } finally {
      await host.close();
    }
  },
};

function report(opts: BenchOptions, bench: string, app: LoadResult[], bare: LoadResult[]): BenchLine {
  const l = line({ bench, value: rps(app), unit: 'req/s', baseline: rps(bare), goal: GOAL, goal_on: 'ratio', lower_is_better: false });
  opts.log(`${bench}: app ${l.value} req/s, bare ${l.baseline} req/s, ratio ${l.ratio} (goal ≥ ${GOAL})`);
  return l;
}
