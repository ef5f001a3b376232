import type { VNode } from 'preact';
import type { Lang, Translator } from '../../core/i18n/index.js';
import { formatDate, formatDateTime } from '../../core/i18n/index.js';
import type { PageCtx } from '../../core/http/render.js';
import type { Option } from '../../core/http/fields.js';
import { SECTOR_GROUPS, sectorsOf, type Stage } from '../rules.js';
import type { Bilingual, CompanyRef, UserRef } from '../service.js';

/** The module's own menu, marking the current page. */
export function SubNav({ ctx }: { ctx: PageCtx }): VNode {
  const items = [
    ['/attraction', 'attraction.nav.dashboard'],
    ['/attraction/board', 'attraction.nav.board'],
    ['/attraction/leads', 'attraction.nav.leads'],
    ['/attraction/leads/new', 'attraction.nav.newLead'],
    ['/attraction/others', 'attraction.nav.others'],
  ] as const;
  return (
    <nav class="attraction-subnav" aria-label={ctx.t('attraction.subnav')}>
      <ul class="inline-list">
        {items.map(([href, key]) => (
          <li>
            <a href={href} aria-current={ctx.path === href ? 'page' : undefined}>
              {ctx.t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Notice({ text }: { text: string | null }): VNode | null {
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

/** CSV and XLSX links for the table above, keeping its filters. */
export function ExportLinks({ t, lang, base, query, label }: { t: Translator; lang: Lang; base: string; query?: string; label: string }): VNode {
  const q = query ? `?${query}` : '';
  return (
    <p class="export-links">
      {t('attraction.export')}{' '}
      <a href={`${base}.csv${q}`} download>
        {t('attraction.export.csv')}
        <span class="visually-hidden">{paren(lang, label)}</span>
      </a>{' '}
      <a href={`${base}.xlsx${q}`} download>
        {t('attraction.export.xlsx')}
        <span class="visually-hidden">{paren(lang, label)}</span>
      </a>
    </p>
  );
}

/** Text in brackets, as each language writes them. */
export const paren = (lang: Lang, s: string) => (lang === 'ja' ? `（${s}）` : ` (${s})`);

export const bi = (lang: Lang, b: Bilingual) => (lang === 'en' ? b.en : b.ja);
export const companyName = (lang: Lang, c: CompanyRef) => bi(lang, c.name);
export const stageLabel = (t: Translator, s: Stage | null) => (s ? t(`attraction.stage.${s}`) : t('attraction.stage.created'));
export const dateText = (iso: string | null, lang: Lang) => (iso ? formatDate(`${iso}T00:00:00+09:00`, lang) : '—');
export const dateTimeText = (iso: string, lang: Lang) => formatDateTime(iso, lang);
export const userName = (u: UserRef) => u.name;

/** Sector options: the three groups (all their sectors) and each sector. */
export function sectorFilterOptions(t: Translator): Option[] {
  return SECTOR_GROUPS.flatMap((g) => [
    { value: g, label: t('attraction.sector.group', { group: t(`attraction.sectorGroup.${g}`) }) },
    ...(g === 'other' ? [] : sectorsOf(g).map((s) => ({ value: s, label: `— ${t(`attraction.sector.${s}`)}` }))),
  ]);
}

export function sectorOptions(t: Translator, lang: Lang): Option[] {
  return SECTOR_GROUPS.flatMap((g) => sectorsOf(g).map((s) => ({ value: s, label: g === 'other' ? t(`attraction.sector.${s}`) : `${t(`attraction.sectorGroup.${g}`)}${lang === 'ja' ? '：' : ': '}${t(`attraction.sector.${s}`)}` })));
}

export function choiceOptions(t: Translator, prefix: string, values: readonly string[]): Option[] {
  return values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));
}
