/**
 * Word boundaries from a morphological analyzer (Lindera with IPADIC, compiled to WebAssembly).
 * The analyzer is loaded once per process, lazily, on the first document that needs it: the search
 * path never needs it (queries are matched by bigrams plus word-start tokens, see tokens.ts), so a
 * server that only answers searches never pays its ~180 MB.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface LinderaToken {
  surface: string;
  byteStart: number;
  byteEnd: number;
}
interface LinderaTokenizer {
  tokenize(text: string): LinderaToken[];
}

const LINDERA_PACKAGE = 'lindera-wasm-nodejs-ipadic';
const LINDERA_VERSION = (require(`${LINDERA_PACKAGE}/package.json`) as { version: string }).version;

/**
 * The name and dictionary version stored with the index. Bump the suffix when the token layout in
 * tokens.ts changes: a stored index with another id is stale and must be rebuilt (reindexAll).
 */
export const TOKENIZER_ID = `${LINDERA_PACKAGE}@${LINDERA_VERSION}/ipadic;bigram+wordstart/v1`;

let tokenizer: LinderaTokenizer | null = null;

function load(): LinderaTokenizer {
  if (tokenizer) return tokenizer;
  // The nodejs build instantiates its WebAssembly synchronously, so prepareSearchDoc can stay synchronous.
  const mod = require(LINDERA_PACKAGE) as { TokenizerBuilder: new () => { setDictionary(u: string): void; setMode(m: string): void; build(): LinderaTokenizer } };
  const builder = new mod.TokenizerBuilder();
  builder.setDictionary('embedded://ipadic');
  builder.setMode('normal');
  tokenizer = builder.build();
  return tokenizer;
}

export function analyzerLoaded(): boolean {
  return tokenizer !== null;
}

/** Largest text handed to the analyzer at once; longer text is cut (the index caps tokens anyway). */
const MAX_ANALYZED = 20_000;

/**
 * Code point offsets in `text` where the analyzer starts a word. `text` is already normalized;
 * separators (spaces, punctuation) are handled by the caller, which treats every chunk start as a
 * word start too.
 */
export function wordStarts(text: string): number[] {
  if (!text) return [];
  if (text.length > MEMO_TEXT) return analyze(text);
  let out = memo.get(text);
  if (out) {
    // Most recently used last, so the oldest entry goes first when the memo is full.
    memo.delete(text);
    memo.set(text, out);
    return out;
  }
  out = analyze(text);
  memo.set(text, out);
  if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  return out;
}

/**
 * Short texts repeat across a catalog (tags, categories, organizations, maintainers, resource names,
 * extras values): their word starts are remembered, least recently used dropped first. Analyzing
 * is the largest cost of preparing a document (the analyzer returns rich token objects).
 */
const MEMO_TEXT = 64;
const MEMO_ENTRIES = 20_000;
const memo = new Map<string, number[]>();

/** Forget remembered word starts (benchmarks measure the analyzer from cold). */
export function clearWordStartMemo(): void {
  memo.clear();
}

function analyze(text: string): number[] {
  const input = text.length > MAX_ANALYZED ? text.slice(0, MAX_ANALYZED) : text;
  const tokens = load().tokenize(input);
  const byteStarts = new Set<number>();
  for (const t of tokens) byteStarts.add(t.byteStart);
  const out: number[] = [];
  let byte = 0;
  let index = 0;
  for (const ch of input) {
    if (byteStarts.has(byte)) out.push(index);
    const cp = ch.codePointAt(0)!;
    byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    index += 1;
  }
  return out;
}
