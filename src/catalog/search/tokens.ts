/**
 * The token layout of the catalog index.
 *
 * Every field is normalized (NFKC, lower case: ＡＥＤ, ａｅｄ and AED are one word; ｶﾅ is カナ) and
 * cut into chunks at spaces and punctuation. Each chunk gives:
 *  - its overlapping character bigrams (a one-character chunk gives itself), in the field's column,
 *    so any substring of two characters or more is a phrase of consecutive bigrams: 保育 and 人口 are
 *    found, and so are compounds and words no dictionary knows;
 *  - a word-start token `^xy` for every position where the morphological analyzer (or a separator)
 *    starts a word, in the `ws` column.
 * A query word matches where its bigram phrase occurs AND a word of the document starts with its
 * first bigram. So 保育 finds 保育園 (a word starts with 保育), but 京都 does not find 東京都
 * (東京|都: no word starts with 京都). A one-character query word matches words starting with it.
 */
import { normalize } from '../../core/search/text.js';
import { wordStarts } from './analyzer.js';

/** The separators of core/search/text.ts (spaces and ASCII and Japanese punctuation), one character at a time. */
const SEPARATOR = /[\s!-/:-@[-`{-~、。，．・「」『』（）【】〔〕［］｛｝〈〉《》“”‘’…‥：；？！＿ー－―‐〜～]/u;

export const WORD_START = '^';

export interface TokenSink {
  plain: string[];
  ws: string[];
}

/** Word-start offsets per normalized text; the seed passes a memo so repeated sentences are analyzed once. */
export type WordStartFn = (normalized: string) => number[];

/** Chunks of normalized text: arrays of code points between separators. */
export function chunksOf(normalized: string): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  for (const ch of normalized) {
    if (SEPARATOR.test(ch)) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(ch);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Append the tokens of one field text to the sink. */
export function addFieldTokens(text: string, sink: TokenSink, starts: WordStartFn = wordStarts): void {
  const norm = normalize(text);
  if (!norm) return;
  const cps = [...norm];
  const isStart = new Uint8Array(cps.length + 1);
  for (const s of starts(norm)) isStart[s] = 1;
  let i = 0;
  while (i < cps.length) {
    if (SEPARATOR.test(cps[i]!)) {
      i++;
      continue;
    }
    let e = i;
    while (e < cps.length && !SEPARATOR.test(cps[e]!)) e++;
    if (e - i === 1) {
      sink.plain.push(cps[i]!);
      sink.ws.push(WORD_START + cps[i]!);
    } else {
      for (let k = i; k < e; k++) {
        if (k + 1 < e) sink.plain.push(cps[k]! + cps[k + 1]!);
        if (k === i || isStart[k]) sink.ws.push(WORD_START + cps[k]! + (k + 1 < e ? cps[k + 1]! : ''));
      }
    }
    i = e;
  }
}

/** The bigram phrase of one query chunk (its code points), and the word-start token it must begin at. */
export function chunkQuery(chunk: string[]): { phrase: string[]; start: string; prefix: boolean } {
  if (chunk.length === 1) return { phrase: [], start: WORD_START + chunk[0]!, prefix: true };
  const phrase: string[] = [];
  for (let k = 0; k + 1 < chunk.length; k++) phrase.push(chunk[k]! + chunk[k + 1]!);
  return { phrase, start: WORD_START + chunk[0]! + chunk[1]!, prefix: false };
}

/** Code points NFKC leaves alone (ASCII, hiragana, katakana without the combining marks, CJK ideographs). */
function isStable(cp: number): boolean {
  return cp < 0x80 || (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30a1 && cp <= 0x30fa) || (cp >= 0x4e00 && cp <= 0x9fff);
}

/**
 * Normalized units of the original text with their UTF-16 offsets, for highlights: each unit is a
 * code point with its combining marks (ｶﾞ is one unit, ガ), normalized like the index.
 */
export function normalizedUnits(original: string): { text: string; unitOf: Int32Array; starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  const pieces: string[] = [];
  let offset = 0;
  for (const ch of original) {
    const cp = ch.codePointAt(0)!;
    // ASCII, kana and common kanji are never combining marks; test the rest.
    const combining = !isStable(cp) && (cp === 0xff9e || cp === 0xff9f || /\p{M}/u.test(ch));
    if (combining && starts.length) ends[ends.length - 1] = offset + ch.length;
    else {
      starts.push(offset);
      ends.push(offset + ch.length);
    }
    offset += ch.length;
  }
  for (let u = 0; u < starts.length; u++) {
    const piece = original.slice(starts[u], ends[u]);
    const cp = piece.codePointAt(0)!;
    pieces.push(piece.length === 1 && isStable(cp) ? (cp < 0x80 ? piece.toLowerCase() : piece) : piece.normalize('NFKC').toLowerCase());
  }
  const text = pieces.join('');
  const unitOf = new Int32Array(text.length + 1);
  let pos = 0;
  for (let u = 0; u < pieces.length; u++) {
    for (let k = 0; k < pieces[u]!.length; k++) unitOf[pos++] = u;
  }
  unitOf[pos] = pieces.length;
  return { text, unitOf, starts, ends };
}
