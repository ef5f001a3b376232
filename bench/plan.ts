/**
 * The plan's read path under load: requests per second of `GET /api/v1/plan` and of `GET /plan`,
 * each beside a bare Fastify route returning the same bytes from memory, in the same run.
 *
 * warm: no write between rounds (the cached view answers).
 * cold: a measurement is written through the API (bearer token) right before each round, so the
 *       round starts on a stale cache that must notice the new data version and recompute.
 * Every round has the same length, so cold and warm differ only by the write; rounds are short
 * (half a second) so the recomputation is a visible share of a cold round, and app and bare rounds
 * alternate, pair by pair, so a busy machine slows both sides of a ratio alike.
 *
 * Goals: the API at ≥ 50 % of the bare route, the page at ≥ 25 %.
 */
import { line, type BenchLine, type Benchmark, type BenchOptions } from './format.js';
import { startHost } from './host.js';
import { loadRound, rps, type LoadResult } from './load.js';
import type { PlanHostInfo } from './plan-host.js';

interface Sizes {
  warmupSeconds: number;
  /** Rounds per side (app, bare) for each figure. */
  rounds: number;
  roundSeconds: number;
  connections: number;
}

const FULL: Sizes = { warmupSeconds: 1, rounds: 10, roundSeconds: 0.5, connections: 10 };
const SMOKE: Sizes = { warmupSeconds: 0, rounds: 1, roundSeconds: 0.2, connections: 4 };

const TARGETS = [
  { path: '/api/v1/plan', name: 'plan-api', goal: 0.5 },
  { path: '/plan', name: 'plan-page', goal: 0.25 },
] as const;

export const planBench: Benchmark = {
  name: 'plan',
  description: 'GET /api/v1/plan and GET /plan against a bare route serving the same bytes (req/s, warm and cold)',
  async *run(opts: BenchOptions): AsyncGenerator<BenchLine> {
    const size = opts.smoke ? SMOKE : FULL;
    const host = await startHost<PlanHostInfo>(new URL('./plan-host.ts', import.meta.url));
    try {
      const { app, bare, token, captured } = host.info;
      const { indicator, period } = await writeTarget(app);
      opts.log(`cold rounds write measurements of ${indicator} for FY${period}`);
      let written = 0;
      const write = async () => {
        written += 1;
        const res = await fetch(`${app}/api/v1/plan/indicators/${indicator}/measurements`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ period, value: written, source: 'benchmark' }),
        });
        if (res.status !== 201) throw new Error(`writing a measurement answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      };

      for (const target of TARGETS) {
        const cap = captured[target.path];
        if (!cap || cap.status !== 200) throw new Error(`GET ${target.path} answered ${cap?.status ?? 'nothing'} when its body was captured; cannot benchmark it`);
        opts.log(`${target.path}: ${cap.bytes} bytes, ${cap.contentType}`);
        const round = (base: string, seconds = size.roundSeconds) => loadRound(base + target.path, { seconds, connections: size.connections });

        if (size.warmupSeconds > 0) {
          await round(app, size.warmupSeconds);
          await round(bare, size.warmupSeconds);
        }

        for (const mode of ['warm', 'cold'] as const) {
          const rounds = { app: [] as LoadResult[], bare: [] as LoadResult[] };
          for (let r = 0; r < size.rounds; r++) {
            // Pairs alternate which side goes first, so drift (other load, GC) falls on both alike.
            for (const side of r % 2 ? (['bare', 'app'] as const) : (['app', 'bare'] as const)) {
              if (side === 'bare') {
                rounds.bare.push(await round(bare));
                continue;
              }
              if (mode === 'cold') await write();
              rounds.app.push(await round(app));
            }
          }
          if (mode === 'cold') await expectLatest(app, indicator, written);
          yield report(opts, `${target.name}-${mode}-sqlite`, target.goal, rounds.app, rounds.bare);
        }
      }
    } finally {
      await host.close();
    }
  },
};

function report(opts: BenchOptions, bench: string, goal: number, app: LoadResult[], bare: LoadResult[]): BenchLine {
  const l = line({ bench, value: rps(app), unit: 'req/s', baseline: rps(bare), goal, goal_on: 'ratio', lower_is_better: false });
  const n = app.reduce((s, r) => s + r.requests, 0);
  opts.log(`${bench}: app ${l.value} req/s, bare ${l.baseline} req/s, ratio ${l.ratio} (goal ≥ ${goal}; ${n} app requests in ${app.length} round(s))`);
  return l;
}

interface PlanSummary {
  plan: { toFiscalYear: number; acceptedYears: { min: number; max: number } };
  indicators: { id: string; kind: string; periodBasis: string; binding: { type: string }; latest: { value: number } | null }[];
}

/**
 * Where the cold rounds write: an indicator staff measure by hand (others take their actuals from
 * module metrics and refuse measurements), for the plan's last fiscal year.
 */
async function writeTarget(app: string): Promise<{ indicator: string; period: number }> {
  const res = await fetch(`${app}/api/v1/plan`);
  if (res.status !== 200) throw new Error(`GET /api/v1/plan answered ${res.status}`);
  const { plan, indicators } = (await res.json()) as PlanSummary;
  const ind = indicators.find((i) => i.binding.type === 'manual' && (i.kind === 'cumulative' || i.kind === 'annual') && i.periodBasis === 'fiscal');
  if (!ind) throw new Error('the seeded plan has no manually measured fiscal-year indicator to write to');
  return { indicator: ind.id, period: Math.min(Math.max(plan.toFiscalYear, plan.acceptedYears.min), plan.acceptedYears.max) };
}

/** The cold figure is only honest if the reads after the writes really saw them. */
async function expectLatest(app: string, indicator: string, value: number): Promise<void> {
  const res = await fetch(`${app}/api/v1/plan`);
  const body = (await res.json()) as PlanSummary;
  const latest = body.indicators.find((i) => i.id === indicator)?.latest;
  if (latest?.value !== value) throw new Error(`after the last write (value ${value}) the plan API still shows ${JSON.stringify(latest)} for ${indicator}: the cache did not notice the write`);
}
