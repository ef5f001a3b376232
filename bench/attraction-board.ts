/**
 * The attraction pipeline board under load: requests per second of `GET /attraction/board` (a
 * signed-in staff member's cookie; 5,000 leads, every card rendered) beside a bare Fastify route
 * returning the same bytes from memory, in the same run.
 *
 * warm: no write between rounds (the board's body comes from its cache; the session, the data
 *       versions and the layout are still read and rendered on every request).
 * cold: a lead is changed through the API (bearer token) right before each round, so the round
 *       starts on a stale cache that must read and render the whole board again.
 * Rounds are short and of one length for both modes, and app and bare alternate pair by pair.
 *
 * Goal: the board at ≥ 25 % of the bare route.
 */
import { line, type BenchLine, type Benchmark, type BenchOptions } from './format.js';
import { startHost } from './host.js';
import { loadRound, rps, type LoadResult } from './load.js';
import type { BoardHostInfo } from './attraction-board-host.js';

// The host module runs a server when imported: only its types are imported here.
const BOARD_PATH = '/attraction/board';

interface Sizes {
  leads: number;
  warmupSeconds: number;
  rounds: number;
  roundSeconds: number;
  connections: number;
}

const FULL: Sizes = { leads: 5000, warmupSeconds: 1, rounds: 8, roundSeconds: 0.5, connections: 10 };
const SMOKE: Sizes = { leads: 40, warmupSeconds: 0, rounds: 1, roundSeconds: 0.2, connections: 4 };
const GOAL = 0.25;

export const attractionBoardBench: Benchmark = {
  name: 'attraction-board',
  description: 'GET /attraction/board with 5,000 leads (staff cookie) against a bare route serving the same bytes (req/s, warm and cold)',
  async *run(opts: BenchOptions): AsyncGenerator<BenchLine> {
    const size = opts.smoke ? SMOKE : FULL;
    const started = Date.now();
    const host = await startHost<BoardHostInfo>(new URL('./attraction-board-host.ts', import.meta.url), { BENCH_LEADS: String(size.leads) });
    try {
      const { app, bare, cookie, token, leadId, captured, expectedCards } = host.info;
      opts.log(`${size.leads} leads seeded in ${((Date.now() - started) / 1000).toFixed(1)} s; ${BOARD_PATH}: ${captured.status}, ${captured.bytes} bytes, ${captured.cards} cards`);
      if (captured.status !== 200) throw new Error(`GET ${BOARD_PATH} answered ${captured.status} when its body was captured; cannot benchmark it`);
      if (captured.cards !== expectedCards) throw new Error(`the board shows ${captured.cards} cards; ${expectedCards} expected for ${size.leads} leads`);

      let written = 0;
      const write = async () => {
        written += 1;
        const res = await fetch(`${app}/api/v1/attraction/leads/${leadId}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ notes: `benchmark edit ${written}` }),
        });
        if (res.status !== 200) throw new Error(`editing a lead answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      };
      const round = (base: string) => loadRound(base + BOARD_PATH, { seconds: size.roundSeconds, connections: size.connections, headers: base === app ? { cookie } : undefined });

      if (size.warmupSeconds > 0) {
        await loadRound(app + BOARD_PATH, { seconds: size.warmupSeconds, connections: size.connections, headers: { cookie } });
        await loadRound(bare + BOARD_PATH, { seconds: size.warmupSeconds, connections: size.connections });
      }
      for (const mode of ['warm', 'cold'] as const) {
        const rounds = { app: [] as LoadResult[], bare: [] as LoadResult[] };
        for (let r = 0; r < size.rounds; r++) {
          for (const side of r % 2 ? (['bare', 'app'] as const) : (['app', 'bare'] as const)) {
            if (side === 'bare') {
              rounds.bare.push(await round(bare));
              continue;
            }
            if (mode === 'cold') await write();
            rounds.app.push(await round(app));
          }
        }
        yield report(opts, `attraction-board-${mode}-sqlite`, rounds.app, rounds.bare);
      }
      // The cold figure is only honest if the reads after the writes did read the pipeline again.
      const after = await (await fetch(`${app}/api/v1/attraction/leads/${leadId}`, { headers: { authorization: `Bearer ${token}` } })).json();
      if ((after as { notes: string }).notes !== `benchmark edit ${written}`) throw new Error('the last write did not land');
    } finally {
      await host.close();
    }
  },
};

function report(opts: BenchOptions, bench: string, app: LoadResult[], bare: LoadResult[]): BenchLine {
  const l = line({ bench, value: rps(app), unit: 'req/s', baseline: rps(bare), goal: GOAL, goal_on: 'ratio', lower_is_better: false });
  const n = app.reduce((s, r) => s + r.requests, 0);
  opts.log(`${bench}: app ${l.value} req/s, bare ${l.baseline} req/s, ratio ${l.ratio} (goal ≥ ${GOAL}; ${n} app requests in ${app.length} round(s))`);
  return l;
}
