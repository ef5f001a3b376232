import { toRomaji } from 'wanakana';

/**
 * English names of Tokyo's municipalities, derived from the half-width kana of the local government
 * code list (ﾁﾖﾀﾞｸ → Chiyoda-ku). The rule, also in docs/catalog.md:
 *
 * - the kana is folded to full width (NFKC), its suffix (ｸ 区, ｼ 市, ﾏﾁ 町, ﾑﾗ 村) split off and written
 *   -ku, -shi, -machi, -mura (every town and village in Tokyo reads 町 as machi and 村 as mura);
 * - the rest is romanized by wanakana (Hepburn) and long vowels are folded without macrons:
 *   ou → o, oo → o, uu → u (オオタ → Ota, ハチオウジ → Hachioji, チュウオウ → Chuo); ii and ei stay
 *   (Niijima, Koganei), as in the names the municipalities use themselves;
 * - the first letter is capitalized; the slug is the lower-case name (ota-ku).
 */
const SUFFIXES: ReadonlyArray<{ kanji: string; kana: string; en: string }> = [
  { kanji: '区', kana: 'ク', en: 'ku' },
  { kanji: '市', kana: 'シ', en: 'shi' },
  { kanji: '町', kana: 'マチ', en: 'machi' },
  { kanji: '村', kana: 'ムラ', en: 'mura' },
];

/** Hepburn without macrons: the long vowels of place names written as one letter. */
export function foldLongVowels(romaji: string): string {
  return romaji.replace(/ou/g, 'o').replace(/oo/g, 'o').replace(/uu/g, 'u');
}

export interface RomanizedName {
  /** "Chiyoda-ku" */
  en: string;
  /** "chiyoda-ku" */
  slug: string;
  /** Full-width katakana, "チヨダク". */
  kana: string;
}

/** Romanize a municipality from its kanji name (for the suffix) and its kana reading. */
export function romanizeMunicipality(kanji: string, kanaHalfWidth: string): RomanizedName {
  const kana = kanaHalfWidth.normalize('NFKC').trim();
  const suffix = SUFFIXES.find((s) => kanji.endsWith(s.kanji) && kana.endsWith(s.kana));
  if (!suffix) throw new Error(`cannot split the suffix of ${kanji} (${kana})`);
  const stem = kana.slice(0, kana.length - suffix.kana.length);
  const romaji = foldLongVowels(toRomaji(stem).replace(/'/g, ''));
  if (!/^[a-z]+$/.test(romaji)) throw new Error(`romanizing ${kanji} (${kana}) gave ${romaji}`);
  const en = `${romaji[0]!.toUpperCase()}${romaji.slice(1)}-${suffix.en}`;
  return { en, slug: en.toLowerCase(), kana };
}
