/**
 * Message catalogs. Japanese is the source language; every key must exist in English too
 * (checked at compile time by `defineMessages` and at test time by i18n.test.ts).
 */
export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

export type Catalog = Record<string, string>;
export interface Messages<K extends string = string> {
  ja: Record<K, string>;
  en: Record<K, string>;
}

/** Declare a module's messages; the English catalog must have exactly the Japanese keys. */
export function defineMessages<const J extends Catalog>(ja: J, en: { [K in keyof J]: string }): Messages<Extract<keyof J, string>> {
  return { ja, en } as Messages<Extract<keyof J, string>>;
}

const catalogs: Record<Lang, Map<string, string>> = { ja: new Map(), en: new Map() };
const owners = new Map<string, string>();

/** Modules register their catalogs at import time. A key registered twice by different owners is a bug. */
export function registerMessages(owner: string, messages: Messages): void {
  for (const lang of LANGS) {
    for (const [k, v] of Object.entries(messages[lang])) {
      const prev = owners.get(k);
      if (prev !== undefined && prev !== owner) throw new Error(`message key "${k}" registered by both ${prev} and ${owner}`);
      owners.set(k, owner);
      catalogs[lang].set(k, v);
    }
  }
}

export function allCatalogs(): Record<Lang, ReadonlyMap<string, string>> {
  return catalogs;
}

export type Translator = (key: string, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translator {
  const cat = catalogs[lang];
  return (key, params) => {
    const msg = cat.get(key) ?? catalogs.ja.get(key);
    if (msg === undefined) return key;
    if (!params) return msg;
    return msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

export function isLang(v: unknown): v is Lang {
  return v === 'ja' || v === 'en';
}

/** Pick a language from an Accept-Language header; Japanese unless English is preferred over it. */
export function langFromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  const prefs = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: tag ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((p) => p.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const p of prefs) {
    if (p.tag.startsWith('ja')) return 'ja';
    if (p.tag.startsWith('en')) return 'en';
  }
  return undefined;
}

/** Kana or kanji: an English string containing these has not been translated. */
export const JAPANESE_SCRIPT = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/;

/** Proper names that stay in Japanese on English pages (the language switch names Japanese in Japanese). */
export const ENGLISH_ALLOW_LIST = ['日本語', '国際金融・経済都市', '法人番号', '和暦'];

export function formatNumber(n: number, lang: Lang, maxFractionDigits = 2): string {
  return new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { maximumFractionDigits: maxFractionDigits }).format(n);
}

export function formatDate(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeZone: 'Asia/Tokyo' }).format(d);
}

export function formatDateTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(d);
}

/** Pick the field of a bilingual record for a language, falling back to Japanese. */
export function pick(lang: Lang, ja: string | null | undefined, en: string | null | undefined): string {
  return (lang === 'en' ? en || ja : ja || en) ?? '';
}
