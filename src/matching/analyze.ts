/**
 * Reads a card's text, in Japanese, English or both, into language-independent features:
 *   c:<concept>  a concept of the bilingual term list (決済 and "payments" both give c:payment);
 *   w:<word>     an English word the list does not know (stemmed, stop words dropped);
 *   b:<bigram>   a two-character run of Japanese text the list does not know (kanji or katakana).
 * Concepts carry matching across languages; words and bigrams carry similar wording within one.
 */
import { TERMS, englishWords, stem } from './terms.js';

export type Features = Map<string, number>;

interface Phrase {
  words: string[];
  id: string;
}

const STOP = new Set(
  (
    'a an and are as at be been being but by can could do does for from has have having how i if in into is it its more most no not of on or our ours so such than that the their them then there these they this those to us was we were what when where which while who will with would you your yours ' +
    'looking look seek seeking want wanting need needing offer offering provide providing provided help helping support supporting company companie firm business new based also all any each other using use used via well include including like able etc per one two three'
  )
    .split(' ')
    .map(stem),
);

function buildEnglish(): Map<string, Phrase[]> {
  const out = new Map<string, Phrase[]>();
  const add = (wording: string, id: string) => {
    const words = englishWords(wording);
    if (!words.length) return;
    const list = out.get(words[0]!) ?? [];
    if (!list.some((p) => p.words.join(' ') === words.join(' '))) list.push({ words, id });
    out.set(words[0]!, list);
  };
  for (const t of TERMS) {
    for (const e of t.en) add(e, t.id);
    // ASCII wordings on the Japanese side (AI, IoT, EC, DX) appear in Japanese text as they are.
    for (const j of t.ja) if (/^[\x20-\x7e]+$/.test(j)) add(j, t.id);
  }
  for (const list of out.values()) list.sort((x, y) => y.words.length - x.words.length);
  return out;
}

function buildJapanese(): Map<string, { text: string; id: string }[]> {
  const out = new Map<string, { text: string; id: string }[]>();
  for (const t of TERMS) {
    for (const j of t.ja) {
      const text = j.normalize('NFKC').toLowerCase();
      if (/^[\x20-\x7e]+$/.test(text)) continue;
      const first = text[0]!;
      const list = out.get(first) ?? [];
      list.push({ text, id: t.id });
      out.set(first, list);
    }
  }
  for (const list of out.values()) list.sort((x, y) => y.text.length - x.text.length);
  return out;
}

const ENGLISH = buildEnglish();
const JAPANESE = buildJapanese();

const add = (f: Features, key: string, n = 1) => f.set(key, (f.get(key) ?? 0) + n);

function readEnglish(text: string, f: Features): void {
  // Non-ASCII characters separate words, so the English pass also reads ASCII inside Japanese text.
  const words = englishWords(text);
  for (let i = 0; i < words.length; ) {
    const list = ENGLISH.get(words[i]!);
    let matched = 0;
    if (list) {
      for (const p of list) {
        if (p.words.every((w, k) => words[i + k] === w)) {
          add(f, `c:${p.id}`);
          matched = p.words.length;
          break;
        }
      }
    }
    if (matched) i += matched;
    else {
      const w = words[i]!;
      if (!STOP.has(w) && w.length > 1 && !/^\d+$/.test(w)) add(f, `w:${w}`);
      i++;
    }
  }
}

const KANJI_KATAKANA = /[\u3400-\u4dbf\u4e00-\u9fff\u30a0-\u30ff]/;

function readJapanese(text: string, f: Features): void {
  const s = text.normalize('NFKC').toLowerCase().replace(/[\x00-\x7f]+/g, ' ');
  let rest = '';
  const flush = () => {
    // Bigrams of what the term list did not know, within runs of kanji and katakana (particles split runs).
    const chars = [...rest];
    for (let k = 0; k + 1 < chars.length; k++) if (KANJI_KATAKANA.test(chars[k]!) && KANJI_KATAKANA.test(chars[k + 1]!)) add(f, `b:${chars[k]}${chars[k + 1]}`);
    rest = '';
  };
  for (let i = 0; i < s.length; ) {
    const list = JAPANESE.get(s[i]!);
    const hit = list?.find((t) => s.startsWith(t.text, i));
    if (hit) {
      flush();
      add(f, `c:${hit.id}`);
      i += hit.text.length;
    } else {
      rest += s[i];
      i++;
    }
  }
  flush();
}

/** Features of a text (counts); Japanese and English parts are both read. */
export function analyze(text: string, into: Features = new Map()): Features {
  if (!text) return into;
  readEnglish(text, into);
  if (/[^\x00-\x7f]/.test(text)) readJapanese(text, into);
  return into;
}

/** Does the text contain Japanese script (kana or kanji)? */
export function hasJapanese(text: string): boolean {
  return /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/.test(text);
}
