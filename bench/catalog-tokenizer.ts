/**
 * Which tokenizer for catalog search: kuromoji 0.1.2 and Lindera (lindera-wasm-nodejs-ipadic 2.0)
 * against plain character bigrams, each in its own process so load time and memory are its own:
 * dictionary load (ms), resident memory after load (MB), and time per sentence (plan and catalog
 * sentences, about 60 characters). The baseline of each Lindera figure is kuromoji in the same run;
 * the per-document figure (prepareSearchDoc with Lindera boundaries) has bigrams alone as baseline.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { line, type BenchLine, type Benchmark, type BenchOptions } from './format.js';
import { FIXTURES } from './seed-fixtures.js';

type Which = 'kuromoji' | 'lindera' | 'bigram' | 'prepare';
interface ChildResult {
  loadMs: number;
  rssMb: number;
  perItemMs: number;
  items: number;
}

function sentences(n: number): string[] {
  const pool = [...FIXTURES.planSentences, ...FIXTURES.descriptions.flatMap((d) => d.split('。')).filter((s) => s.length >= 10)];
  return Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
}

async function child(which: Which, n: number): Promise<ChildResult> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', which, String(n)];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`${which} child exited with ${code}`))));
  });
}

async function runChild(which: Which, n: number): Promise<ChildResult> {
  const texts = sentences(n);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let analyze: (s: string) => unknown;
  if (which === 'kuromoji') {
    const kuromoji = (await import('kuromoji')).default;
    const { createRequire } = await import('node:module');
    const dicPath = createRequire(import.meta.url).resolve('kuromoji/package.json').replace(/package\.json$/, 'dict');
    const tk = await new Promise<{ tokenize(s: string): unknown[] }>((res, rej) => kuromoji.builder({ dicPath }).build((err, t) => (err ? rej(err) : res(t))));
    analyze = (s) => tk.tokenize(s);
  } else if (which === 'lindera') {
    const { wordStarts } = await import('../src/catalog/search/analyzer.js');
    wordStarts('東京');
    analyze = wordStarts;
  } else if (which === 'bigram') {
    const { addFieldTokens } = await import('../src/catalog/search/tokens.js');
    analyze = (s) => addFieldTokens(s, { plain: [], ws: [] }, () => []);
  } else {
    const { prepareSearchDoc } = await import('../src/catalog/search/index.js');
    prepareSearchDoc({ id: 'x', name: 'x', title: '東京', notes: '', tags: [], organization: null, groups: [], resFormats: [], resNames: [], resDescriptions: [], licenseId: null, private: false, state: 'active', metadataCreated: '', metadataModified: '', extras: {}, author: null, maintainer: null });
    analyze = (s) => prepareSearchDoc({ id: 'x', name: 'x', title: s.slice(0, 20), notes: s, tags: ['子育て', '保育'], organization: 'meguro', groups: [], resFormats: ['CSV'], resNames: ['一覧'], resDescriptions: [], licenseId: null, private: false, state: 'active', metadataCreated: '', metadataModified: '', extras: {}, author: null, maintainer: null });
  }
  const loadMs = performance.now() - t0;
  const rssMb = Math.max(0, process.memoryUsage().rss - rss0) / 1e6;
  for (const s of texts.slice(0, 20)) analyze(s); // warm-up
  const t1 = performance.now();
  for (const s of texts) analyze(s);
  const perItemMs = (performance.now() - t1) / texts.length;
  return { loadMs, rssMb, perItemMs, items: texts.length };
}

export const catalogTokenizerBench: Benchmark = {
  name: 'catalog-tokenizer',
  description: 'Japanese tokenizers for catalog search: Lindera vs kuromoji (load, memory, per sentence) and prepareSearchDoc vs bigrams alone',
  async *run(opts: BenchOptions): AsyncGenerator<BenchLine> {
    const n = opts.smoke ? 50 : 2000;
    const kuro = await child('kuromoji', n);
    const lind = await child('lindera', n);
    const big = await child('bigram', n);
    const prep = await child('prepare', n);
    opts.log(`kuromoji: load ${kuro.loadMs.toFixed(0)} ms, +${kuro.rssMb.toFixed(0)} MB, ${kuro.perItemMs.toFixed(3)} ms/sentence`);
    opts.log(`lindera:  load ${lind.loadMs.toFixed(0)} ms, +${lind.rssMb.toFixed(0)} MB, ${lind.perItemMs.toFixed(3)} ms/sentence`);
    opts.log(`bigrams:  ${big.perItemMs.toFixed(4)} ms/sentence; prepareSearchDoc ${prep.perItemMs.toFixed(3)} ms/doc`);
    yield line({ bench: 'catalog-tokenizer-lindera-load', value: lind.loadMs, unit: 'ms', baseline: kuro.loadMs, goal: 1, goal_on: 'ratio', lower_is_better: true });
    yield line({ bench: 'catalog-tokenizer-lindera-memory', value: lind.rssMb, unit: 'MB', baseline: Math.max(kuro.rssMb, 0.001), goal: 1, goal_on: 'ratio', lower_is_better: true });
    yield line({ bench: 'catalog-tokenizer-lindera-sentence', value: lind.perItemMs, unit: 'ms', baseline: kuro.perItemMs, goal: 1.5, goal_on: 'ratio', lower_is_better: true });
    yield line({ bench: 'catalog-tokenizer-prepare-doc', value: prep.perItemMs, unit: 'ms', baseline: big.perItemMs, goal: 2, goal_on: 'value', lower_is_better: true });
  },
};

if (process.argv[2] === '--child') {
  const r = await runChild(process.argv[3] as Which, Number(process.argv[4]));
  process.stdout.write(JSON.stringify(r));
}
