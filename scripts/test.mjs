#!/usr/bin/env node
// Runs every *.test.ts / *.test.tsx under src/, test/ and bench/ with node's test runner (through tsx).
// Under CI=true a skipped test is a failure: tests that need PostgreSQL or Chromium must run there.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function find(dir, out = []) {
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) find(p, out);
    else if (/\.test\.tsx?$/.test(e)) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = ['src', 'test', 'bench'].flatMap((d) => find(d)).sort();
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}

const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', '--test-reporter=spec', ...files];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } });
let skipped = 0;
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  const m = /ℹ skipped (\d+)/.exec(tail);
  skipped = m ? Number(m[1]) : 0;
  if (code === 0 && skipped > 0 && process.env.CI === 'true') {
    console.error(`\nCI=true: ${skipped} test(s) were skipped; under CI every test must run.`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
