import { defineMessages } from '../core/i18n/index.js';

// Words around the registry's data. Japanese is the source; English carries no kana or kanji.
export const companiesMessages = defineMessages(
  {
    'nav.companies': '企業',
    'companies.timeline.created': '企業情報を登録',
    'companies.timeline.updated': '企業情報を更新（{fields}）',
    'companies.timeline.merged': '{name}（No. {id}）を統合',
    'companies.timeline.mergedAway': 'この企業（No. {id}）の記録は {name} に統合されました',
    'companies.timeline.contactAdded': '連絡先を追加',
    'companies.timeline.contactRemoved': '連絡先を削除',
  },
  {
    'nav.companies': 'Companies',
    'companies.timeline.created': 'Registered',
    'companies.timeline.updated': 'Details updated ({fields})',
    'companies.timeline.merged': 'Merged {name} (No. {id}) into this company',
    'companies.timeline.mergedAway': 'The record of this company (No. {id}) was merged into {name}',
    'companies.timeline.contactAdded': 'Contact added',
    'companies.timeline.contactRemoved': 'Contact removed',
  },
);

type Key = keyof typeof companiesMessages.ja;

/** A message in both languages, for data that carries its own translations (timeline titles). */
export function bilingual(key: Key, params: Record<string, string | number> = {}): { ja: string; en: string } {
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
  return { ja: fill(companiesMessages.ja[key]), en: fill(companiesMessages.en[key]) };
}
