/**
 * `npm run bench [-- --smoke] [-- --only name[,name]]`
 * Prints one JSON line per figure on stdout (STYLE.md format); progress and a readable summary on stderr.
 * Exits non-zero when a benchmark fails or prints a line that does not fit the schema (never for speed).
 */
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { formatLine, lineProblems, meetsGoal, type BenchLine } from './format.js';
import { benchmarks } from './benchmarks.js';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    list: { type: 'boolean', default: false },
  },
});

if (values.list) {
  for (const b of benchmarks) console.log(`${b.name}\t${b.description}`);
  process.exit(0);
}

const only = (values.only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((n) => !benchmarks.some((b) => b.name === n));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const chosen = only.length ? benchmarks.filter((b) => only.includes(b.name)) : benchmarks;

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
// Figures from a busy machine are not comparable with a quiet one: say how busy it was.
const busy = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} CPU(s)`;
log(`node ${process.version}; ${busy()}`);
const printed: BenchLine[] = [];
let failed = 0;
for (const b of chosen) {
  log(`${b.name}${values.smoke ? ' (smoke size)' : ''}: ${b.description}`);
  try {
    for await (const l of b.run({ smoke: values.smoke, log: (m) => log(`  ${m}`) })) {
      const problems = lineProblems(l);
      if (problems.length) {
        failed += 1;
        log(`  ${l.bench}: line does not fit the schema: ${problems.join('; ')}`);
      }
      process.stdout.write(formatLine(l) + '\n');
      printed.push(l);
    }
  } catch (err) {
    failed += 1;
    log(`  ${b.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

if (!values.smoke && printed.length) {
  log(`summary (${busy()}):`);
  for (const l of printed) log(`  ${meetsGoal(l) ? 'meets' : 'MISSES'} ${l.bench}: ${l.goal_on} ${l.goal_on === 'ratio' ? l.ratio : l.value} (goal ${l.lower_is_better ? '≤' : '≥'} ${l.goal}); ${l.value} ${l.unit} vs ${l.baseline} ${l.unit}`);
}
process.exit(failed ? 1 : 0);
