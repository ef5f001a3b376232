/**
 * Text for full-text search, the same on both dialects. Text is normalized (NFKC, case-folded),
 * split into tokens in JavaScript, and each token is encoded as a plain alphanumeric word before it
 * reaches FTS5 or tsvector. User input therefore never reaches MATCH or to_tsquery as syntax: a
 * stray quote, OR, *, NEAR or `col:` is just text.
 */

/** NFKC (full-width ＡＥＤ and half-width ｶﾅ fold to AED and カナ), lower case, one space between words. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Characters that separate words for bigram purposes (spaces and punctuation, ASCII and Japanese). */
const SEPARATORS = /[\s!-/:-@[-`{-~、。，．・「」『』（）【】〔〕［］｛｝〈〉《》“”‘’…‥：；？！＿ー－―‐〜～]+/u;

/**
 * Overlapping character bigrams of each word of normalized text ("保育園" → 保育, 育園); a one-character
 * word stays itself. Bigrams find two-character words and any substring of two characters or more.
 */
export function bigrams(text: string): string[] {
  const out: string[] = [];
  for (const word of normalize(text).split(SEPARATORS)) {
    const chars = [...word];
    if (chars.length === 0) continue;
    if (chars.length === 1) {
      out.push(chars[0]!);
      continue;
    }
    for (let i = 0; i < chars.length - 1; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/** The bigram phrases of a query: one phrase per word, each a run of consecutive bigrams. */
export function bigramPhrases(query: string): string[][] {
  return normalize(query)
    .split(SEPARATORS)
    .filter(Boolean)
    .map((w) => bigrams(w));
}

/** Encode any token as a lowercase alphanumeric word that both FTS5 (unicode61) and tsvector ('simple') keep intact. */
export function encodeToken(token: string): string {
  return 'k' + Buffer.from(token, 'utf8').toString('hex');
}

export function decodeToken(word: string): string {
  return Buffer.from(word.slice(1), 'hex').toString('utf8');
}

/** The indexed document: encoded tokens separated by spaces, capped (PostgreSQL positions stop at 16,383). */
export function indexText(tokens: string[], maxTokens = 16_000): string {
  return tokens.slice(0, maxTokens).map(encodeToken).join(' ');
}
