/**
 * Every benchmark runs at smoke size inside `npm test`: it must run and print lines that fit the
 * STYLE.md schema. Speed is never checked here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LINE_KEYS, line, lineProblems, formatLine } from './format.js';
import { benchmarks } from './benchmarks.js';

const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const good = { bench: 'plan-api-warm-sqlite', value: 5000, unit: 'req/s', baseline: 10000, ratio: 0.5, goal: 0.5, goal_on: 'ratio', lower_is_better: false };

describe('benchmark line schema', () => {
  it('accepts the example line from STYLE.md', () => {
    assert.deepEqual(lineProblems({ bench: 'catalog-search-1m-sqlite', value: 12.3, unit: 'ms', baseline: 7.9, ratio: 1.56, goal: 2, goal_on: 'ratio', lower_is_better: true }), []);
  });

  it('rejects a missing field, an unknown field and a wrong type', () => {
    const { unit: _u, ...noUnit } = good;
    assert.match(lineProblems(noUnit).join(), /missing field: unit/);
    assert.match(lineProblems({ ...good, extra: 1 }).join(), /unknown field/);
    assert.match(lineProblems({ ...good, value: '5000' }).join(), /value must be a finite number/);
    assert.match(lineProblems({ ...good, lower_is_better: 'no' }).join(), /lower_is_better/);
    assert.match(lineProblems({ ...good, goal_on: 'speed' }).join(), /goal_on/);
    assert.match(lineProblems({ ...good, bench: 'Plan API' }).join(), /bench must be/);
  });

  it('rejects a ratio that is not value / baseline', () => {
    assert.match(lineProblems({ ...good, ratio: 2 }).join(), /ratio must be value \/ baseline/);
    assert.match(lineProblems({ ...good, baseline: 0, ratio: 0 }).join(), /baseline must be positive/);
  });

  it('derives the ratio when a line is built and prints the keys in schema order', () => {
    const l = line({ bench: 'x-y', value: 1234.4, unit: 'req/s', baseline: 4321.6, goal: 0.5, goal_on: 'ratio', lower_is_better: false });
    assert.equal(l.ratio, 0.286);
    assert.deepEqual(Object.keys(JSON.parse(formatLine(l)) as object), [...LINE_KEYS]);
  });
});

describe('npm run bench at smoke size', () => {
  it('runs every benchmark and prints only lines that fit the schema', async () => {
    const { code, stdout, stderr } = await runBench(['--smoke']);
    assert.equal(code, 0, `bench/run.ts --smoke exited with ${code}:\n${stderr}`);
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    assert.ok(lines.length > 0, 'no benchmark lines printed');
    const names = new Set<string>();
    for (const text of lines) {
      let parsed: unknown;
      assert.doesNotThrow(() => (parsed = JSON.parse(text)), `not JSON: ${text}`);
      assert.deepEqual(lineProblems(parsed), [], `line does not fit the schema: ${text}`);
      const l = parsed as { bench: string; lower_is_better: boolean; value: number; baseline: number; ratio: number };
      assert.ok(!names.has(l.bench), `bench name printed twice: ${l.bench}`);
      names.add(l.bench);
    }
    // Every benchmark printed something; the plan benchmark prints its four figures.
    for (const b of benchmarks) assert.ok([...names].some((n) => n.startsWith(b.name)), `benchmark ${b.name} printed no line`);
    for (const n of ['plan-api-warm-sqlite', 'plan-api-cold-sqlite', 'plan-page-warm-sqlite', 'plan-page-cold-sqlite']) assert.ok(names.has(n), `missing figure ${n}; printed: ${[...names].join(', ')}`);
    for (const text of lines) {
      const l = JSON.parse(text) as { unit: string; goal_on: string; lower_is_better: boolean };
      if (l.unit === 'req/s') assert.equal(l.lower_is_better, false, `${text}: a rate is higher-is-better`);
    }
  });

  it('refuses an unknown --only name', async () => {
    const { code, stderr } = await runBench(['--smoke', '--only', 'no-such-bench']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown benchmark/);
  });
});
