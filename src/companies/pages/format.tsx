import type { VNode } from 'preact';
import { formatNumber, type Lang, type Translator } from '../../core/i18n/index.js';
import { formatCorporateNumber } from '../corporate-number.js';
import { countryName, jsicDivision, jsicMajor, municipality } from '../reference.js';
import type { Company } from '../types.js';

/** A company's name for a reader: the name in the reader's language, else the other one. */
export function nameOf(c: Pick<Company, 'nameJa' | 'nameEn'>, lang: Lang): string {
  return (lang === 'en' ? (c.nameEn ?? c.nameJa) : (c.nameJa ?? c.nameEn)) ?? '';
}

/** The name marked with its language, so a screen reader reads a Japanese name on an English page in Japanese. */
export function Name({ c, lang }: { c: Pick<Company, 'nameJa' | 'nameEn'>; lang: Lang }): VNode {
  const text = nameOf(c, lang);
  const textLang: Lang = text === c.nameJa && text !== c.nameEn ? 'ja' : 'en';
  return textLang === lang ? <>{text}</> : <span lang={textLang}>{text}</span>;
}

export function Ja({ text, lang }: { text: string | null; lang: Lang }): VNode {
  return text === null ? <></> : lang === 'ja' ? <>{text}</> : <span lang="ja">{text}</span>;
}

export const countryLabel = (code: string, lang: Lang) => `${countryName(code, lang)} (${code})`;

export function industryLabel(c: Pick<Company, 'jsicMajor' | 'jsicDivision'>, lang: Lang, t: Translator): string {
  if (!c.jsicMajor) return t('companies.none');
  const m = jsicMajor(c.jsicMajor);
  const major = m ? `${m.code} ${lang === 'ja' ? m.nameJa : m.nameEn}` : c.jsicMajor;
  if (!c.jsicDivision) return major;
  const d = jsicDivision(c.jsicDivision);
  return `${major} / ${d ? `${d.code} ${lang === 'ja' ? d.nameJa : d.nameEn}` : c.jsicDivision}`;
}

export function municipalityLabel(lgCode: string | null, lang: Lang, t: Translator): string {
  if (!lgCode) return t('companies.none');
  const m = municipality(lgCode);
  return m ? `${lang === 'ja' ? `東京都${m.nameJa}` : `${m.nameEn}, Tokyo`} (${lgCode})` : lgCode;
}

export const numberText = (n: number | null, lang: Lang, t: Translator, unit?: 'people' | 'yen') =>
  n === null ? t('companies.none') : unit === 'people' ? t('companies.people', { n: formatNumber(n, lang) }) : unit === 'yen' ? t('companies.yen', { n: formatNumber(n, lang) }) : formatNumber(n, lang);

export const corporateNumberText = (n: string | null, t: Translator) => (n ? formatCorporateNumber(n) : t('companies.none'));

/** Query string of a search, without the page offset (for page links and exports). */
export function searchQueryString(q: Record<string, string | undefined>, extra: Record<string, string | number> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, v);
  for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
